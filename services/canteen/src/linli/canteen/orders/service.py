"""Orders: placement (the hot path), access, cancellation, expiry. Callable without HTTP.

The functions under ``# --- contract with payments`` are what the payments module calls inside its
own transaction (they never commit).

Placement reads prices and the menu first (no locks), then in one short write phase: one conditional
UPDATE per stock row in a fixed order, the pickup-number upsert, one INSERT for the order and one
multi-row INSERT for its lines, and commit. If something is sold out, unpaid orders past their expiry
are released first and the order is tried once more.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from linli.canteen.extensions import db
from linli.canteen.menu.models import PORTIONS, MealService
from linli.canteen.orders import fastpath
from linli.canteen.orders.models import Order, OrderAdjustment, OrderLine, PickupCounter
from linli.canteen.orders.offers import Offers, load_offers
from linli.canteen.orders.states import SOLD_STATES, can_move
from linli.canteen.stock import service as stock
from linli.canteen.stock.models import DishStock, SetMealStock
from linli.shared.auth import Identity
from linli.shared.db import changed_rows, lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Problem, Unauthorized, Unprocessable
from linli.shared.state import service_state

MAX_QUANTITY = 50
DINER_LINE_LIMIT = 10  # one diner at the kiosk or on the phone: at most this many of one item per order
DINER_CHANNELS = ("kiosk", "phone")
MAX_LINES = 30
CHANNELS = ("kiosk", "phone", "counter", "api")
MODES = ("dine_in", "takeaway")


PAY_AT_PICKUP_CHANNELS = ("phone",)  # ordered ahead, from elsewhere: paid when the diner comes


def expiry_minutes() -> float:
    """How long an unpaid order holds its stock (``LINLI_ORDER_EXPIRY_MINUTES``, 10; a fraction is
    allowed, e.g. 0.25 in the fault drill, so that the tick expires orders while it runs)."""
    configured = current_app.config.get("LINLI_ORDER_EXPIRY_MINUTES")
    if configured is None:
        configured = os.environ.get("LINLI_ORDER_EXPIRY_MINUTES", "10")
    minutes = float(configured)
    return int(minutes) if minutes.is_integer() else minutes


def pickup_deadline(order: Order) -> dt.datetime:
    """Until when an order to be paid at pickup (cash at the counter) holds its stock.

    A pre-order from the phone (channel ``phone``, also through the API) is paid when the diner comes for it, so it holds until
    its meal service's pickup window closes (``ends_at``); an order at the kiosk or the counter is
    paid there and then (an ``api`` order likewise), so it keeps its short window (``LINLI_ORDER_EXPIRY_MINUTES``)."""
    if order.channel not in PAY_AT_PICKUP_CHANNELS:
        return order.expires_at
    ends_at = db.session.scalar(sa.select(MealService.ends_at).where(MealService.id == order.meal_service_id))
    return max(order.expires_at, ends_at) if ends_at is not None else order.expires_at


def hold_for_pickup(order: Order) -> None:
    """The diner will pay at pickup: the (locked) unpaid order holds until ``pickup_deadline``, which
    is what ``tick`` and every read of ``effective_state`` go by. Does not commit."""
    if order.state == "pending_payment" and not order.is_expired():
        order.expires_at = pickup_deadline(order)
        db.session.flush()


# --- pricing (no locks) -----------------------------------------------------------------------


@dataclass
class _Priced:
    lines: list[dict[str, Any]] = field(default_factory=list)
    draws: stock.Draws = field(default_factory=stock.Draws)
    subtotal_fen: int = 0


def line_limit(channel: str) -> int:
    """How many of one item one order may have: a diner ordering for themself (kiosk, phone) gets
    ``DINER_LINE_LIMIT``; the counter and the API (a group, a family) up to ``MAX_QUANTITY``."""
    return DINER_LINE_LIMIT if channel in DINER_CHANNELS else MAX_QUANTITY


def _quantity(line: dict[str, Any], limit: int = MAX_QUANTITY) -> int:
    quantity = line.get("quantity", 1)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise Unprocessable(f"Quantity must be a whole number from 1 to {MAX_QUANTITY}.", code="invalid_quantity")
    if quantity > limit:
        raise Unprocessable(f"At most {limit} of one item per order here.", code="line_limit", limit=limit)
    return quantity


def _choose(offer: dict[str, Any], choices: list[int]) -> list[tuple[int, str]]:
    """Assign the chosen dish ids to the set meal's groups; fixed groups fill themselves."""
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise Unprocessable("Choices are a list of dish ids.", code="invalid_choice")
    left = list(choices)
    chosen: list[tuple[int, str]] = []
    for group in offer["groups"].values():
        options: dict[int, str] = group["options"]
        if len(options) == group["choose"]:  # fixed items
            picked = list(options)
            left = [c for c in left if c not in options]  # listing them is optional
        else:
            picked = list(dict.fromkeys(c for c in left if c in options))
            if len(picked) != group["choose"] or sum(1 for c in left if c in options) != group["choose"]:
                raise Unprocessable(f"Choose exactly {group['choose']} distinct item(s) of each group.",
                                    code="invalid_choice")
            left = [c for c in left if c not in options]
        chosen.extend((dish_id, options[dish_id]) for dish_id in picked)
    if left:
        raise Unprocessable("A choice is not part of this set meal.", code="invalid_choice", dish_ids=left)
    return chosen


def _load(meal_service_id: int, lines: list[dict[str, Any]]) -> Offers:
    if not lines:
        raise Unprocessable("An order needs at least one line.", code="empty_order")
    if len(lines) > MAX_LINES:
        raise Unprocessable(f"At most {MAX_LINES} lines per order.", code="too_many_lines")
    set_meal_ids = {ln["set_meal_id"] for ln in lines if ln.get("kind") == "set_meal" and "set_meal_id" in ln}
    retail_ids = {ln["retail_item_id"] for ln in lines if ln.get("kind") == "retail" and "retail_item_id" in ln}
    loader = fastpath.load_offers if fastpath.is_postgresql() else load_offers
    return loader(meal_service_id, set_meal_ids, retail_ids)


def _price(offers: Offers, lines: list[dict[str, Any]], limit: int = MAX_QUANTITY) -> _Priced:
    dishes, set_meals, retail = offers.dishes, offers.set_meals, offers.retail
    priced = _Priced()
    for line in lines:
        kind, quantity = line.get("kind"), _quantity(line, limit)
        if kind == "dish":
            dish = dishes.get(line.get("dish_id"))  # type: ignore[arg-type]
            if dish is None:
                raise Unprocessable("That dish is not on this meal service's menu.", code="unknown_dish",
                                    dish_id=line.get("dish_id"))
            portion = line.get("portion", "full")
            if portion not in PORTIONS:
                raise Unprocessable("Portion is full or half.", code="invalid_portion")
            unit = dish.full_price_fen if portion == "full" else dish.half_price_fen
            if unit is None:
                raise Unprocessable(f"{dish.name_en} is not sold as a half portion.", code="no_half_portion",
                                    dish_id=dish.id)
            priced.draws.add_dish(dish.stock_id, portion, quantity)
            suffix_zh, suffix_en = ("（半份）", " (half)") if portion == "half" else ("", "")
            priced.lines.append({"kind": "dish", "dish_id": dish.id, "portion": portion, "set_meal_id": None,
                                 "retail_item_id": None, "choices": [], "name_zh": dish.name_zh + suffix_zh,
                                 "name_en": dish.name_en + suffix_en, "quantity": quantity,
                                 "unit_price_fen": unit, "line_total_fen": unit * quantity})
        elif kind == "set_meal":
            offer = set_meals.get(line.get("set_meal_id"))  # type: ignore[arg-type]
            if offer is None:
                raise Unprocessable("That set meal is not offered at this meal service.", code="unknown_set_meal",
                                    set_meal_id=line.get("set_meal_id"))
            chosen = _choose(offer, line.get("choices") or [])
            choices = []
            for dish_id, portion in chosen:
                dish = dishes.get(dish_id)
                if dish is None:
                    raise Conflict("An item of this set meal is not cooked today.", code="sold_out",
                                   dish_id=dish_id)
                priced.draws.add_dish(dish.stock_id, portion, quantity)
                choices.append({"dish_id": dish_id, "portion": portion, "name_zh": dish.name_zh,
                                "name_en": dish.name_en})
            priced.draws.add_set_meal(offer["stock_id"], quantity)
            priced.lines.append({"kind": "set_meal", "dish_id": None, "portion": None,
                                 "set_meal_id": line["set_meal_id"], "retail_item_id": None, "choices": choices,
                                 "name_zh": offer["name_zh"], "name_en": offer["name_en"], "quantity": quantity,
                                 "unit_price_fen": offer["price_fen"], "line_total_fen": offer["price_fen"] * quantity})
        elif kind == "retail":
            item = retail.get(line.get("retail_item_id"))  # type: ignore[arg-type]
            if item is None:
                raise Unprocessable("No such retail item here.", code="unknown_retail_item",
                                    retail_item_id=line.get("retail_item_id"))
            priced.draws.add_retail(item.id, quantity)
            priced.lines.append({"kind": "retail", "dish_id": None, "portion": None, "set_meal_id": None,
                                 "retail_item_id": item.id, "choices": [], "name_zh": item.name_zh,
                                 "name_en": item.name_en, "quantity": quantity, "unit_price_fen": item.price_fen,
                                 "line_total_fen": item.price_fen * quantity})
        else:
            raise Unprocessable("Line kind is dish, set_meal or retail.", code="invalid_line")
        priced.subtotal_fen += priced.lines[-1]["line_total_fen"]
    return priced


def _adjustments(community_id: str, draft: dict[str, Any]) -> list[dict[str, Any]]:
    state = service_state()
    results = state.hooks_for(community_id).price_adjustments(
        community=state.communities.require(community_id), order=draft)
    out = []
    for result in results:
        for adj in result or ():
            amount = adj["amount_fen"]
            if not isinstance(amount, int):
                raise TypeError("price adjustment amount_fen must be an int (fen)")
            out.append({"code": str(adj["code"]), "label_zh": str(adj.get("label_zh", adj["code"])),
                        "label_en": str(adj.get("label_en", adj["code"])), "amount_fen": amount})
    return out


# --- placement --------------------------------------------------------------------------------


def _next_pickup_number(community_id: str, day: dt.date) -> int:
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(PickupCounter)
    statement = insert.values(community_id=community_id, pickup_date=day, last_number=1).on_conflict_do_update(
        index_elements=[PickupCounter.community_id, PickupCounter.pickup_date],
        set_={"last_number": PickupCounter.last_number + 1},
    ).returning(PickupCounter.last_number)
    return int(db.session.execute(statement).scalar_one())


def place_order(identity: Identity | None, *, community_id: str, meal_service_id: int,
                lines: list[dict[str, Any]], mode: str = "dine_in", channel: str = "api",
                pickup_time: dt.datetime | None = None, note: str = "", diner_id: str | None = None) -> Order:
    """Price and place an order, reserving its stock; it waits in pending_payment until paid or expired.

    Anonymous (``identity`` None) is allowed, as at a kiosk. Counter staff may order for a diner
    (``diner_id``); anyone else orders for themselves."""
    for attempt in (1, 2):
        try:
            return _place(identity, community_id=community_id, meal_service_id=meal_service_id, lines=lines,
                          mode=mode, channel=channel, pickup_time=pickup_time, note=note, diner_id=diner_id)
        except Problem as problem:
            db.session.rollback()  # nothing of a refused order stays, also for callers outside a request
            # sold out: stock held by unpaid orders past their expiry comes back, then one more try
            if attempt == 2 or problem.code != "sold_out" or not expire_due(meal_service_id=meal_service_id):
                raise
    raise AssertionError("unreachable")


def _place(identity: Identity | None, *, community_id: str, meal_service_id: int, lines: list[dict[str, Any]],
           mode: str, channel: str, pickup_time: dt.datetime | None, note: str, diner_id: str | None) -> Order:
    service_state().communities.require(community_id)
    if identity is not None:
        identity.require_community(community_id)
        if diner_id is not None and diner_id != identity.subject and not identity.is_staff:
            raise Forbidden("Only staff order for someone else.", code="missing_role")
        diner_id = diner_id or identity.subject
    elif diner_id is not None:
        raise Unauthorized("Sign in to order for a diner account.", code="missing_token")
    if mode not in MODES:
        raise Unprocessable("Mode is dine_in or takeaway.", code="invalid_mode")
    if channel not in CHANNELS:
        raise Unprocessable("Unknown channel.", code="invalid_channel")
    offers = _load(meal_service_id, lines)
    meal_service = offers.service
    if meal_service is None or meal_service.community_id != community_id:
        raise NotFound("No such meal service here.", code="unknown_meal_service")
    now = utcnow()
    if now >= meal_service.order_cutoff_at:
        raise Conflict("Ordering for this meal service has closed.", code="ordering_closed")
    if mode not in meal_service.modes():
        raise Unprocessable(f"This meal service does not offer {mode}.", code="invalid_mode")
    if pickup_time is not None and not (meal_service.starts_at <= pickup_time <= meal_service.ends_at):
        raise Unprocessable("Pick up during the meal service's hours.", code="invalid_pickup_time")

    priced = _price(offers, lines, line_limit(channel))
    draft = {"community_id": community_id, "diner_id": diner_id, "channel": channel, "mode": mode,
             "meal_service": {"id": meal_service.id, "kind": meal_service.kind,
                              "service_date": meal_service.service_date},
             "subtotal_fen": priced.subtotal_fen,
             # each line as priced, a set meal's with its code (so a plugin needs no query to tell which it is)
             "lines": [{**line, "set_meal_code": offers.set_meals[line["set_meal_id"]]["code"]}
                       if line["kind"] == "set_meal" else line for line in priced.lines]}
    adjustments = _adjustments(community_id, draft)
    adjustments_fen = sum(a["amount_fen"] for a in adjustments)
    total_fen = max(0, priced.subtotal_fen + adjustments_fen)

    values: dict[str, Any] = {
        "community_id": community_id, "diner_id": diner_id, "meal_service_id": meal_service.id,
        "channel": channel, "mode": mode, "pickup_date": meal_service.service_date,
        "pickup_ref": secrets.token_urlsafe(12), "pickup_time": pickup_time, "state": "pending_payment",
        "subtotal_fen": priced.subtotal_fen, "adjustments_fen": adjustments_fen, "total_fen": total_fen,
        "currency": "CNY", "note": note, "expires_at": now + dt.timedelta(minutes=expiry_minutes()),
        "stock_released": False, "created_at": now, "updated_at": now,
    }
    # write phase: hot rows first in a fixed order, then the inserts, then commit
    if fastpath.is_postgresql():
        order_id, number, line_ids = fastpath.write(priced.draws, values, priced.lines, adjustments)
    else:
        order_id, number, line_ids = _write(priced, values, adjustments)
    db.session.commit()

    values["pickup_number"] = number
    order = Order(id=order_id, **values)  # transient copy of what was written: no reload round trips
    order.lines = [OrderLine(id=line_id, order_id=order_id, **line)
                   for line_id, line in zip(line_ids, priced.lines, strict=True)]
    order.adjustments = [OrderAdjustment(order_id=order_id, **a) for a in adjustments]
    return order


def _write(priced: _Priced, values: dict[str, Any], adjustments: list[dict[str, Any]]) -> tuple[int, int, list[int]]:
    """The portable write phase (SQLite: the transaction already holds the single write lock)."""
    stock.reserve(priced.draws)
    number = _next_pickup_number(values["community_id"], values["pickup_date"])
    order_id = db.session.execute(sa.insert(Order).values(**values, pickup_number=number)
                                  .returning(Order.id)).scalar_one()
    line_ids = db.session.execute(sa.insert(OrderLine).returning(OrderLine.id, sort_by_parameter_order=True),
                                  [{**line, "order_id": order_id} for line in priced.lines]).scalars().all()
    if adjustments:
        db.session.execute(sa.insert(OrderAdjustment), [{**a, "order_id": order_id} for a in adjustments])
    return order_id, number, list(line_ids)


# --- reading and access -----------------------------------------------------------------------


def access_order(identity: Identity | None, order_id: int, ref: str | None = None) -> Order:
    """The order if the caller may see it: the holder of its pickup reference (kiosk receipt, QR),
    its diner, or staff of its community."""
    order = get_order(order_id)
    if holds_reference(order, ref):
        return order
    if identity is None:
        raise Unauthorized("Sign in or give the order's pickup reference.", code="missing_token")
    identity.require_community(order.community_id)
    if identity.is_staff or (order.diner_id is not None and order.diner_id == identity.subject):
        return order
    raise Forbidden("This is not your order.", code="not_your_order")


def holds_reference(order: Order, ref: str | None) -> bool:
    """``ref`` is the order's pickup reference (compared in constant time)."""
    return ref is not None and secrets.compare_digest(ref.encode(), order.pickup_ref.encode())


def find_by_ref(pickup_ref: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.pickup_ref == pickup_ref))
    if order is None:
        raise NotFound("No order with that pickup reference.", code="order_not_found")
    return order


def list_orders(identity: Identity, *, community_id: str, diner_id: str | None = None,
                pickup_date: dt.date | None = None, state: str | None = None, limit: int = 100) -> list[Order]:
    """Staff see a community's orders; a diner sees their own."""
    identity.require_community(community_id)
    query = sa.select(Order).where(Order.community_id == community_id).order_by(Order.id.desc()).limit(limit)
    if not identity.is_staff:
        diner_id = identity.subject
    if diner_id:
        query = query.where(Order.diner_id == diner_id)
    if pickup_date:
        query = query.where(Order.pickup_date == pickup_date)
    if state == "expired":
        query = query.where(sa.or_(Order.state == "expired", sa.and_(Order.state == "pending_payment",
                                                                     Order.expires_at <= utcnow())))
    elif state == "pending_payment":
        query = query.where(Order.state == state, Order.expires_at > utcnow())
    elif state:
        query = query.where(Order.state == state)
    return list(db.session.scalars(query))


def qr_svg(order: Order) -> str:
    """An SVG QR code of the order's pickup reference (what the counter scans)."""
    import qrcode
    import qrcode.image.svg

    base = current_app.config.get("LINLI_PUBLIC_URL")
    payload = f"{base.rstrip('/')}/canteen/pickup/{order.pickup_ref}" if base else f"linli:canteen:{order.pickup_ref}"
    image = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


# --- cancelling and expiring: stock goes back exactly once ------------------------------------


def draws_of(order: Order) -> stock.Draws:
    """The stock an order took, recomputed from its lines."""
    dish_stock = dict(db.session.execute(sa.select(DishStock.dish_id, DishStock.id)
                                         .where(DishStock.meal_service_id == order.meal_service_id)).tuples().all())
    set_stock = dict(db.session.execute(sa.select(SetMealStock.set_meal_id, SetMealStock.id)
                                        .where(SetMealStock.meal_service_id == order.meal_service_id)).tuples().all())
    draws = stock.Draws()
    for line in order.lines:
        if line.kind == "dish" and line.dish_id in dish_stock:
            draws.add_dish(dish_stock[line.dish_id], line.portion or "full", line.quantity)
        elif line.kind == "set_meal":
            if line.set_meal_id in set_stock:
                draws.add_set_meal(set_stock[line.set_meal_id], line.quantity)
            for choice in line.choices or ():
                if choice["dish_id"] in dish_stock:
                    draws.add_dish(dish_stock[choice["dish_id"]], choice["portion"], line.quantity)
        elif line.kind == "retail" and line.retail_item_id is not None:
            draws.add_retail(line.retail_item_id, line.quantity)
    return draws


def _close_unpaid(order_id: int, new_state: str, *, only_if_due: bool, now: dt.datetime) -> bool:
    """pending_payment → ``new_state`` and stock back, once (a conditional UPDATE decides who does it)."""
    condition = [Order.id == order_id, Order.state == "pending_payment", Order.stock_released.is_(False)]
    if only_if_due:
        condition.append(Order.expires_at <= now)
    values: dict[str, Any] = {"state": new_state, "stock_released": True, "updated_at": now}
    if new_state == "cancelled":
        values["cancelled_at"] = now
    done = changed_rows(db.session.execute(sa.update(Order).where(*condition).values(**values)))
    if done != 1:
        return False
    order = db.session.get(Order, order_id, populate_existing=True)
    assert order is not None
    stock.release(draws_of(order))
    return True


def expire_due(*, meal_service_id: int | None = None, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Expire unpaid orders past ``expires_at`` and return their stock; idempotent. Commits each one."""
    now = now or utcnow()
    query = (sa.select(Order.id).where(Order.state == "pending_payment", Order.expires_at <= now)
             .order_by(Order.id).limit(limit))
    if meal_service_id is not None:
        query = query.where(Order.meal_service_id == meal_service_id)
    count = 0
    for order_id in list(db.session.scalars(query)):
        if _close_unpaid(order_id, "expired", only_if_due=True, now=now):
            count += 1
        db.session.commit()
    return count


def cancel_order(identity: Identity | None, order_id: int, ref: str | None = None) -> Order:
    """Cancel an unpaid order (its diner, the holder of its reference, or staff); stock goes back.
    A paid order is refunded through payments instead."""
    order = access_order(identity, order_id, ref)
    if order.state == "cancelled":
        return order
    now = utcnow()
    if order.is_expired(now):
        _close_unpaid(order_id, "expired", only_if_due=True, now=now)
        db.session.commit()
        raise Conflict("The order already expired; its stock is back.", code="order_expired")
    if order.state != "pending_payment":
        raise Conflict("A paid order is refunded, not cancelled.", code="refund_required", state=order.state)
    if not _close_unpaid(order_id, "cancelled", only_if_due=False, now=now):
        db.session.rollback()
        order = get_order(order_id)
        if order.state != "cancelled":
            raise Conflict(f"The order is {order.effective_state} now.", code=f"order_{order.effective_state}")
    db.session.commit()
    return _reload(order_id)


def _reload(order_id: int) -> Order:
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


# --- contract with payments -------------------------------------------------------------------


def get_order(order_id: int) -> Order:
    """The order, or NotFound."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


def lock_order(order_id: int) -> Order:
    """The order, locked for the rest of the transaction (SELECT ... FOR UPDATE), or NotFound."""
    order = db.session.execute(
        lock_for_update(sa.select(Order).where(Order.id == order_id)).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


def mark_paid(order: Order) -> None:
    """pending_payment → paid (sets paid_at). Idempotent for an order already paid or further along.
    Raises Conflict (order_expired / order_cancelled / order_refunded) otherwise. Does not commit."""
    if order.state in SOLD_STATES:
        return
    if order.is_expired():
        raise Conflict("The order expired before it was paid.", code="order_expired", order_id=order.id)
    if order.state != "pending_payment":
        raise Conflict(f"An order in state {order.state} cannot be paid.", code=f"order_{order.state}",
                       order_id=order.id)
    order.state = "paid"
    order.paid_at = utcnow()
    db.session.flush()


def mark_refunded(order: Order) -> None:
    """A paid (or later) order → refunded. Idempotent. Stock is not returned (the food may be cooked).
    Raises Conflict for an order never paid. Does not commit."""
    if order.state == "refunded":
        return
    if not can_move(order.state, "refunded") or order.paid_at is None:
        raise Conflict(f"An order in state {order.state} was never paid.", code="order_not_paid", order_id=order.id)
    order.state = "refunded"
    order.refunded_at = utcnow()
    db.session.flush()
