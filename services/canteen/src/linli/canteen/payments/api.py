"""Routes of payments: pay an order, confirm, cancel, refund; the Stripe webhook; takings."""

from flask import request
from flask_smorest import Blueprint

from linli.canteen.orders.schemas import OrderRefQuerySchema
from linli.canteen.payments import service, webhook
from linli.canteen.payments.schemas import (
    OrderPaymentsSchema,
    PaymentCreateSchema,
    PaymentSchema,
    RefundCreateSchema,
    RefundSchema,
    StartedPaymentSchema,
    TakingsQuerySchema,
    TakingsSchema,
    WebhookResultSchema,
)
from linli.shared.api import problems
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles
from linli.shared.state import service_state

blp = Blueprint("payments", __name__, url_prefix="/api",
                description="Payments (支付): cash, meal card, elderly subsidy, Stripe; split payments and refunds")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}, {}]


@blp.post("/orders/<int(max=2147483647):order_id>/payments")
@blp.arguments(PaymentCreateSchema)
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(201, StartedPaymentSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 402, 403, 404, 409, 502)
def start_payment(data, query, order_id):
    """Pay (part of) an order with one provider.

    An anonymous (kiosk) order is paid by whoever holds its pickup reference (``?ref=``, 403
    pickup_ref_required without it); a diner's order by its diner; any order by staff.

    Meal card and subsidy need a signed-in diner; cash recorded by counter staff is confirmed at
    once, by anyone else it waits for the counter; a card payment returns the intent's client secret
    for Stripe's Payment Element (or is confirmed at once with ``payment_method``). 402 card_declined,
    409 insufficient_balance / nothing_owed / order_not_payable / subsidy_used_up, 422 overpayment /
    diner_required / not_eligible / unknown_provider."""
    payment, extra = service.start_payment(current_identity(), order_id, ref=query["ref"], **data)
    return {**{k: getattr(payment, k) for k in PaymentSchema().fields}, **extra}


@blp.get("/orders/<int(max=2147483647):order_id>/payments")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, OrderPaymentsSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404)
def list_payments(query, order_id):
    """An order's payments, what is paid and owed, and the payment methods offered (an anonymous
    order: with its pickup reference, ``?ref=``)."""
    return service.payment_summary(current_identity(), order_id, query["ref"])


@blp.post("/payments/<int(max=2147483647):payment_id>/confirm")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, PaymentSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404, 409, 502)
def confirm_payment(query, payment_id):
    """Confirm an open payment: cash by counter staff; a card payment by asking Stripe (an anonymous
    order's payment: with the order's pickup reference, ``?ref=``)."""
    return service.confirm_payment(current_identity(), payment_id, query["ref"])


@blp.post("/payments/<int(max=2147483647):payment_id>/cancel")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, PaymentSchema)
@blp.doc(security=BEARER)
@problems(blp, 401, 403, 404, 409, 502)
def cancel_payment(query, payment_id):
    """Cancel an open payment (e.g. the diner chose another way to pay); an anonymous order's
    payment with the order's pickup reference (``?ref=``)."""
    return service.cancel_payment(current_identity(), payment_id, query["ref"])


@blp.post("/payments/<int(max=2147483647):payment_id>/refunds")
@blp.arguments(RefundCreateSchema)
@blp.response(201, RefundSchema)
@blp.doc(security=[{"bearer": []}])
@problems(blp, 401, 403, 404, 409, 502)
@require_roles(*STAFF_ROLES)
def refund_payment(data, payment_id):
    """Refund all or part of a succeeded payment.

    Never more than is left to refund (409 refund_exceeds_payment); meal card refunds go back onto
    the card, card refunds through Stripe."""
    return service.refund_payment(require_identity(), payment_id, **data)


@blp.post("/payments/stripe/webhook")
@blp.response(200, WebhookResultSchema)
@problems(blp, 400, 409)
def stripe_webhook():
    """Receive a Stripe event.

    ``Stripe-Signature`` is checked on the raw body with the signing secret and a timestamp
    tolerance (400 bad_signature if forged or stale); each event id is recorded once, in the same
    transaction as its work, so a redelivery answers ``duplicate`` and changes nothing."""
    return webhook.handle(request.get_data(cache=True), request.headers.get("Stripe-Signature"))


@blp.get("/payments/takings")
@blp.arguments(TakingsQuerySchema, location="query")
@blp.response(200, TakingsSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def takings(query):
    """Net takings per payment method between two dates (inclusive, Shanghai time)."""
    service_state().communities.require(query["community_id"])
    require_identity().require_community(query["community_id"])
    return {**query, "takings_fen": service.takings_by_method(**query)}
