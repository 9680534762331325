"""Hooks every Linli service has. Each service adds its own in ``linli.<service>.hookspecs``."""

from __future__ import annotations

from typing import Any

import pluggy

from linli.shared.hookpolicy import REFUSE, on_plugin_error

hookspec = pluggy.HookspecMarker("linli")


@hookspec
@on_plugin_error(REFUSE)
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    """React to an event delivered from another service.

    Called inside the receiving transaction, after the event id was recorded as seen: write
    through the service's session and do not commit. Ignore event types you do not handle.
    Raising makes the whole delivery fail and the sender retry later: a community plugin that
    raises gets a 503 ``plugin_failed`` for that event (nothing of it commits), logged with its name.
    """
