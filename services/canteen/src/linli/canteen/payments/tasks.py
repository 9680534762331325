"""Periodic work of payments (``flask linli tick``): expired or cancelled orders keep no money,
late card money goes back, and refunds a dead worker left pending are finished."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import structlog
from flask import Flask

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.states import OrderState, values
from linli.canteen.payments.models import OPEN_STATES, Payment, PaymentRefund
from linli.canteen.payments.service import (
    SYSTEM,
    cancel_payment,
    finish_refund,
    get_payment,
    providers_for,
    refund_payment,
)
from linli.shared.db import utcnow
from linli.shared.errors import Problem
from linli.shared.state import service_state

log = structlog.get_logger("linli.canteen.payments.tasks")
DEAD_ORDER_STATES = values(OrderState.EXPIRED, OrderState.CANCELLED)


def tick(app: Flask) -> dict[str, int]:
    """Idempotent: a second run finds nothing to do."""
    with app.app_context():
        return settle_dead_orders()


def settle_dead_orders(limit: int = 200) -> dict[str, int]:
    """Expired or cancelled orders keep no money: open payments are canceled, succeeded ones
    (e.g. the subsidy part of a split payment never completed) refunded; late card money too."""
    dead = sa.select(Order.id).where(Order.state.in_(DEAD_ORDER_STATES))
    open_ids = list(db.session.scalars(sa.select(Payment.id).where(
        Payment.state.in_(OPEN_STATES), Payment.order_id.in_(dead)).order_by(Payment.id).limit(limit)))
    refund_ids = list(db.session.scalars(sa.select(Payment.id).where(
        Payment.state == "succeeded", Payment.refunded_fen < Payment.amount_fen,
        sa.or_(Payment.needs_refund.is_(True), Payment.order_id.in_(dead))).order_by(Payment.id).limit(limit)))
    db.session.commit()
    canceled = refunded = 0
    for payment_id in open_ids:
        try:
            cancel_payment(SYSTEM, payment_id)
            canceled += 1
        except Problem as error:
            log.warning("payment.cancel_failed", payment_id=payment_id, code=error.code)
    for payment_id in refund_ids:
        try:
            refund_payment(SYSTEM, payment_id, reason="the order was not completed")
            refunded += 1
        except Problem as error:
            log.warning("payment.refund_failed", payment_id=payment_id, code=error.code)
    return {"payments_canceled": canceled, "payments_refunded": refunded,
            "refunds_retried": retry_pending_refunds(limit=limit)}


def retry_pending_refunds(*, older_than: dt.timedelta = dt.timedelta(minutes=5), limit: int = 200) -> int:
    """Refunds left pending (the worker died between reserving and asking the gateway) are sent
    again with the same idempotency key, then finished or released."""
    cutoff = utcnow() - older_than
    pending = list(db.session.scalars(sa.select(PaymentRefund).where(
        PaymentRefund.state == "pending", PaymentRefund.created_at < cutoff).order_by(PaymentRefund.id).limit(limit)))
    db.session.commit()
    for refund in pending:
        payment = get_payment(refund.payment_id)
        provider = providers_for(service_state().communities.require(payment.community_id)).get(payment.provider)
        db.session.commit()
        if provider is None:
            continue
        state, external_ref = provider.after_refund_commit(payment, refund)
        finish_refund(refund.id, state, external_ref)
    return len(pending)
