"""The kitchen queue: paid orders by meal service; staff move them preparing → ready → collected."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.service import find_by_ref, get_order
from linli.canteen.orders.states import KITCHEN_MOVES, KITCHEN_STATES, invalid_transition, sources
from linli.canteen.today.service import read_row
from linli.shared.auth import Identity
from linli.shared.db import changed_rows, utcnow
from linli.shared.errors import Unprocessable

TRANSITIONS: dict[str, tuple[str, ...]] = {move: sources(move) for move in KITCHEN_MOVES}  # to: from which
_STAMP = {"preparing": "preparing_at", "ready": "ready_at", "collected": "collected_at"}


def _filters(community_id: str, pickup_date: dt.date, meal_service_id: int | None) -> list[sa.ColumnElement[bool]]:
    where = [Order.community_id == community_id, Order.pickup_date == pickup_date]
    if meal_service_id is not None:
        where.append(Order.meal_service_id == meal_service_id)
    return where


def queue(identity: Identity, *, community_id: str, pickup_date: dt.date, meal_service_id: int | None = None,
          include_collected: bool = False) -> list[Order]:
    """Orders the kitchen has to make or hand over, oldest payment first."""
    identity.require_community(community_id)
    states = KITCHEN_STATES + (("collected",) if include_collected else ())
    return list(db.session.scalars(
        sa.select(Order).where(*_filters(community_id, pickup_date, meal_service_id), Order.state.in_(states))
        .order_by(Order.paid_at, Order.id)))


def queue_by_state(identity: Identity, *, community_id: str, pickup_date: dt.date,
                   meal_service_id: int | None = None) -> dict[str, list[Order]]:
    """The kitchen board's columns: the queue by state (paid, preparing, ready), oldest payment first."""
    columns: dict[str, list[Order]] = {state: [] for state in KITCHEN_STATES}
    for order in queue(identity, community_id=community_id, pickup_date=pickup_date, meal_service_id=meal_service_id):
        columns[order.state].append(order)
    return columns


def queue_etag(community_id: str, pickup_date: dt.date, meal_service_id: int | None = None) -> str:
    """Changes whenever an order of that day is placed, paid or moves on (one small aggregate query)."""
    row = read_row(sa.select(sa.func.count(), sa.func.max(Order.updated_at), sa.func.max(Order.id))
                   .where(*_filters(community_id, pickup_date, meal_service_id)))
    fingerprint = f"{community_id}|{pickup_date}|{meal_service_id}|{row[0]}|{row[1]}|{row[2]}"
    return hashlib.blake2s(fingerprint.encode(), digest_size=12).hexdigest()


def advance(identity: Identity, order_id: int, to_state: str) -> Order:
    """Move a paid order on (preparing, ready, collected); a repeated move is a no-op."""
    if to_state not in TRANSITIONS:
        raise Unprocessable("Move an order to preparing, ready or collected.", code="invalid_state")
    order = get_order(order_id)
    identity.require_community(order.community_id)
    if order.state == to_state:
        return order
    now = utcnow()
    done = changed_rows(db.session.execute(
        sa.update(Order).where(Order.id == order_id, Order.state.in_(TRANSITIONS[to_state]))
        .values({"state": to_state, _STAMP[to_state]: now, "updated_at": now})))
    if done != 1:
        db.session.rollback()
        current = db.session.get(Order, order_id, populate_existing=True)
        state = current.effective_state if current else "missing"
        raise invalid_transition(state, to_state)
    db.session.commit()
    return db.session.get_one(Order, order_id, populate_existing=True)


def collect_by_ref(identity: Identity, pickup_ref: str) -> Order:
    """The counter scans the QR code: hand the order over."""
    order = find_by_ref(pickup_ref)
    return advance(identity, order.id, "collected")


# --- the counter and the kitchen's view of one day ---------------------------------------------

LIVE_STATES = ("pending_payment", "paid", "preparing", "ready")


def find_by_number(identity: Identity, *, community_id: str, pickup_date: dt.date, number: int) -> Order | None:
    """The order with that pickup number on that day."""
    identity.require_community(community_id)
    return db.session.scalar(sa.select(Order).where(*_filters(community_id, pickup_date, None),
                                                    Order.pickup_number == number))


def desk(identity: Identity, *, community_id: str, pickup_date: dt.date) -> dict[str, list[Order]]:
    """The counter's lists for a day: ``waiting`` (to pay in cash, not expired) and ``handover``
    (paid, not collected yet), by pickup number."""
    identity.require_community(community_id)
    where = _filters(community_id, pickup_date, None)
    ordered = (Order.pickup_number,)
    waiting = db.session.scalars(sa.select(Order).where(*where, Order.state == "pending_payment",
                                                        Order.expires_at > utcnow()).order_by(*ordered))
    handover = db.session.scalars(sa.select(Order).where(*where, Order.state.in_(KITCHEN_STATES)).order_by(*ordered))
    return {"waiting": list(waiting), "handover": list(handover)}


def preorders(identity: Identity, *, community_id: str, pickup_date: dt.date,
              meal_service_id: int | None = None) -> dict[str, object]:
    """The orders for a day's meal service that are still to be served (paid or still to be paid
    at pickup), by pickup time, and how many of each dish they need in all (``tally``: name →
    ``{"full": n, "half": n}``), so the kitchen can cook for tomorrow's pre-orders."""
    identity.require_community(community_id)
    now = utcnow()
    found = [o for o in db.session.scalars(
        sa.select(Order).where(*_filters(community_id, pickup_date, meal_service_id), Order.state.in_(LIVE_STATES))
        .order_by(Order.pickup_time.is_(None), Order.pickup_time, Order.pickup_number)) if not o.is_expired(now)]
    tally: dict[tuple[str, str], dict[str, int]] = {}
    for order in found:
        for line in order.lines:
            items = ([(c["name_zh"], c["name_en"], c.get("portion") or "full") for c in line.choices]
                     if line.kind == "set_meal" else [])
            if line.kind != "set_meal":
                base_zh = line.name_zh.removesuffix("（半份）")
                base_en = line.name_en.removesuffix(" (half)")
                items.append((base_zh, base_en, line.portion or "full"))
            for name_zh, name_en, portion in items:
                counts = tally.setdefault((name_zh, name_en), {"full": 0, "half": 0})
                counts["half" if portion == "half" else "full"] += line.quantity
    return {"orders": found, "tally": [{"name_zh": zh, "name_en": en, **counts}
                                       for (zh, en), counts in sorted(tally.items())]}
