"""The order's life, in one place: its states, which move may follow which, and the one 409 problem
a move that does not fit answers. The database keeps the same list (a CHECK constraint)."""

from __future__ import annotations

from enum import StrEnum

from linli.shared.errors import Conflict


class OrderState(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PREPARING = "preparing"
    READY = "ready"
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    EXPIRED = "expired"


S = OrderState
# which states an order may move to from each state (expired is also read as a state: see Order.effective_state)
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset({S.PREPARING, S.READY, S.COLLECTED, S.REFUNDED}),
    S.PREPARING: frozenset({S.READY, S.COLLECTED, S.REFUNDED}),
    S.READY: frozenset({S.COLLECTED, S.REFUNDED}),
    S.COLLECTED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset({S.REFUNDED}),  # money that arrived after the cancel goes back
    S.REFUNDED: frozenset(),
    S.EXPIRED: frozenset(),
}


def values(*states: OrderState) -> tuple[str, ...]:
    """Plain strings for SQL and schemas (drivers may write an Enum by its name)."""
    return tuple(state.value for state in states)


ORDER_STATES = values(*OrderState)
SOLD_STATES = values(S.PAID, S.PREPARING, S.READY, S.COLLECTED)  # the food is the diner's
KITCHEN_STATES = values(S.PAID, S.PREPARING, S.READY)  # on the kitchen board and at the handover
KITCHEN_MOVES = values(S.PREPARING, S.READY, S.COLLECTED)  # what the kitchen and the counter do


def sources(target: str) -> tuple[str, ...]:
    """The states from which an order may move to ``target``."""
    return tuple(state.value for state, nexts in TRANSITIONS.items() if OrderState(target) in nexts)


def can_move(state: str, target: str) -> bool:
    return OrderState(target) in TRANSITIONS[OrderState(state)]


def invalid_transition(state: str, target: str) -> Conflict:
    """The one answer to a move that does not fit the order's state."""
    return Conflict(f"An order in state {state} cannot move to {target}.", code="invalid_transition", state=state)
