"""The kitchen queue: paid orders by meal service; staff move them preparing → ready → collected."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.service import get_order
from linli.canteen.orders.states import KITCHEN_MOVES, KITCHEN_STATES, invalid_transition, sources
from linli.canteen.today.service import read_row
from linli.shared.auth import Identity
from linli.shared.db import utcnow
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
    done = db.session.execute(
        sa.update(Order).where(Order.id == order_id, Order.state.in_(TRANSITIONS[to_state]))
        .values({"state": to_state, _STAMP[to_state]: now, "updated_at": now})).rowcount
    if done != 1:
        db.session.rollback()
        current = db.session.get(Order, order_id, populate_existing=True)
        state = current.effective_state if current else "missing"
        raise invalid_transition(state, to_state)
    db.session.commit()
    return db.session.get(Order, order_id, populate_existing=True)  # type: ignore[return-value]


def collect_by_ref(identity: Identity, pickup_ref: str) -> Order:
    """The counter scans the QR code: hand the order over."""
    from linli.canteen.orders.service import find_by_ref

    order = find_by_ref(pickup_ref)
    return advance(identity, order.id, "collected")
