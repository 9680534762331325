"""Orders: placement, state changes, expiry. The functions below ``# --- contract`` are what the
payments module calls inside its own transaction (they never commit)."""

from __future__ import annotations

import sqlalchemy as sa

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, NotFound

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
    if order.state in ("paid", "preparing", "ready", "collected"):
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
    if order.state not in ("paid", "preparing", "ready", "collected", "cancelled") or order.paid_at is None:
        raise Conflict(f"An order in state {order.state} was never paid.", code="order_not_paid", order_id=order.id)
    order.state = "refunded"
    order.refunded_at = utcnow()
    db.session.flush()
