"""The payment provider life cycle, after pretix's ``BasePaymentProvider``.

1. ``prepare(ctx)``: check the payment can be made and decide its amount. No money moves.
2. ``execute(payment, ctx)``: inside the order's locked transaction, move money that lives in
   our own database (meal card, subsidy, cash taken by staff) and set ``payment.state`` to
   ``succeeded``; or leave it ``pending`` for a later confirmation.
3. ``after_commit(payment, ctx)``: talk to the outside world (Stripe) once the payment row is
   committed, so the external idempotency key (the payment id) exists before any money moves.
4. ``confirm(payment, identity)``: decide, outside any transaction, whether the money has
   arrived (cash: staff says so; Stripe: the retrieved intent says so). The service then
   settles the payment under the order lock.
5. ``refund(payment, refund, identity)`` inside the transaction, ``after_refund_commit`` outside.

Providers come from the ``payment_providers`` hook; built-in ones are plugins like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import Conflict, Unprocessable

if TYPE_CHECKING:
    from linli.canteen.orders.models import Order
    from linli.canteen.payments.models import Payment, PaymentRefund


@dataclass
class PaymentContext:
    order: Order
    community: Community
    identity: Identity | None
    diner_id: str | None  # the identified diner paying (account subject), None = anonymous
    owed_fen: int  # what is still owed before this payment (open payments count as owed to them)
    requested_fen: int | None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return self.identity.subject if self.identity else "anonymous"


class BasePaymentProvider:
    identifier: ClassVar[str] = ""
    name_zh: ClassVar[str] = ""
    name_en: ClassVar[str] = ""
    needs_diner: ClassVar[bool] = False  # an identified diner must pay (meal card, subsidy)
    external: ClassVar[bool] = False  # money moves outside our database (Stripe): it may arrive late
    refundable: ClassVar[bool] = True
    paid_at_counter: ClassVar[bool] = False  # the money is handed to staff, who confirm it (cash)
    needs_client_confirmation: ClassVar[bool] = False  # the diner's browser confirms (Stripe.js), then we ask
    takes_payment_method: ClassVar[bool] = False  # a gateway payment method may be named (card, wechat_pay)

    def is_available(self, community: Community) -> bool:
        return True

    def max_amount(self, ctx: PaymentContext) -> int:
        """The most this provider may pay of the order now (default: all that is owed)."""
        return ctx.owed_fen

    def prepare(self, ctx: PaymentContext) -> int:
        if self.needs_diner and ctx.diner_id is None:
            raise Unprocessable(f"Paying by {self.identifier} needs an identified diner; sign in first.",
                                code="diner_required")
        if ctx.owed_fen <= 0:
            raise Conflict("Nothing is owed on this order.", code="nothing_owed")
        limit = min(self.max_amount(ctx), ctx.owed_fen)
        amount = limit if ctx.requested_fen is None else ctx.requested_fen
        if amount <= 0:
            raise Unprocessable("The amount must be positive.", code="bad_amount")
        if amount > ctx.owed_fen:
            raise Unprocessable("That is more than is owed on this order.", code="overpayment",
                                owed_fen=ctx.owed_fen)
        if amount > limit:
            raise Unprocessable(f"{self.identifier} can pay at most {limit} fen of this order.",
                                code="over_provider_limit", limit_fen=limit)
        return amount

    def execute(self, payment: Payment, ctx: PaymentContext) -> None:
        payment.state = "pending"

    def after_commit(self, payment: Payment, ctx: PaymentContext) -> dict[str, Any]:
        """External work after the payment row committed; returns extra response fields."""
        return {}

    def confirm(self, payment: Payment, identity: Identity | None) -> str | None:
        """``succeeded``, ``failed`` or None (still waiting). Runs outside any transaction."""
        raise Conflict(f"A {self.identifier} payment is not confirmed by hand.", code="not_confirmable")

    def cancel(self, payment: Payment) -> None:
        """Called outside the transaction before an open payment is canceled."""

    def refund(self, payment: Payment, refund: PaymentRefund, identity: Identity) -> None:
        """Give money back inside the transaction; set ``refund.state`` (default: done at once)."""
        refund.state = "succeeded"

    def after_refund_commit(self, payment: Payment, refund: PaymentRefund) -> tuple[str, str | None]:
        """External refund work; returns the refund's final state and its external reference."""
        return refund.state, refund.external_ref

    def describe(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "name_zh": self.name_zh, "name_en": self.name_en,
                "needs_diner": self.needs_diner}
