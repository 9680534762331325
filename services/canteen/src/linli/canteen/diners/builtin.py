"""Built-in diner behaviour: the elderly meal subsidy provider and the hub's eligibility events."""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl
from linli.canteen.diners.service import HUB_ELIGIBILITY_EVENT, apply_eligibility_event
from linli.canteen.diners.subsidy import SubsidyProvider

SUBSIDY = SubsidyProvider()


@hookimpl
def payment_providers(community: Any) -> list[Any]:
    return [SUBSIDY]


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    if event_type == HUB_ELIGIBILITY_EVENT:
        apply_eligibility_event(payload, community_id)
