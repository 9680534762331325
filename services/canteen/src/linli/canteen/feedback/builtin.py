"""Built-in feedback behaviour: follow the cases the residents' committee opens for our complaints."""

from __future__ import annotations

from typing import Any

from linli.canteen import hookimpl
from linli.canteen.feedback.service import CASE_OPENED_EVENT, take_up


@hookimpl
def handle_event(event_type: str, payload: dict[str, Any], community_id: str | None, event_id: str) -> None:
    if event_type == CASE_OPENED_EVENT:
        take_up(payload, community_id)
