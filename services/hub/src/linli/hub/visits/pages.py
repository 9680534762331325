"""Visit diary pages: a staff member's due list and visit form on the phone, the managers' overdue
dashboard, and the Monday meeting report (printable). Personal data: staff of the community only;
the service functions audit every special-group household they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.people.service import GROUPS, SPECIAL_GROUPS
from linli.hub.roster import service as roster
from linli.hub.roster.pages import day_label
from linli.hub.templating import register_filters
from linli.hub.visits import service
from linli.hub.visits.schemas import VisitCreateSchema
from linli.hub.visits.service import CASE_STATES, NEEDS, PROBLEM_CATEGORIES, VISIT_KINDS
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.errors import Forbidden, Problem
from linli.shared.pages import act, is_en, load_form, staff_page

pages = Blueprint("hub_visit_pages", __name__)
register_filters(pages)


def label(pair: tuple[str, ...]) -> str:
    return pair[1] if is_en() else pair[0]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def words(vocabulary: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """A vocabulary's (code, words) pairs in the reader's language, for a form's choices."""
    return [(code, label(names)) for code, names in vocabulary.items()]


def _common(community: Community) -> dict[str, Any]:
    return {"community": community, "label": label, "words": words, "groups": GROUPS, "special_groups": SPECIAL_GROUPS,
            "kinds": VISIT_KINDS, "needs": NEEDS, "case_states": CASE_STATES, "categories": PROBLEM_CATEGORIES, "day_label": day_label}


@pages.get("/staff/visits")
@staff_page
def due(community: Community, identity: Identity) -> Any:
    identity.require_community(community.id)
    staff_id = _int(request.args.get("staff"))
    try:
        items = service.due_list(identity, community_id=community.id, staff_id=staff_id)
        member = (roster.staff_member(community.id, staff_id) if staff_id
                  else roster.staff_for_account(community.id, identity.subject))
    except Problem as problem:
        return render_template("hub/visits/not_staff.html", message=_(problem.detail or problem.title),
                               **_common(community)), 200
    counts = {b: sum(1 for i in items if i.bucket == b) for b in service.BUCKETS}
    return render_template("hub/visits/due.html", items=items, counts=counts, member=member,
                           today=roster.local_today(), **_common(community))


@pages.get("/staff/visits/new")
@staff_page
def new_visit(community: Community, identity: Identity) -> Any:
    household_id = _int(request.args.get("household"))
    if household_id is None:
        return redirect(url_for(".due", community=community.id))
    household, visits = service.household_visits(identity, household_id)
    if household.community_id != community.id:
        raise Forbidden("This household belongs to another community.", code="wrong_community")
    return render_template("hub/visits/new.html", household=household, visits=visits[:5],
                           today=roster.local_today(), **_common(community))


@pages.post("/staff/visits")
@staff_page
def record(community: Community, identity: Identity) -> Any:
    form = request.form
    household_id = _int(form.get("household_id"))

    def save() -> None:
        problem = None
        if form.get("problem_title", "").strip():
            problem = {"title": form.get("problem_title", "").strip(), "category": form.get("problem_category", ""),
                       "description": form.get("problem_description", "").strip()}
        data = load_form(VisitCreateSchema(), {
            "community_id": community.id, "household_id": household_id if household_id is not None else "",
            "visited_on": form.get("visited_on", ""), "kind": form.get("kind", ""),
            "findings": form.get("findings", "").strip(), "needs": form.getlist("needs"),
            "follow_up_on": form.get("follow_up_on") or None, "problem": problem},
            {"visited_on": _("Date"), "kind": _("How"), "findings": _("Findings"), "needs": _("Needs"),
             "follow_up_on": _("Follow up on"), "problem": _("Problem"), "household_id": _("Household")})
        service.record_visit(identity, **data)

    return act(save, _("Visit written in the diary."), url_for(".due", community=community.id)
               if household_id is None else url_for(".due", community=community.id) + f"#household-{household_id}")


@pages.get("/staff/visits/overview")
@staff_page
def overview(community: Community, identity: Identity) -> Any:
    rows = service.overview(identity, community_id=community.id)
    totals = {key: sum(getattr(r, key) for r in rows) for key in
              ("households", "special", "never", "overdue", "overdue_special", "due_today", "due_this_week",
               "visits_last_7_days")}
    return render_template("hub/visits/overview.html", rows=rows, totals=totals, today=roster.local_today(),
                           **_common(community))


@pages.get("/staff/visits/report")
@staff_page
def report(community: Community, identity: Identity) -> Any:
    week = _date(request.args.get("week"))
    monday, rows = service.weekly_report(identity, community_id=community.id,
                                         monday=roster.monday_of(week) if week else None,
                                         staff_id=_int(request.args.get("staff")))
    return render_template("hub/visits/report.html", monday=monday, sunday=monday + dt.timedelta(days=6), rows=rows,
                           previous_week=monday - dt.timedelta(days=7), next_week=monday + dt.timedelta(days=7),
                           **_common(community))
