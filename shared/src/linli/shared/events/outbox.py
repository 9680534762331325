"""Publishing: the event row is added to the caller's session and commits with its work."""

from __future__ import annotations

from typing import Any

from flask import current_app

from linli.shared.state import service_state


def publish(event_type: str, payload: dict[str, Any], *, community_id: str | None = None) -> str:
    """Record an event for every subscribed service; the relay delivers it after commit."""
    state = service_state()
    models = state.models
    event = models.OutboxEvent(event_type=event_type, payload=payload, community_id=community_id)
    state.db.session.add(event)
    state.db.session.flush()
    for subscriber in current_app.config["LINLI_EVENT_SUBSCRIBERS"]:
        if subscriber != state.name:
            state.db.session.add(models.OutboxDelivery(event_id=event.id, subscriber=subscriber))
    event_id: str = event.id
    return event_id
