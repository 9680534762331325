"""Stripe webhooks: verified on the raw body, each event id recorded once, in the same
transaction as the work it causes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError

from linli.canteen.extensions import db
from linli.canteen.payments import service
from linli.canteen.payments import stripe_gateway as gateway
from linli.canteen.payments.models import Payment, StripeEvent
from linli.shared.db import transaction
from linli.shared.errors import BadRequest

log = structlog.get_logger("linli.canteen.payments.webhook")
INTENT_EVENTS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "canceled",
}


def _payment_for(intent: Any) -> Payment | None:
    payment = db.session.scalar(sa.select(Payment).where(Payment.external_ref == intent["id"]))
    if payment is not None:
        return payment
    payment_id = (intent.get("metadata") or {}).get("linli_payment_id")
    if payment_id and str(payment_id).isdigit():
        payment = db.session.get(Payment, int(payment_id))
        if payment is not None and payment.provider == "stripe" and payment.external_ref in (None, intent["id"]):
            return payment
    return None


def _judge(event: Any, payment: Payment | None) -> str:
    """What to do with a verified event: an outcome for the payment, or why nothing happens."""
    outcome = INTENT_EVENTS.get(event["type"])
    if outcome is None:
        return "ignored"
    if payment is None:
        return "unknown_payment"
    intent = event["data"]["object"]
    if int(intent.get("amount", -1)) != payment.amount_fen or str(intent.get("currency", "")).upper() != payment.currency:
        return "amount_mismatch"
    return outcome


def handle(body: bytes, signature: str | None) -> dict[str, str]:
    event = gateway.verify_event(body, signature).to_dict()  # 400 before anything is read or written
    kind = str(event.get("type") or "")
    is_intent = kind.startswith("payment_intent.")
    intent = (event.get("data") or {}).get("object") if is_intent else None
    if not event.get("id") or not kind or (is_intent and not (isinstance(intent, dict) and intent.get("id"))):
        raise BadRequest("The webhook body is not a Stripe event.", code="bad_event")
    with transaction():
        payment = _payment_for(intent) if intent is not None else None
        verdict = _judge(event, payment)
        db.session.add(StripeEvent(id=event["id"], event_type=event["type"],
                                   payment_id=payment.id if payment else None, outcome=verdict))
        try:
            db.session.flush()
        except IntegrityError:  # delivered before, or right now by a twin request: that one did the work
            db.session.rollback()
            return {"status": "duplicate", "id": event["id"]}
        if payment is not None and verdict in INTENT_EVENTS.values():
            assert intent is not None
            last_error = intent.get("last_payment_error") or {}
            service.settle(payment.id, verdict, actor="stripe-webhook", external_ref=intent["id"],
                           failure_code=last_error.get("code") or verdict)
        elif verdict not in ("ignored",):
            log.warning("stripe.event_not_applied", event_id=event["id"], verdict=verdict)
    if payment is not None and verdict == "succeeded":
        service.refund_orphaned(payment)
    return {"status": verdict, "id": event["id"]}
