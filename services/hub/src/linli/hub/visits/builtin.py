"""Built-in visit rules and the cases service's events coming back to the visit diary."""

from __future__ import annotations

from typing import Any

from linli.hub import hookimpl
from linli.hub.visits.rules import HouseholdProfile, VisitRule

DEFAULT_FREQUENCY = {"elderly_alone": "3/week", "disabled": "2/week", "ordinary": "1/year"}


def configured_frequency(community: Any) -> dict[str, str]:
    hub = community.setting("hub", {}) or {}
    return {**DEFAULT_FREQUENCY, **(hub.get("visits", {}).get("frequency", {}) or {})}


@hookimpl
def visit_frequency(community: Any, household: HouseholdProfile) -> VisitRule:
    """The most frequent rule among the household's groups; ordinary households once a year."""
    frequency = configured_frequency(community)
    rules = [VisitRule.parse(frequency[group], group) for group in sorted(household.groups)
             if group in frequency and group != "ordinary"]
    if not rules:
        return VisitRule.parse(frequency["ordinary"])
    return min(rules, key=lambda rule: rule.interval_days)


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    if event_type in ("cases.case.opened", "cases.case.resolved"):
        from linli.hub.visits.service import case_update

        case_update(event_type, payload, community_id)
