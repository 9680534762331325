"""The catalogue of one community: built-in items plus those of its enabled plugins."""

from __future__ import annotations

from typing import Any

from linli.shared.state import service_state

MODES = ("on_site", "self_service", "help_you_do", "door_to_door")


def catalogue_for(community_id: str) -> list[dict[str, Any]]:
    state = service_state()
    community = state.communities.require(community_id)
    merged: dict[str, dict[str, Any]] = {}
    # pluggy calls the last registered plugin first; reverse so later plugins win
    for items in reversed(state.hooks_for(community).service_items(community=community)):
        for item in items:
            merged[item["code"]] = item
    return sorted(merged.values(), key=lambda item: (item["category"], item["code"]))
