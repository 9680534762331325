"""The staff's case pages: the community's cases (search, open one) and one case with its timeline,
invitations, meeting minutes, agreed actions and the next steps the transition table allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from linli.cases.casework import progress, service
from linli.cases.casework.schemas import (
    ActionCreateSchema,
    ActionUpdateSchema,
    CaseCreateSchema,
    CloseSchema,
    FollowUpSchema,
    InvitationAnswerSchema,
    InvitationCreateSchema,
    MeetingCreateSchema,
    NoteSchema,
    RatingCreateSchema,
    ReopenSchema,
    ResolveSchema,
    TakeUpSchema,
)
from linli.cases.casework.service import CASE_STATES, CATEGORIES, PARTY_KINDS
from linli.cases.pagekit import act, is_en, load_form, staff_page
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import NotFound

pages = Blueprint("case_pages", __name__, url_prefix="/staff/cases")

CATEGORY_WORDS = {
    "food_safety": _l("Food safety"), "facilities": _l("Facilities"), "environment": _l("Environment"),
    "safety": _l("Safety"), "parking": _l("Parking"), "property": _l("Property management"),
    "neighbourhood": _l("Neighbourhood"), "services": _l("Services"), "other": _l("Other"),
}
PARTY_WORDS = {
    "department": _l("Department"), "property": _l("Property company"), "owners_committee": _l("Owners' committee"),
    "unit": _l("Unit in the area"), "company": _l("Company"), "other": _l("Other"),
}
LABELS = {"title": _l("Title"), "category": _l("Category"), "description": _l("Description"),
          "party_name": _l("Party"), "party_kind": _l("Kind of party"), "answer_due_on": _l("Answer due"),
          "held_at": _l("Held at"), "place": _l("Place"), "attendees": _l("Attendees"), "minutes": _l("Minutes"),
          "responsible_party": _l("Responsible party"), "due_on": _l("Due on"), "summary": _l("Summary"),
          "reason": _l("Reason"), "score": _l("Rating"), "evidence": _l("Evidence"), "note": _l("Note")}


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


def _form(*names: str) -> dict[str, Any]:
    return {name: request.form[name] for name in names if request.form.get(name, "") != ""}


def _local_moment(name: str) -> str:
    """A ``datetime-local`` field is the committee's local time: give it its zone."""
    value = request.form.get(name, "")
    return f"{value}:00+08:00" if len(value) == 16 and "T" in value else value


def _labels() -> dict[str, str]:
    return {key: str(value) for key, value in LABELS.items()}


@pages.get("/<community_id>")
@staff_page
def case_list(community: Community, identity: Identity) -> str:
    q = request.args.get("q", "")[:200]
    state = request.args.get("state", "")
    states = [state] if state in CASE_STATES else []
    found = service.search_cases(identity, community_id=community.id, q=q, state=states, limit=100)
    return render_template("cases/case_list.html", community=community, cases=found, q=q, state=state,
                           states=CASE_STATES, state_words=progress.STATE_WORDS, categories=CATEGORIES,
                           category_words=CATEGORY_WORDS, en=is_en())


@pages.post("/<community_id>")
@staff_page
def open_case(community: Community, identity: Identity) -> Any:
    opened: dict[str, int] = {}

    def do() -> None:
        data = load_form(CaseCreateSchema(), {**_form("title", "category", "description", "address"),
                                              "community_id": community.id}, _labels())
        opened["id"] = service.open_case(identity, **data).id

    back = url_for(".case_list", community_id=community.id)
    response = act(do, _("Case opened."), back)
    if "id" in opened:
        response.headers["Location"] = url_for(".case_page", community_id=community.id, case_id=opened["id"])
    return response


@pages.get("/<community_id>/<int:case_id>")
@staff_page
def case_page(community: Community, identity: Identity, case_id: int) -> str:
    detail = service.case_detail(identity, case_id)
    if detail.case.community_id != community.id:
        raise NotFound(f"No case {case_id} in this community.", code="case_not_found")
    return render_template(
        "cases/case.html", community=community, detail=detail, case=detail.case,
        proposals=service.propose_for(detail.case), allowed=set(detail.allowed_actions),
        steps=progress.progress(detail)["steps"], sentence=progress.sentence, state_words=progress.STATE_WORDS,
        category_words=CATEGORY_WORDS, party_words=PARTY_WORDS, party_kinds=PARTY_KINDS, en=is_en())


# step name -> (what it does with the form, the message when done)
def _steps(identity: Identity, case_id: int) -> dict[str, tuple[Callable[[], Any], str]]:
    labels = _labels()
    item_id = request.form.get("item_id", "")
    number = int(item_id) if item_id.isdigit() and len(item_id) < 10 else 0
    return {
        "take-up": (lambda: service.take_up(identity, case_id, **load_form(TakeUpSchema(), _form("note"), labels)),
                    _("Taken up.")),
        "invite": (lambda: service.invite(identity, case_id, **load_form(InvitationCreateSchema(), _form(
            "party_kind", "party_name", "contact_person", "answer_due_on"), labels)), _("Invitation recorded.")),
        "answer": (lambda: service.answer_invitation(identity, case_id, number, **load_form(
            InvitationAnswerSchema(), _form("answer", "note"), labels)), _("Answer recorded.")),
        "meeting": (lambda: service.hold_meeting(identity, case_id, **load_form(MeetingCreateSchema(), {
            **_form("place", "minutes"), "held_at": _local_moment("held_at"), "attendees": _lines("attendees")},
            labels)),
            _("Meeting minutes recorded.")),
        "action": (lambda: service.agree_action(identity, case_id, **load_form(ActionCreateSchema(), _form(
            "description", "responsible_party", "due_on"), labels)), _("Action agreed.")),
        "action-update": (lambda: service.update_action(identity, case_id, number, **load_form(
            ActionUpdateSchema(), _form("state", "evidence"), labels)), _("Action updated.")),
        "resolve": (lambda: service.resolve(identity, case_id, **load_form(ResolveSchema(), {
            **_form("summary"), "funded_by": _lines("funded_by")}, labels)), _("Resolved.")),
        "follow-up": (lambda: service.follow_up(identity, case_id, **load_form(FollowUpSchema(), {
            "held": request.form.get("held") == "true", **_form("note")}, labels)), _("Follow-up recorded.")),
        "rate": (lambda: service.rate(identity, case_id, **load_form(RatingCreateSchema(), {
            **_form("comment", "on_behalf_of"), "score": _score()}, labels)), _("Rating recorded.")),
        "close": (lambda: service.close(identity, case_id, **load_form(CloseSchema(), _form("note"), labels)),
                  _("Closed.")),
        "reopen": (lambda: service.reopen(identity, case_id, **load_form(ReopenSchema(), _form("reason"), labels)),
                   _("Reopened.")),
        "note": (lambda: service.add_note(identity, case_id, **load_form(NoteSchema(), _form("note"), labels)),
                 _("Note added.")),
    }


def _score() -> int | str:
    value = request.form.get("score", "")
    return int(value) if value.isdigit() and len(value) < 3 else value


@pages.post("/<community_id>/<int:case_id>/<step>")
@staff_page
def case_step(community: Community, identity: Identity, case_id: int, step: str) -> Any:
    steps = _steps(identity, case_id)
    if step not in steps:
        raise NotFound(f"No step '{step}'.", code="not_found")
    do, message = steps[step]
    return act(do, message, url_for(".case_page", community_id=community.id, case_id=case_id))
