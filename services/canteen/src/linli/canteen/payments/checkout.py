"""Paying an order in one step, as the pages do: the elderly subsidy first when the order's diner
has one left today, then the chosen method for the rest (a split payment). If the rest cannot be
paid, the subsidy part is given back at once, so a refused meal card does not use up the day's
subsidised meal."""

from __future__ import annotations

from typing import Any

from linli.canteen.diners import subsidy
from linli.canteen.orders.models import Order
from linli.canteen.payments.models import Payment
from linli.canteen.payments.service import SYSTEM, refund_payment, start_payment
from linli.shared.auth import Identity
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

