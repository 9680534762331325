"""Routes of the duty roster (值班表): staff, lines with A/B roles, weeks, cells, absences, swaps, board."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint

from linli.hub.roster import calendar, service
from linli.hub.roster.schemas import (
    AbsenceCreateSchema,
    AbsenceSchema,
    BoardQuerySchema,
    CellSchema,
    CellSetSchema,
    CommunityQuerySchema,
    DayBoardSchema,
    DutySwapCreateSchema,
    DutySwapDecisionSchema,
    DutySwapSchema,
    LineCreateSchema,
    LineSchema,
    StaffCreateSchema,
    StaffSchema,
    WeekSchema,
)
from linli.shared.api import Schema
from linli.shared.auth import require_identity, require_roles
from linli.shared.errors import NotFound

blp = Blueprint("roster", __name__, url_prefix="/api/roster",
                description="The committee's duty roster: A/B roles per line of work, who is at the desk, who covers")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]
STAFF = ("staff", "manager")


class FeedQuerySchema(Schema):
    lang = ma.fields.String(load_default="zh_CN", validate=ma.validate.OneOf(("zh_CN", "en")))
    weeks = ma.fields.Integer(load_default=4, validate=ma.validate.Range(min=1, max=26))


@blp.get("/staff")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, StaffSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def list_staff(query):
    """The committee's active staff."""
    return service.list_staff(require_identity(), query["community_id"])


@blp.post("/staff")
@blp.arguments(StaffCreateSchema)
@blp.response(201, StaffSchema)
@blp.doc(security=SECURITY)
@require_roles("manager")
def add_staff(data):
    """Put someone on the committee's staff (managers)."""
    return service.add_staff(require_identity(), **data)


@blp.get("/lines")
@blp.arguments(CommunityQuerySchema, location="query")
@blp.response(200, LineSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def list_lines(query):
    """Lines of work (条线) with their A and B."""
    service.list_staff(require_identity(), query["community_id"])  # access check
    return service.list_lines(query["community_id"])


@blp.post("/lines")
@blp.arguments(LineCreateSchema)
@blp.response(201, LineSchema)
@blp.doc(security=SECURITY)
@require_roles("manager")
def create_line(data):
    """A line of work with an A role and a B role (two different people)."""
    return service.create_line(require_identity(), **data)


@blp.post("/weeks")
@blp.arguments(WeekSchema)
@blp.response(201, CellSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def generate_week(data):
    """Fill a week from the template with the desk rotation (existing cells are kept)."""
    return service.generate_week(require_identity(), data["community_id"], data["monday"])


@blp.get("/weeks")
@blp.arguments(WeekSchema, location="query")
@blp.response(200, CellSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def week(query):
    """The cells of a week."""
    service.list_staff(require_identity(), query["community_id"])
    return service.week_cells(query["community_id"], query["monday"])


@blp.put("/cells")
@blp.arguments(CellSetSchema)
@blp.response(200, CellSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def set_cell(data):
    """Set one person's duty in one period; give the ``version`` you saw (409 when someone changed it);
    422 ``no_front_desk`` when the desk would be left empty."""
    return service.set_cell(require_identity(), **data)


@blp.post("/absences")
@blp.arguments(AbsenceCreateSchema)
@blp.response(201, AbsenceSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def add_absence(data):
    """Leave, sickness or training away; the board shows who covers, the manager hears of lines nobody holds."""
    return service.add_absence(require_identity(), **data)


@blp.post("/swaps")
@blp.arguments(DutySwapCreateSchema)
@blp.response(201, DutySwapSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def request_swap(data):
    """Ask to exchange two people's duties in one period."""
    return service.request_swap(require_identity(), **data)


@blp.post("/swaps/<int:swap_id>/decision")
@blp.arguments(DutySwapDecisionSchema)
@blp.response(200, DutySwapSchema)
@blp.doc(security=SECURITY)
@require_roles("manager")
def decide_swap(data, swap_id):
    """The manager approves or rejects a swap."""
    return service.decide_swap(require_identity(), swap_id, approve=data["approve"])


@blp.get("/board")
@blp.arguments(BoardQuerySchema, location="query")
@blp.response(200, DayBoardSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF)
def board(query):
    """One day: who is at the desk (and for whom they sit in), who is out where, who holds each line, flags."""
    day = query["day"] or service.local_today()
    return service.day_boards(require_identity(), query["community_id"], [day])[0]


@blp.get("/feeds/<token>.ics")
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, content_type="text/calendar")
def duties_feed(query: dict[str, Any], token: str) -> Response:
    """A staff member's duties from this week on as iCalendar (the link's secret is the access)."""
    member = service.staff_by_feed_token(token)
    if member is None or not secrets.compare_digest(token.encode(), member.feed_token.encode()):
        raise NotFound("No such calendar.", code="feed_not_found")
    first = service.monday_of(service.local_today())
    cells = service.cells_of(member.id, first, first + dt.timedelta(weeks=query["weeks"]))
    body = calendar.duties_calendar(member.display_name, cells, locale=query["lang"], host=request.host)
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=duties.ics"})
