"""Paying orders: start, confirm, cancel and refund payments; Stripe events; takings.

Locks are taken late and always in one order: the order row (``orders.service.lock_order``),
then the payment row, then what the provider touches (diner profile, meal card). External calls
(Stripe) happen only outside a transaction, after the payment row that names them committed.
An order becomes paid in the transaction where its succeeded payments first cover its total;
the payment that did it carries ``completes_order`` (unique per order), so it happens once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import structlog

from linli.canteen.extensions import db
from linli.canteen.orders.models import Order
from linli.canteen.orders.service import (
    get_order,
    holds_reference,
    lock_order,
    mark_paid,
    mark_refunded,
)
from linli.canteen.payments.base import BasePaymentProvider, PaymentContext
from linli.canteen.payments.models import OPEN_STATES, Payment, PaymentRefund
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import lock_for_update, transaction, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Problem, Unauthorized, Unprocessable
from linli.shared.localtime import local_day_bounds
from linli.shared.plugins import PluginFailed
from linli.shared.state import service_state

log = structlog.get_logger("linli.canteen.payments")
COVERING_STATES = (*OPEN_STATES, "succeeded")
SYSTEM = Identity(subject="system", roles=frozenset({"admin"}), communities=frozenset({"*"}))


# --- providers --------------------------------------------------------------------------------


def providers_for(community: Community) -> dict[str, BasePaymentProvider]:
    """The providers this community offers: built-ins, then plugins (a later one replaces)."""
    found: dict[str, BasePaymentProvider] = {}
    plugins = service_state().plugins
    results = service_state().hooks_for(community).payment_providers(community=community)
    for batch in reversed(results):  # pluggy answers last-registered first
        for provider in batch or ():
            # a community plugin's provider that raises answers 503 plugin_failed, for this community only
            found[provider.identifier] = plugins.contain(provider, community)
    return {name: p for name, p in found.items() if _available(p, community)}


def _available(provider: BasePaymentProvider, community: Community) -> bool:
    try:
        return bool(provider.is_available(community))
    except PluginFailed:  # logged and counted; the provider is not offered
        return False


def _provider(community: Community, identifier: str) -> BasePaymentProvider:
    provider = providers_for(community).get(identifier)
    if provider is None:
        raise Unprocessable(f"'{identifier}' is not a payment method offered here.", code="unknown_provider")
    return provider


def provider_of(payment: Payment) -> BasePaymentProvider | None:
    """The provider a payment was made with, as its community offers it now (None if no longer offered)."""
    return providers_for(service_state().communities.require(payment.community_id)).get(payment.provider)


def take_at_counter(identity: Identity, order_id: int) -> Payment:
    """Staff took the money at the counter: confirm the diner's open counter payment (cash), or record
    one, confirmed at once."""
    order = get_order(order_id)
    identity.require_community(order.community_id)
    community = service_state().communities.require(order.community_id)
    counter = next((p for p in providers_for(community).values() if p.paid_at_counter), None)
    if counter is None:
        raise Unprocessable("No way of paying at the counter is offered here.", code="unknown_provider")
    open_payment = next((p for p in order_payments(order.id)
                         if p.provider == counter.identifier and p.state in OPEN_STATES), None)
    if open_payment is not None:
        return confirm_payment(identity, open_payment.id)
    payment, _extra = start_payment(identity, order.id, provider=counter.identifier)
    return payment


# --- access -----------------------------------------------------------------------------------


def _paying_diner(identity: Identity | None, order: Order, ref: str | None) -> str | None:
    """Who pays, once the caller may touch this order's payments at all: staff of its community;
    its diner; for an anonymous (kiosk) order only whoever holds its pickup reference, signed in or
    not (its id is a counter, the reference is the key). None for an anonymous payer."""
    if identity is not None and identity.is_staff:
        identity.require_community(order.community_id)
        return order.diner_id
    if order.diner_id is not None:
        if identity is None:
            raise Unauthorized("This order belongs to a diner: sign in first.", code="missing_token")
        identity.require_community(order.community_id)
        if order.diner_id != identity.subject:
            raise Forbidden("This is another diner's order.", code="not_your_order")
        return identity.subject
    if not holds_reference(order, ref):
        raise Forbidden("A kiosk order's payments need its pickup reference (ref).", code="pickup_ref_required")
    return identity.subject if identity is not None and identity.belongs_to(order.community_id) else None


def _check_payment_access(identity: Identity | None, payment: Payment, ref: str | None) -> None:
    """The caller may act on ``payment``: as on its order, or as the diner who made it."""
    if identity is not None and not identity.is_staff and payment.diner_id == identity.subject:
        identity.require_community(payment.community_id)
        return
    _paying_diner(identity, get_order(payment.order_id), ref)


# --- queries ----------------------------------------------------------------------------------


def get_payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("No such payment.", code="payment_not_found")
    return payment


def _lock_payment(payment_id: int) -> Payment:
    return db.session.execute(
        lock_for_update(sa.select(Payment).where(Payment.id == payment_id)).execution_options(populate_existing=True)
    ).scalar_one()


def _sum(statement: sa.Select[Any]) -> int:
    return int(db.session.scalar(statement) or 0)


def covered_fen(order_id: int, states: tuple[str, ...] = COVERING_STATES) -> int:
    return _sum(sa.select(sa.func.sum(Payment.amount_fen)).where(Payment.order_id == order_id,
                                                                  Payment.state.in_(states)))


def refunded_fen(order_id: int) -> int:
    return _sum(sa.select(sa.func.sum(PaymentRefund.amount_fen)).join(Payment, Payment.id == PaymentRefund.payment_id)
                .where(Payment.order_id == order_id, PaymentRefund.state == "succeeded"))


def order_payments(order_id: int) -> list[Payment]:
    return list(db.session.scalars(sa.select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)))


def payment_summary(identity: Identity | None, order_id: int, ref: str | None = None) -> dict[str, Any]:
    order = get_order(order_id)
    _paying_diner(identity, order, ref)
    return summary_of(order)


def summary_of(order: Order) -> dict[str, Any]:
    """What is paid and owed; for callers that checked access already (e.g. by the order's reference)."""
    community = service_state().communities.require(order.community_id)
    paid = covered_fen(order.id, ("succeeded",))
    return {
        "order_id": order.id, "order_state": order.effective_state, "total_fen": order.total_fen,
        "currency": order.currency, "paid_fen": paid, "refunded_fen": refunded_fen(order.id),
        "owed_fen": max(order.total_fen - covered_fen(order.id), 0),
        "payments": order_payments(order.id),
        "providers": [p.describe() for p in providers_for(community).values()],
    }


# --- paying -----------------------------------------------------------------------------------


def start_payment(identity: Identity | None, order_id: int, *, provider: str, amount_fen: int | None = None,
                  payment_method: str | None = None, ref: str | None = None) -> tuple[Payment, dict[str, Any]]:
    """prepare → execute under the order lock, commit, then the provider's external step.
    ``ref``: the order's pickup reference, what an anonymous (kiosk) order is paid with."""
    with transaction():
        order = lock_order(order_id)
        diner_id = _paying_diner(identity, order, ref)
        community = service_state().communities.require(order.community_id)
        chosen = _provider(community, provider)
        if payment_method and not chosen.takes_payment_method:
            raise Unprocessable("payment_method is only for card payments.", code="bad_payment_method")
        if order.effective_state != "pending_payment":
            raise Conflict(f"An order in state {order.effective_state} cannot be paid.", code="order_not_payable",
                           order_state=order.effective_state)
        ctx = PaymentContext(order=order, community=community, identity=identity, diner_id=diner_id,
                             owed_fen=order.total_fen - covered_fen(order.id), requested_fen=amount_fen,
                             options={"payment_method": payment_method})
        amount = chosen.prepare(ctx)
        payment = Payment(order_id=order.id, community_id=order.community_id, diner_id=diner_id,
                          provider=chosen.identifier, amount_fen=amount, currency=order.currency,
                          state="created", created_by=ctx.actor)
        db.session.add(payment)
        db.session.flush()
        chosen.execute(payment, ctx)
        if payment.state == "succeeded":
            _on_succeeded(order, payment, ctx.actor)
    extra = chosen.after_commit(payment, ctx)
    return payment, extra


def _on_succeeded(order: Order, payment: Payment, actor: str) -> None:
    """Money arrived: stamp it, and mark the order paid if this payment covers the rest."""
    payment.confirmed_at = utcnow()
    payment.confirmed_by = actor
    db.session.flush()
    if order.paid_at is not None or order.state != "pending_payment":
        # paid by other means meanwhile (e.g. cash after a card payment was given up), or dead
        _orphaned(payment, "order_already_paid" if order.paid_at is not None else f"order_{order.state}")
        return
    if covered_fen(order.id, ("succeeded",)) < order.total_fen:
        return
    try:
        mark_paid(order)
    except Conflict as error:  # expired while the card was being charged
        _orphaned(payment, error.code)
        return
    payment.completes_order = True
    db.session.flush()


def _orphaned(payment: Payment, reason: str) -> None:
    """Money arrived for an order that can no longer be paid: it goes back (``refund_orphaned``)."""
    log.warning("payment.order_not_payable", payment_id=payment.id, reason=reason)
    payment.needs_refund = True
    payment.note = f"{reason} when the money arrived: refunded"


def refund_orphaned(payment: Payment) -> PaymentRefund | None:
    """Refund a payment whose money arrived too late, after the commit that found it (no lock held).
    A failure is logged and left for the next ``tick``."""
    if not payment.needs_refund or payment.state != "succeeded" or payment.refunded_fen >= payment.amount_fen:
        return None
    try:
        return refund_payment(SYSTEM, payment.id, reason="the order could not be paid any more")
    except Problem as error:
        log.warning("payment.orphan_refund_failed", payment_id=payment.id, code=error.code)
        return None


def settle(payment_id: int, outcome: str, *, actor: str, failure_code: str | None = None,
           external_ref: str | None = None) -> Payment:
    """Move a payment to ``outcome`` under the order lock, inside the caller's transaction.

    Only forward moves happen: a succeeded payment stays succeeded (a late ``failed`` or a
    duplicate ``succeeded`` changes nothing)."""
    order_id = db.session.scalar(sa.select(Payment.order_id).where(Payment.id == payment_id))
    if order_id is None:
        raise NotFound("No such payment.", code="payment_not_found")
    order = lock_order(order_id)
    payment = _lock_payment(payment_id)
    if external_ref and not payment.external_ref:
        payment.external_ref = external_ref
    if outcome == "succeeded" and payment.state != "succeeded":
        payment.state = "succeeded"
        payment.failure_code = None
        _on_succeeded(order, payment, actor)
    elif outcome in ("failed", "canceled") and payment.state in OPEN_STATES:
        payment.state = outcome
        payment.failure_code = failure_code
    elif outcome == "pending" and payment.state == "created":
        payment.state = "pending"
    db.session.flush()
    return payment


def record_gateway_outcome(payment_id: int, outcome: str, *, external_ref: str | None = None,
                           failure_code: str | None = None) -> Payment:
    """What the gateway told us right after we asked it, in its own transaction."""
    with transaction():
        payment = settle(payment_id, outcome, actor="stripe", failure_code=failure_code, external_ref=external_ref)
    refund_orphaned(payment)
    return payment


def _release_transaction() -> None:
    """End the (read) transaction before a network call: no lock is held while Stripe answers."""
    db.session.commit()


def confirm_payment(identity: Identity | None, payment_id: int, ref: str | None = None) -> Payment:
    payment = get_payment(payment_id)
    _check_payment_access(identity, payment, ref)
    if payment.state == "succeeded":
        return payment  # already confirmed: nothing moves twice
    if payment.state not in OPEN_STATES:
        raise Conflict(f"A {payment.state} payment cannot be confirmed.", code="payment_not_open",
                       payment_state=payment.state)
    community = service_state().communities.require(payment.community_id)
    provider = _provider(community, payment.provider)
    if not provider.external:  # cash is only taken for an order that can still be paid
        state = get_order(payment.order_id).effective_state
        if state != "pending_payment":
            # a concurrent confirm of this same payment may have paid the order since we read it
            payment = db.session.get(Payment, payment.id, populate_existing=True) or payment
            if payment.state == "succeeded":
                return payment
            raise Conflict(f"An order in state {state} cannot be paid.", code="order_not_payable", order_state=state)
    _release_transaction()
    outcome = provider.confirm(payment, identity)
    if outcome is None:
        return payment
    actor = identity.subject if identity else "anonymous"
    with transaction():
        payment = settle(payment.id, outcome, actor=actor, failure_code=outcome if outcome != "succeeded" else None)
    refund_orphaned(payment)
    return payment


def cancel_payment(identity: Identity | None, payment_id: int, ref: str | None = None) -> Payment:
    payment = get_payment(payment_id)
    _check_payment_access(identity, payment, ref)
    if payment.state not in OPEN_STATES:
        raise Conflict(f"A {payment.state} payment cannot be canceled.", code="payment_not_open",
                       payment_state=payment.state)
    community = service_state().communities.require(payment.community_id)
    provider = _provider(community, payment.provider)
    _release_transaction()
    provider.cancel(payment)
    with transaction():
        payment = settle(payment.id, "canceled", actor=identity.subject if identity else "anonymous",
                         failure_code="canceled")
    if payment.state != "canceled":
        raise Conflict(f"The payment is {payment.state} now.", code="payment_not_open", payment_state=payment.state)
    return payment


# --- refunds ----------------------------------------------------------------------------------


def refund_payment(identity: Identity, payment_id: int, *, amount_fen: int | None = None,
                   reason: str = "") -> PaymentRefund:
    """Give back all or part of a succeeded payment; never more than was paid and not yet refunded."""
    with transaction():
        payment = get_payment(payment_id)
        identity.require_community(payment.community_id)
        order = lock_order(payment.order_id)
        payment = _lock_payment(payment_id)
        community = service_state().communities.require(payment.community_id)
        provider = _provider(community, payment.provider)
        if payment.state != "succeeded" or not provider.refundable:
            raise Conflict(f"A {payment.state} {payment.provider} payment cannot be refunded.",
                           code="payment_not_refundable", payment_state=payment.state)
        left = payment.amount_fen - payment.refunded_fen
        amount = left if amount_fen is None else amount_fen
        if left <= 0:
            raise Conflict("This payment is refunded in full already.", code="already_refunded")
        if amount <= 0:
            raise Unprocessable("The refund must be positive.", code="bad_amount")
        if amount > left:
            raise Conflict(f"At most {left} fen of this payment can be refunded.", code="refund_exceeds_payment",
                           refundable_fen=left)
        refund = PaymentRefund(payment_id=payment.id, community_id=payment.community_id, provider=payment.provider,
                               amount_fen=amount, state="pending", reason=reason, created_by=identity.subject)
        db.session.add(refund)
        payment.refunded_fen += amount  # reserved now, so a concurrent refund cannot overdraw
        db.session.flush()
        provider.refund(payment, refund, identity)
        if refund.state == "succeeded":
            refund.done_at = utcnow()
            _refund_done(order, payment)
    if refund.state != "pending":
        return refund
    state, external_ref = provider.after_refund_commit(payment, refund)
    refund = finish_refund(refund.id, state, external_ref)
    if refund.state == "failed":
        raise Problem("The payment gateway refused the refund; nothing was refunded.",
                      code="refund_failed", status=502, refund_id=refund.id)
    return refund


def finish_refund(refund_id: int, state: str, external_ref: str | None) -> PaymentRefund:
    """Record what the gateway did with a reserved refund: done, or released (failed)."""
    with transaction():
        refund = db.session.get(PaymentRefund, refund_id)
        assert refund is not None
        payment = db.session.get(Payment, refund.payment_id)
        assert payment is not None
        order = lock_order(payment.order_id)
        payment = _lock_payment(payment.id)
        refund = db.session.execute(
            lock_for_update(sa.select(PaymentRefund).where(PaymentRefund.id == refund_id))
            .execution_options(populate_existing=True)).scalar_one()
        if refund.state == "pending":
            refund.state, refund.external_ref, refund.done_at = state, external_ref, utcnow()
            if state == "failed":
                payment.refunded_fen -= refund.amount_fen
            else:
                _refund_done(order, payment)
    return refund


def _refund_done(order: Order, payment: Payment) -> None:
    if payment.refunded_fen >= payment.amount_fen:
        payment.needs_refund = False
    db.session.flush()
    paid = covered_fen(order.id, ("succeeded",))
    if order.paid_at is not None and paid > 0 and refunded_fen(order.id) >= paid:
        mark_refunded(order)


# --- reports ----------------------------------------------------------------------------------


def takings_by_method(community_id: str, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Net takings in fen per payment provider: money received minus money refunded, by the
    Shanghai dates on which it moved (``date_to`` inclusive)."""
    start, _ = local_day_bounds(date_from)
    _, end = local_day_bounds(date_to)
    takings: dict[str, int] = {}
    received = db.session.execute(
        sa.select(Payment.provider, sa.func.sum(Payment.amount_fen))
        .where(Payment.community_id == community_id, Payment.state == "succeeded",
               Payment.confirmed_at >= start, Payment.confirmed_at < end)
        .group_by(Payment.provider))
    for provider, total in received:
        takings[provider] = takings.get(provider, 0) + int(total)
    refunded = db.session.execute(
        sa.select(PaymentRefund.provider, sa.func.sum(PaymentRefund.amount_fen))
        .where(PaymentRefund.community_id == community_id, PaymentRefund.state == "succeeded",
               PaymentRefund.done_at >= start, PaymentRefund.done_at < end)
        .group_by(PaymentRefund.provider))
    for provider, total in refunded:
        takings[provider] = takings.get(provider, 0) - int(total)
    return dict(sorted(takings.items()))
