"""Routes of volunteers: profiles, shift templates and shifts, swaps, no-shows, hours, feeds."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from linli.hub.activities.schemas import ActivitySchema
from linli.hub.volunteers import calendar, service
from linli.hub.volunteers.schemas import (
    AssignmentSchema,
    BackfillSchema,
    CommunityQuerySchema,
    FeedQuerySchema,
    GenerateSchema,
    HoursCreateSchema,
    HoursQuerySchema,
    HoursSchema,
    NoShowResultSchema,
    NoShowSchema,
    OwnProfileSchema,
    ProfileSchema,
    ShiftQuerySchema,
    ShiftSchema,
    ShiftSignUpSchema,
    SwapOutSchema,
    SwapSchema,
    TemplateSchema,
    VolunteerActivitySchema,
    VolunteerQuerySchema,
    VolunteerSchema,
)
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles
from linli.shared.errors import Forbidden, Unauthorized

blp = Blueprint("hub_volunteers", __name__, url_prefix="/api/volunteers",
                description="Volunteers: profiles and talents, shifts, swaps, no-shows and backfill, hours")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.put("/me")
@blp.arguments(ProfileSchema)
@blp.response(200, OwnProfileSchema)
@blp.doc(security=BEARER)
def save_profile(data: dict[str, Any]) -> Any:
    """Create or update your volunteer profile (staff: anyone's, with ``account_id``)."""
    return service.save_profile(require_identity(), **data)


@blp.get("/me")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, OwnProfileSchema)
@blp.doc(security=BEARER)
def my_profile(query: dict[str, Any]) -> Any:
    """Your volunteer profile, with the secret of your calendar feed."""
    return service.my_profile(require_identity(), query["community_id"])


@blp.post("/me/feed-token")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, OwnProfileSchema)
@blp.doc(security=BEARER)
def rotate_feed_token(query: dict[str, Any]) -> Any:
    """Make a new calendar link; the old one stops working."""
    return service.rotate_feed_token(require_identity(), query["community_id"])


@blp.get("")
@blp.arguments(VolunteerQuerySchema, location="query")
@blp.response(200, VolunteerSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def list_volunteers(query: dict[str, Any]) -> Any:
    """Volunteers of a community, optionally those with a talent or skill (社区达人)."""
    return service.list_volunteers(require_identity(), **query)


@blp.get("/templates")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, TemplateSchema(many=True))
def templates(query: dict[str, Any]) -> Any:
    """Shift templates of a community: built-in ones and those of its plugins."""
    return list(service.shift_templates(query["community_id"]).values())


@blp.post("/shifts/generate")
@blp.arguments(GenerateSchema)
@blp.response(201, ShiftSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def generate(data: dict[str, Any]) -> Any:
    """Generate a template's shifts for some days; days already generated are left alone."""
    require_identity().require_community(data["community_id"])
    shifts = service.generate_shifts(data.pop("community_id"), data.pop("template_code"), **data)
    return [_shift(s, 0) for s in shifts]


@blp.get("/shifts")
@blp.arguments(ShiftQuerySchema, location="query")
@blp.response(200, ShiftSchema(many=True))
def list_shifts(query: dict[str, Any]) -> Any:
    """Shifts in a period with the places taken."""
    return [_shift(s, n) for s, n in service.list_shifts(**query)]


@blp.post("/shifts/<int:shift_id>/assignments")
@blp.arguments(ShiftSignUpSchema)
@blp.response(201, AssignmentSchema)
@blp.doc(security=BEARER)
def sign_up(data: dict[str, Any], shift_id: int) -> Any:
    """Sign up for a shift (never above its headcount)."""
    return service.sign_up(require_identity(), shift_id, **data)


@blp.post("/shifts/<int:shift_id>/backfill")
@blp.arguments(BackfillSchema)
@blp.response(201, AssignmentSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def backfill(data: dict[str, Any], shift_id: int) -> Any:
    """Fill a free place with a named or the first free standby volunteer."""
    return service.backfill(require_identity(), shift_id, **data)


@blp.post("/assignments/<int:assignment_id>/cancel")
@blp.response(200, AssignmentSchema)
@blp.doc(security=BEARER)
def cancel(assignment_id: int) -> Any:
    """Withdraw from a shift that has not started."""
    return service.cancel(require_identity(), assignment_id)


@blp.post("/assignments/<int:assignment_id>/swap")
@blp.arguments(SwapSchema)
@blp.response(201, SwapOutSchema)
@blp.doc(security=BEARER)
def propose_swap(data: dict[str, Any], assignment_id: int) -> Any:
    """Offer the shift to another volunteer, or an exchange for one of theirs; staff swaps apply at once."""
    return service.propose_swap(require_identity(), assignment_id, **data)


@blp.post("/swaps/<int:swap_id>/accept")
@blp.response(200, SwapOutSchema)
@blp.doc(security=BEARER)
def accept_swap(swap_id: int) -> Any:
    """Accept a swap offered to you: the shifts change hands."""
    return service.answer_swap(require_identity(), swap_id, accept=True)


@blp.post("/swaps/<int:swap_id>/decline")
@blp.response(200, SwapOutSchema)
@blp.doc(security=BEARER)
def decline_swap(swap_id: int) -> Any:
    """Decline a swap offered to you."""
    return service.answer_swap(require_identity(), swap_id, accept=False)


@blp.post("/assignments/<int:assignment_id>/no-show")
@blp.arguments(NoShowSchema)
@blp.response(200, NoShowResultSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def no_show(data: dict[str, Any], assignment_id: int) -> Any:
    """Mark a no-show; a free standby volunteer backfills the place."""
    return service.mark_no_show(require_identity(), assignment_id, **data)


@blp.post("/assignments/<int:assignment_id>/attended")
@blp.response(200, AssignmentSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def attended(assignment_id: int) -> Any:
    """Record that the volunteer came."""
    return service.mark_attended(require_identity(), assignment_id)


@blp.post("/hours")
@blp.arguments(HoursCreateSchema)
@blp.response(201, HoursSchema)
@blp.doc(security=BEARER)
def log_hours(data: dict[str, Any]) -> Any:
    """Log your own hours; they count once staff approve them."""
    return service.log_hours(require_identity(), **data)


@blp.get("/hours")
@blp.arguments(HoursQuerySchema, location="query")
@blp.response(200, HoursSchema(many=True))
@blp.doc(security=BEARER)
def list_hours(query: dict[str, Any]) -> Any:
    """Staff: everyone's hours; a volunteer: their own."""
    return service.list_hours(require_identity(), query["community_id"], status=query["status"])


@blp.post("/hours/<int:hours_id>/approve")
@blp.response(200, HoursSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def approve_hours(hours_id: int) -> Any:
    return service.decide_hours(require_identity(), hours_id, approve=True)


@blp.post("/hours/<int:hours_id>/reject")
@blp.response(200, HoursSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def reject_hours(hours_id: int) -> Any:
    return service.decide_hours(require_identity(), hours_id, approve=False)


@blp.post("/activities")
@blp.arguments(VolunteerActivitySchema)
@blp.response(201, ActivitySchema)
@blp.doc(security=BEARER)
def register_activity(data: dict[str, Any]) -> Any:
    """Register an activity you run (you are its organiser)."""
    return service.register_activity(require_identity(), **data)


@blp.get("/<int:volunteer_id>/shifts.ics")
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, content_type="text/calendar")
def shifts_feed(query: dict[str, Any], volunteer_id: int) -> Response:
    """A volunteer's shifts as iCalendar: with the feed's secret ``token`` or a bearer token."""
    volunteer = service.get_volunteer(volunteer_id)
    token = query["token"]
    if token is not None:
        if not secrets.compare_digest(token.encode(), volunteer.feed_token.encode()):
            raise Forbidden("This calendar link is not valid.", code="bad_feed_token")
    else:
        identity = current_identity()
        if identity is None:
            raise Unauthorized("Use the calendar link with its token, or a bearer token.", code="missing_token")
        identity.require_community(volunteer.community_id)
        if identity.subject != volunteer.account_id and not identity.has_role(*STAFF_ROLES):
            raise Forbidden("This is another volunteer's calendar.", code="not_yours")
    body = calendar.shifts_calendar(volunteer.display_name, service.assignments_of(volunteer),
                                    locale=query["lang"], host=request.host)
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=shifts.ics"})


def _shift(shift: Any, taken: int) -> dict[str, Any]:
    return {**{c: getattr(shift, c) for c in ShiftSchema().fields if c != "taken"}, "taken": taken}
