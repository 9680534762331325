"""``POST /events``: verify the signature and age, drop duplicates, hand the event to the hooks.

Recording the event id and the work the hooks do share one transaction: either both commit
or neither, so an event takes effect exactly once however often it is delivered.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from linli.shared.errors import BadRequest
from linli.shared.events.signing import HEADER, SignatureError, verify
from linli.shared.state import service_state

blueprint = Blueprint("linli_events", __name__)


@blueprint.post("/events")
def receive_event() -> Response:
    body = request.get_data(cache=False)
    try:
        verify(body, request.headers.get(HEADER), current_app.config["LINLI_EVENT_SECRET"],
               tolerance=current_app.config["LINLI_EVENT_TOLERANCE_SECONDS"])
    except SignatureError as error:
        raise BadRequest(f"Event refused: {error}.", code="bad_signature") from None
    try:
        event = json.loads(body)
        event_id, event_type = str(event["id"]), str(event["type"])
        payload = event.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        raise BadRequest("The event body is not a Linli event.", code="bad_event") from None
    state = service_state()
    session = state.db.session
    if session.get(state.models.InboxEvent, event_id) is not None:
        return jsonify(status="duplicate", id=event_id)
    session.add(state.models.InboxEvent(id=event_id, event_type=event_type,
                                        source=request.headers.get("Linli-Source", "unknown")))
    try:
        session.flush()
    except IntegrityError:  # the same event arrived twice at once: the other one does the work
        session.rollback()
        return jsonify(status="duplicate", id=event_id)
    community_id = event.get("community_id")
    hooks = state.hooks_for(community_id) if community_id in state.communities else state.plugins.hook
    hooks.handle_event(event_type=event_type, payload=payload, community_id=community_id, event_id=event_id)
    session.commit()
    return jsonify(status="accepted", id=event_id)
