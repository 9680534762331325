"""Built-in payment providers: cash at the counter, meal card, Stripe (card, WeChat Pay, Alipay)."""

from __future__ import annotations

from typing import Any

import stripe
import structlog

from linli.canteen.diners import meal_card
from linli.canteen.orders.service import hold_for_pickup
from linli.canteen.payments import stripe_gateway as gateway
from linli.canteen.payments.base import BasePaymentProvider, PaymentContext
from linli.canteen.payments.models import Payment, PaymentRefund
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import Conflict, Forbidden, Problem

log = structlog.get_logger("linli.canteen.payments")


def _is_counter_staff(identity: Identity | None, community_id: str) -> bool:
    return identity is not None and identity.is_staff_of(community_id)


class CashProvider(BasePaymentProvider):
    """Cash handed over at the counter: staff confirm it (at once when staff record it)."""

    identifier = "cash"
    paid_at_counter = True
    name_zh = "现金（柜台付款）"
    name_en = "Cash at the counter"

    def execute(self, payment: Payment, ctx: PaymentContext) -> None:
        if _is_counter_staff(ctx.identity, payment.community_id):
            payment.state = "succeeded"
        else:  # paid when the diner comes: a pre-order holds until its pickup window closes
            payment.state = "pending"
            hold_for_pickup(ctx.order)

    def confirm(self, payment: Payment, identity: Identity | None) -> str | None:
        if not _is_counter_staff(identity, payment.community_id):
            raise Forbidden("Only counter staff of this canteen confirm cash.", code="staff_only")
        return "succeeded"


class MealCardProvider(BasePaymentProvider):
    """Stored value: the card is charged inside the order's transaction."""

    identifier = "meal_card"
    name_zh = "饭卡"
    name_en = "Meal card"
    needs_diner = True

    def execute(self, payment: Payment, ctx: PaymentContext) -> None:
        assert ctx.diner_id is not None
        meal_card.charge(community_id=payment.community_id, diner_id=ctx.diner_id, amount_fen=payment.amount_fen,
                         actor=ctx.actor, payment_id=payment.id)
        payment.state = "succeeded"

    def refund(self, payment: Payment, refund: PaymentRefund, identity: Identity) -> None:
        assert payment.diner_id is not None
        meal_card.credit(community_id=payment.community_id, diner_id=payment.diner_id, amount_fen=refund.amount_fen,
                         actor=identity.subject, payment_id=payment.id, note=f"refund {refund.id}")
        refund.state = "succeeded"


_INTENT_OUTCOMES = {"succeeded": "succeeded", "canceled": "canceled"}


def intent_outcome(intent: dict[str, Any]) -> str | None:
    """Our payment state for a Stripe PaymentIntent's status (None: still waiting)."""
    status = intent.get("status")
    if status in _INTENT_OUTCOMES:
        return _INTENT_OUTCOMES[status]
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return "failed"
    return None


class StripeProvider(BasePaymentProvider):
    """A PaymentIntent per payment; paid only from a verified webhook or a retrieved intent."""

    identifier = "stripe"
    external = True
    needs_client_confirmation = True
    takes_payment_method = True
    name_zh = "银行卡 / 微信支付 / 支付宝"
    name_en = "Card / WeChat Pay / Alipay"

    def is_available(self, community: Community) -> bool:
        return gateway.settings().enabled

    def execute(self, payment: Payment, ctx: PaymentContext) -> None:
        payment.state = "created"  # no intent yet; it is made after this row commits

    def after_commit(self, payment: Payment, ctx: PaymentContext) -> dict[str, Any]:
        from linli.canteen.payments import service  # the service settles under the order lock

        try:
            intent = gateway.create_intent(payment_id=payment.id, order_id=payment.order_id,
                                           amount_fen=payment.amount_fen, currency=payment.currency,
                                           payment_method=ctx.options.get("payment_method"))
        except stripe.CardError as error:
            body: dict[str, Any] = error.json_body if isinstance(error.json_body, dict) else {}
            intent_id = ((body.get("error") or {}).get("payment_intent") or {}).get("id")
            service.record_gateway_outcome(payment.id, "failed", external_ref=intent_id,
                                           failure_code=error.code or "card_declined")
            raise Problem(error.user_message or "The card was declined.", code="card_declined", status=402,
                          payment_id=payment.id) from None
        except stripe.StripeError as error:
            log.warning("stripe.create_intent_failed", payment_id=payment.id, error=str(error))
            service.record_gateway_outcome(payment.id, "failed", failure_code="gateway_error")
            raise gateway.GatewayError("Stripe could not be reached; nothing was charged.",
                                       payment_id=payment.id) from None
        service.record_gateway_outcome(payment.id, intent_outcome(intent.to_dict()) or "pending",
                                       external_ref=intent.id)
        config = gateway.settings()
        return {"client_secret": intent.client_secret, "publishable_key": config.publishable_key,
                "payment_method_types": list(config.methods)}

    def confirm(self, payment: Payment, identity: Identity | None) -> str | None:
        if not payment.external_ref:
            raise Conflict("This payment has no Stripe intent yet.", code="no_intent")
        try:
            intent = gateway.retrieve_intent(payment.external_ref).to_dict()
        except stripe.StripeError as error:
            raise gateway.GatewayError(f"Stripe could not be asked: {error}.") from None
        if (intent.get("metadata") or {}).get("linli_payment_id") not in (None, str(payment.id)):
            raise Conflict("The intent belongs to another payment.", code="intent_mismatch")
        if intent.get("amount") != payment.amount_fen:
            raise Conflict("The intent's amount differs from the payment's.", code="intent_mismatch")
        return intent_outcome(intent)

    def cancel(self, payment: Payment) -> None:
        if payment.external_ref:
            try:
                gateway.cancel_intent(payment.external_ref)
            except stripe.StripeError as error:
                raise gateway.GatewayError(f"Stripe could not cancel the intent: {error}.") from None

    def refund(self, payment: Payment, refund: PaymentRefund, identity: Identity) -> None:
        refund.state = "pending"  # sent to Stripe once the reservation committed

    def after_refund_commit(self, payment: Payment, refund: PaymentRefund) -> tuple[str, str | None]:
        assert payment.external_ref is not None
        try:
            result = gateway.create_refund(intent_id=payment.external_ref, amount_fen=refund.amount_fen,
                                           refund_id=refund.id)
        except stripe.StripeError as error:
            log.warning("stripe.refund_failed", refund_id=refund.id, error=str(error))
            return "failed", None
        return ("succeeded" if result.status in ("succeeded", "pending") else "failed"), result.id


BUILTIN_PROVIDERS: tuple[BasePaymentProvider, ...] = (CashProvider(), MealCardProvider(), StripeProvider())
