"""Hooks every Linli service has. Each service adds its own in ``linli.<service>.hookspecs``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("linli")


@hookspec
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    """React to an event delivered from another service.

    Called inside the receiving transaction, after the event id was recorded as seen: write
    through the service's session and do not commit. Ignore event types you do not handle.
    Raising makes the whole delivery fail and the sender retry later.
    """
