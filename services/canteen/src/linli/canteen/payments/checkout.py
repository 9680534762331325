"""Checkout as the pages do it: place the order and pay it in one step, the elderly subsidy first
when the order's diner has one left today, then the chosen method for the rest (a split payment).
If the rest cannot be paid, the subsidy part is given back at once, so a refused meal card does not
use up the day's subsidised meal; and an order placed but not paid is cancelled at once, so its
stock goes back before the diner tries again. Back from a card page, :func:`confirm_on_return`
asks the gateway whether the money arrived."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from linli.canteen.diners import subsidy
from linli.canteen.orders.models import Order
from linli.canteen.orders.service import access_order, cancel_order, place_order
from linli.canteen.payments.models import OPEN_STATES, Payment
from linli.canteen.payments.service import (
    SYSTEM,
    confirm_payment,
    order_payments,
    provider_of,
    refund_payment,
    start_payment,
)
from linli.shared.auth import Identity
from linli.shared.db import transaction
from linli.shared.errors import Problem
from linli.shared.state import service_state


def subsidy_due(order: Order) -> int:
    """What the subsidy would pay towards this order now (0 without an eligible diner)."""
    if order.diner_id is None:
        return 0
    community = service_state().communities.require(order.community_id)
    return int(subsidy.quote(community, order.diner_id)["available_fen"])


def pay_order(identity: Identity | None, order: Order, method: str) -> tuple[Payment, dict[str, Any]]:
    """Subsidy (when due) + ``method`` for the rest; the last payment made and its extra data.
    The page that placed ``order`` holds it, so it pays with the order's pickup reference."""
    subsidy_part: Payment | None = None
    if method != "subsidy" and subsidy_due(order) > 0:
        subsidy_part, extra = start_payment(identity, order.id, provider="subsidy", ref=order.pickup_ref)
        if subsidy_part.amount_fen >= order.total_fen:
            return subsidy_part, extra
    try:
        return start_payment(identity, order.id, provider=method, ref=order.pickup_ref)
    except Problem:
        if subsidy_part is not None:
            refund_payment(SYSTEM, subsidy_part.id, reason="the rest of the order was not paid")
        raise



def place_and_pay(identity: Identity | None, *, community_id: str, meal_service_id: int,
                  lines: list[dict[str, Any]], method: str, mode: str, channel: str,
                  pickup_time: dt.datetime | None = None, diner_id: str | None = None) -> tuple[Order, dict[str, Any]]:
    """Place an order and pay it with ``method`` (after the subsidy, when due): the order and the
    last payment's extra data (a card's ``client_secret``). When paying fails, the order just
    placed is cancelled (its stock goes back) and the problem raised again."""
    with transaction():
        order = place_order(identity, community_id=community_id, meal_service_id=meal_service_id, lines=lines,
                            mode=mode, channel=channel, pickup_time=pickup_time, diner_id=diner_id)
    try:
        with transaction():
            _payment, extra = pay_order(identity, order, method)
    except Problem:
        with contextlib.suppress(Problem), transaction():
            cancel_order(identity, order.id, order.pickup_ref)
        raise
    return order, extra


def confirm_on_return(identity: Identity | None, order_id: int, ref: str | None) -> None:
    """Back from a payment page the client confirms (Stripe): ask the gateway about each of the
    order's open payments whether the money arrived. A payment it cannot tell about stays open
    (the webhook settles it later)."""
    order = access_order(identity, order_id, ref)
    for payment in order_payments(order.id):
        provider = provider_of(payment)
        if provider is not None and provider.needs_client_confirmation and payment.state in OPEN_STATES:
            with contextlib.suppress(Problem), transaction():
                confirm_payment(identity, payment.id, ref=order.pickup_ref)
