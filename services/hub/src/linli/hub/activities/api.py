"""Routes of activities: create, list, sign up, waitlist offers, check-in, iCalendar feed."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from linli.hub.activities import calendar, service
from linli.hub.activities.schemas import (
    ActivityCreateSchema,
    ActivitySchema,
    CalendarQuerySchema,
    RegistrationSchema,
    SessionQuerySchema,
    SessionSchema,
    SignUpSchema,
)
from linli.shared.auth import require_identity, require_roles
from linli.shared.state import service_state

blp = Blueprint("hub_activities", __name__, url_prefix="/api/activities",
                description="Activities and classes: sessions, sign-up, waitlist, attendance")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("")
@blp.arguments(ActivityCreateSchema)
@blp.response(201, ActivitySchema)
@blp.doc(security=BEARER)
@require_roles(*service.ORGANISER_ROLES)
def create_activity(data: dict[str, Any]) -> Any:
    """Create an activity with one session, or weekly repeats of it."""
    return service.create_activity(require_identity(), **data)


@blp.get("/sessions")
@blp.arguments(SessionQuerySchema, location="query")
@blp.response(200, SessionSchema(many=True))
def list_sessions(query: dict[str, Any]) -> Any:
    """Sessions of a community's activities, soonest first, with places left (public)."""
    return [service.describe_session(s, a) for s, a in service.list_sessions(**query)]


@blp.post("/sessions/<int:session_id>/registrations")
@blp.arguments(SignUpSchema)
@blp.response(201, RegistrationSchema)
@blp.doc(security=BEARER)
def sign_up(data: dict[str, Any], session_id: int) -> Any:
    """Sign up yourself, or a resident on their behalf: a place, else the end of the waitlist."""
    return service.sign_up(require_identity(), session_id, **data)


@blp.get("/sessions/<int:session_id>/registrations")
@blp.response(200, RegistrationSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*service.HELPER_ROLES)
def roster(session_id: int) -> Any:
    """Who signed up: places first, then the waitlist in arrival order."""
    return service.roster(require_identity(), session_id)


@blp.get("/registrations/mine")
@blp.response(200, RegistrationSchema(many=True))
@blp.doc(security=BEARER)
def my_registrations() -> Any:
    """Your own registrations, newest first."""
    return service.my_registrations(require_identity())


@blp.post("/registrations/<int:registration_id>/cancel")
@blp.response(200, RegistrationSchema)
@blp.doc(security=BEARER)
def cancel(registration_id: int) -> Any:
    """Give up a place (the first waiting person is offered it), an offer or a waitlist ticket."""
    return service.cancel(require_identity(), registration_id)


@blp.post("/registrations/<int:registration_id>/confirm")
@blp.response(200, RegistrationSchema)
@blp.doc(security=BEARER)
def confirm(registration_id: int) -> Any:
    """Accept an offered place before the offer expires."""
    return service.confirm_offer(require_identity(), registration_id)


@blp.post("/registrations/<int:registration_id>/check-in")
@blp.response(200, RegistrationSchema)
@blp.doc(security=BEARER)
@require_roles(*service.HELPER_ROLES)
def check_in(registration_id: int) -> Any:
    """Record that a registered person came (staff, volunteers)."""
    return service.check_in(require_identity(), registration_id)


@blp.get("/calendar.ics")
@blp.arguments(CalendarQuerySchema, location="query")
@blp.response(200, content_type="text/calendar")
def activities_feed(query: dict[str, Any]) -> Response:
    """iCalendar feed of a community's activity sessions (public)."""
    community = service_state().communities.require(query["community_id"])
    locale = query["lang"]
    body = calendar.activities_calendar(
        community.name(locale), service.list_sessions(community.id), locale=locale, host=request.host
    )
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=activities.ics"})
