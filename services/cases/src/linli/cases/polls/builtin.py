"""Households from the hub (``hub.household.changed``) for one vote per household."""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl
from linli.cases.polls.service import record_household


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    if event_type != "hub.household.changed" or community_id is None:
        return
    try:
        household_id = int(payload["household_id"])
    except (KeyError, TypeError, ValueError):
        return  # not a household we can key; nothing to record
    record_household(household_id=household_id, community_id=community_id, label=str(payload.get("label") or ""),
                     address=str(payload.get("address") or ""), active=bool(payload.get("active", True)))
