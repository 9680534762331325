"""Built-in behaviour of cases: problems other services find become cases; the hub's households
arrive for polls; the default routing reads the community's settings."""

from __future__ import annotations

from typing import Any

from linli.cases import hookimpl
from linli.cases.casework.service import open_case_from_event

# event type -> (case category, the payload key naming the thing in the other service)
CASE_OPENING_EVENTS = {
    "canteen.feedback.food_safety": ("food_safety", "feedback_id"),
    "hub.visit.problem_found": ("neighbourhood", "visit_id"),
}


def _describe(event_type: str, payload: dict[str, Any]) -> str:
    description = str(payload.get("description") or "")
    if event_type == "canteen.feedback.food_safety" and payload.get("dish_name"):
        description = f"{description}\n菜品 Dish: {payload['dish_name']}".strip()
    if event_type == "hub.visit.problem_found" and payload.get("household_label"):
        description = f"{description}\n住户 Household: {payload['household_label']}".strip()
    return description[:5000]


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    opening = CASE_OPENING_EVENTS.get(event_type)
    if opening is None or community_id is None:
        return
    category, ref_key = opening
    if event_type == "hub.visit.problem_found" and payload.get("category") in CATEGORY_FROM_VISIT:
        category = CATEGORY_FROM_VISIT[payload["category"]]
    open_case_from_event(
        event_id=event_id, event_type=event_type, community_id=community_id,
        title=str(payload.get("title") or event_type)[:200], category=category,
        description=_describe(event_type, payload),
        detail={key: payload[key] for key in (ref_key, "household_id", "reported_at", "found_at") if key in payload},
    )


# the visit diary's categories that name a case category of their own
CATEGORY_FROM_VISIT = {"facilities": "facilities", "safety": "safety", "environment": "environment",
                       "property": "property", "parking": "parking"}


@hookimpl
def route_case(community: Any, case: Any) -> list[dict[str, str]] | None:
    routing = (community.setting("cases") or {}).get("routing", {})
    return [{"kind": body["kind"], "name": body["name"], **({"contact": body["contact"]} if "contact" in body else {})}
            for body in routing.get(case.category, ())]
