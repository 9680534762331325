"""Built-in event handling: problems other services find become cases."""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl
from linli.cases.casework.service import open_case_from_event

# event type -> case category
CASE_OPENING_EVENTS = {
    "canteen.feedback.food_safety": "food_safety",
    "hub.visit.problem_found": "neighbourhood",
}


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    category = CASE_OPENING_EVENTS.get(event_type)
    if category is None or community_id is None:
        return
    open_case_from_event(
        event_id=event_id,
        community_id=community_id,
        title=str(payload.get("title") or event_type)[:200],
        category=category,
        description=str(payload.get("description", ""))[:5000],
    )
