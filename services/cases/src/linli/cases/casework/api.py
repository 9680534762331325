"""Routes of cases (约请制): open and report, search, the life cycle, what a resident sees."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.cases.casework import progress, service
from linli.cases.casework.schemas import (
    ActionCreateSchema,
    ActionSchema,
    ActionUpdateSchema,
    AssignSchema,
    CaseCreateSchema,
    CaseDetailSchema,
    CaseQuerySchema,
    CaseReportSchema,
    CaseSchema,
    CloseSchema,
    FollowUpSchema,
    InvitationAnswerSchema,
    InvitationCreateSchema,
    InvitationSchema,
    MeetingCreateSchema,
    MeetingSchema,
    NoteSchema,
    ProgressSchema,
    ProposalSchema,
    RatingCreateSchema,
    RatingSchema,
    ReopenSchema,
    ResolveSchema,
    TakeUpSchema,
    TimelineEntrySchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("cases", __name__, url_prefix="/api/cases", description="Cases (约请制): discover, consult, resolve")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("")
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def open_case(data: dict[str, Any]) -> Any:
    """Open a case for a problem residents share."""
    return service.open_case(require_identity(), **data)


@blp.post("/reports")
@blp.arguments(CaseReportSchema)
@blp.response(201, ProgressSchema)
@blp.doc(security=BEARER)
def report_case(data: dict[str, Any]) -> Any:
    """A resident reports a problem; the answer is its progress in plain words."""
    identity = require_identity()
    case = service.report_case(identity, **data)
    return progress.progress(service.resident_case(identity, case.id))


@blp.get("")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def list_cases(query: dict[str, Any]) -> Any:
    """Search a community's cases by words and filters, newest first."""
    return service.search_cases(require_identity(), **query)


@blp.get("/mine")
@blp.response(200, CaseSchema(many=True))
@blp.doc(security=BEARER)
def my_cases() -> Any:
    """Cases you reported or are named in."""
    return service.cases_of_resident(require_identity())


@blp.get("/<int:case_id>")
@blp.response(200, CaseDetailSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def get_case(case_id: int) -> Any:
    """A case with its timeline, invitations, meetings, actions, ratings and deadlines."""
    return service.case_detail(require_identity(), case_id).as_dict()


@blp.get("/<int:case_id>/progress")
@blp.response(200, ProgressSchema)
@blp.doc(security=BEARER)
def case_progress(case_id: int) -> Any:
    """Where your case stands, in plain words (residents who reported or are named; staff)."""
    return progress.progress(service.resident_case(require_identity(), case_id))


@blp.get("/<int:case_id>/proposed-invitations")
@blp.response(200, ProposalSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def proposed_invitations(case_id: int) -> Any:
    """Whom to invite, from the routing hook (the community's settings by default)."""
    return service.proposed_invitations(require_identity(), case_id)


@blp.post("/<int:case_id>/take-up")
@blp.arguments(TakeUpSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def take_up(data: dict[str, Any], case_id: int) -> Any:
    """The committee takes the case up (reported → taken_up)."""
    return service.take_up(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/assign")
@blp.arguments(AssignSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def assign(data: dict[str, Any], case_id: int) -> Any:
    """Give the case to another staff member."""
    return service.assign(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/notes")
@blp.arguments(NoteSchema)
@blp.response(201, TimelineEntrySchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def add_note(data: dict[str, Any], case_id: int) -> Any:
    """An internal note on the timeline (residents do not see it)."""
    return service.add_note(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/invitations")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def invite(data: dict[str, Any], case_id: int) -> Any:
    """Invite a department, the property company, the owners' committee or a unit (约请)."""
    return service.invite(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/invitations/<int:invitation_id>/answer")
@blp.arguments(InvitationAnswerSchema)
@blp.response(200, InvitationSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def answer_invitation(data: dict[str, Any], case_id: int, invitation_id: int) -> Any:
    """Record an invited party's answer."""
    return service.answer_invitation(require_identity(), case_id, invitation_id, **data)


@blp.post("/<int:case_id>/meetings")
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def hold_meeting(data: dict[str, Any], case_id: int) -> Any:
    """Record a consultation meeting with its minutes."""
    return service.hold_meeting(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/actions")
@blp.arguments(ActionCreateSchema)
@blp.response(201, ActionSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def agree_action(data: dict[str, Any], case_id: int) -> Any:
    """An agreed action: the responsible party, what, by when."""
    return service.agree_action(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/actions/<int:action_id>")
@blp.arguments(ActionUpdateSchema)
@blp.response(200, ActionSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def update_action(data: dict[str, Any], case_id: int, action_id: int) -> Any:
    """An action starts, is done (with evidence) or is dropped."""
    return service.update_action(require_identity(), case_id, action_id, **data)


@blp.post("/<int:case_id>/resolve")
@blp.arguments(ResolveSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def resolve(data: dict[str, Any], case_id: int) -> Any:
    """Resolved, with a summary and who paid (every action done or dropped)."""
    return service.resolve(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/follow-up")
@blp.arguments(FollowUpSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def follow_up(data: dict[str, Any], case_id: int) -> Any:
    """A later check that the solution held (if not, the case is reopened)."""
    return service.follow_up(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/ratings")
@blp.arguments(RatingCreateSchema)
@blp.response(201, RatingSchema)
@blp.doc(security=BEARER)
def rate(data: dict[str, Any], case_id: int) -> Any:
    """A resident's satisfaction, 1–5 (the reporter, an affected resident, or staff on their behalf)."""
    return service.rate(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/close")
@blp.arguments(CloseSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def close(data: dict[str, Any], case_id: int) -> Any:
    """Close the case after the residents' ratings."""
    return service.close(require_identity(), case_id, **data)


@blp.post("/<int:case_id>/reopen")
@blp.arguments(ReopenSchema)
@blp.response(200, CaseSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def reopen(data: dict[str, Any], case_id: int) -> Any:
    """Reopen a resolved or closed case (back to taken_up), with the reason."""
    return service.reopen(require_identity(), case_id, **data)
