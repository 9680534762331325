"""Volunteer phone pages: my shifts, open shifts, sign up, log hours, register an activity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.activities import service as activities
from linli.hub.people.service import find_resident_id
from linli.hub.templating import register_filters
from linli.hub.volunteers import service
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.communities import Community
from linli.shared.errors import NotFound, Unprocessable
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.pages import act, choose_community, sign_in_page, signed_in

pages = Blueprint("hub_volunteer_pages", __name__, url_prefix="/volunteer")
register_filters(pages)


def _context() -> tuple[Identity, Community, Any] | None:
    """The signed-in volunteer (or staff), the community and their volunteer profile (None if none yet)."""
    identity = signed_in()
    if identity is None or not identity.has_role("volunteer", *STAFF_ROLES):
        return None
    community = choose_community(identity)
    try:
        volunteer = service.my_profile(identity, community.id)
    except NotFound:
        volunteer = None
    return identity, community, volunteer


def _render(template: str, **context: Any) -> str:
    return render_template(f"hub/volunteers/{template}", viewer=signed_in(), **context)


@pages.get("")
def home() -> Any:
    """My shifts and my hours; the profile form when there is no profile yet."""
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, volunteer = context
    if volunteer is None:
        return _render("profile.html", community=community, volunteer=None)
    upcoming = [(a, s) for a, s in service.assignments_of(volunteer) if s.ends_at > service.utcnow()]
    feed_url = url_for("hub_volunteers.shifts_feed", volunteer_id=volunteer.id, token=volunteer.feed_token,
                       _external=True)
    swaps = service.offered_swaps(volunteer)
    running = activities.sessions_organised_by(community.id, "volunteer", str(volunteer.id),
                                               since=service.utcnow() - dt.timedelta(hours=12))
    return _render("home.html", community=community, volunteer=volunteer, upcoming=upcoming, swaps=swaps,
                   running=running,
                   totals=service.hours_totals(volunteer), feed_url=feed_url)


@pages.post("/swaps/<int:swap_id>/<any(accept, decline):answer>")
def answer_swap(swap_id: int, answer: str) -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    accept = answer == "accept"
    return act(lambda: service.answer_swap(identity, swap_id, accept=accept),
               _("The shift is yours now.") if accept else _("Swap declined."),
               url_for(".home", community=community.id))


@pages.get("/sessions/<int:session_id>")
def roster(session_id: int) -> Any:
    """Who signed up for a session, with check-in buttons (volunteers running it, staff)."""
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    session = activities.get_session(session_id)
    activity = activities.get_activity(session.activity_id)
    people = activities.roster(identity, session_id)
    return _render("roster.html", community=community, session=session, activity=activity, people=people,
                   now=service.utcnow())


@pages.post("/registrations/<int:registration_id>/check-in")
def check_in(registration_id: int) -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    session_id = activities.session_of_registration(registration_id) or 0
    back = url_for(".roster", session_id=session_id, community=community.id)
    return act(lambda: activities.check_in(identity, registration_id), _("Checked in."), back)


@pages.post("/sessions/<int:session_id>/sign-up-resident")
def sign_up_resident(session_id: int) -> Any:
    """At the front desk: sign a resident up by their number or exact name."""
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    wanted = request.form.get("resident", "").strip()

    def sign_up() -> None:
        resident_id = find_resident_id(community.id, wanted)
        activities.sign_up(identity, session_id, resident_id=resident_id)

    return act(sign_up, _("Signed up."), url_for(".roster", session_id=session_id, community=community.id))


@pages.get("/approvals")
def approvals() -> Any:
    """Staff: hours waiting for approval."""
    identity = signed_in()
    if identity is None or not identity.has_role(*STAFF_ROLES):
        return sign_in_page()
    community = choose_community(identity)
    entries = service.list_hours(identity, community.id, status="pending")
    names = {v.id: v.display_name for v in service.list_volunteers(identity, community.id)}
    return _render("approvals.html", community=community, entries=entries, names=names)


@pages.post("/approvals/<int:hours_id>/<any(approve, reject):decision>")
def decide(hours_id: int, decision: str) -> Any:
    identity = signed_in()
    if identity is None or not identity.has_role(*STAFF_ROLES):
        return sign_in_page()
    community = choose_community(identity)
    approve = decision == "approve"
    return act(lambda: service.decide_hours(identity, hours_id, approve=approve),
               _("Approved.") if approve else _("Not approved."), url_for(".approvals", community=community.id))


@pages.post("/profile")
def save_profile() -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    form = request.form
    talents = [{"title_zh": t.strip(), "title_en": ""} for t in form.get("talents", "").split(",") if t.strip()]
    return act(lambda: service.save_profile(
        identity, community_id=community.id, display_name=form.get("display_name", "").strip()[:120],
        phone=form.get("phone") or None, talents=talents, standby=bool(form.get("standby"))),
        _("Profile saved."), url_for(".home", community=community.id))


def _open_shifts(community: Community, volunteer: Any) -> list[dict[str, Any]]:
    start = service.utcnow()
    mine = {s.id: a for a, s in service.assignments_of(volunteer)}
    return [{"shift": shift, "taken": taken, "mine": mine.get(shift.id)}
            for shift, taken in service.list_shifts(community.id, start=start, end=start + dt.timedelta(days=7))]


@pages.get("/shifts")
def open_shifts() -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    _identity, community, volunteer = context
    if volunteer is None:
        return _render("profile.html", community=community, volunteer=None)
    return _render("shifts.html", community=community, volunteer=volunteer, rows=_open_shifts(community, volunteer))


@pages.post("/shifts/<int:shift_id>/sign-up")
def sign_up(shift_id: int) -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, volunteer = context

    def fragment() -> str:
        assert volunteer is not None
        row = next((r for r in _open_shifts(community, volunteer) if r["shift"].id == shift_id), None)
        return _render("_shift_card.html", row=row, community=community) if row else ""

    return act(lambda: service.sign_up(identity, shift_id), _("You are on this shift. Thank you!"),
               url_for(".open_shifts", community=community.id), fragment)


@pages.post("/assignments/<int:assignment_id>/cancel")
def cancel(assignment_id: int) -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, _volunteer = context
    return act(lambda: service.cancel(identity, assignment_id), _("You have left the shift."),
               url_for(".home", community=community.id))


@pages.route("/hours", methods=["GET", "POST"])
def hours() -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, volunteer = context
    if volunteer is None:
        return _render("profile.html", community=community, volunteer=None)
    if request.method == "POST":
        return act(lambda: _log_hours(community, identity), _("Hours logged; staff will approve them."),
                   url_for(".hours", community=community.id))
    recent = [s for a, s in service.assignments_of(volunteer) if s.starts_at <= service.utcnow()][-10:]
    return _render("hours.html", community=community, volunteer=volunteer, recent_shifts=recent,
                   entries=service.list_hours(identity, community.id), totals=service.hours_totals(volunteer),
                   today=local_today().isoformat())


def _log_hours(community: Community, identity: Identity) -> None:
    form = request.form
    try:
        work_date = dt.date.fromisoformat(form.get("work_date", ""))
        hours_, minutes = float(form.get("hours") or 0), int(form.get("minutes") or 0)
        total = round(hours_ * 60) + minutes  # "nan" raises ValueError, "inf" OverflowError
    except (ValueError, OverflowError):
        raise Unprocessable(_("Enter a date and a number of hours.")) from None
    if not 0 < total <= 1440:
        raise Unprocessable(_("Between a minute and 24 hours, please."))
    shift_id = int(form["shift_id"]) if form.get("shift_id", "").isdigit() else None
    service.log_hours(identity, community_id=community.id, work_date=work_date, minutes=total,
                      note=form.get("note", "")[:500], shift_id=shift_id)


@pages.route("/activities/new", methods=["GET", "POST"])
def new_activity() -> Any:
    context = _context()
    if context is None:
        return sign_in_page()
    identity, community, volunteer = context
    if volunteer is None:
        return _render("profile.html", community=community, volunteer=None)
    if request.method == "POST":
        return act(lambda: _register_activity(community, identity), _("Activity registered."),
                   url_for(".new_activity", community=community.id))
    return _render("activity_new.html", community=community, volunteer=volunteer)


def _register_activity(community: Community, identity: Identity) -> None:
    form = request.form
    try:
        day = dt.date.fromisoformat(form.get("date", ""))
        start = dt.time.fromisoformat(form.get("start", ""))
        end = dt.time.fromisoformat(form.get("end", ""))
        capacity = int(form.get("capacity", ""))
        repeat_weeks = min(52, max(0, int(form.get("repeat_weeks") or 0)))
    except ValueError:
        raise Unprocessable(_("Fill in the date, times and number of places.")) from None
    starts_at = dt.datetime.combine(day, start, tzinfo=LOCAL_TZ).astimezone(dt.UTC)
    ends_at = dt.datetime.combine(day, end, tzinfo=LOCAL_TZ).astimezone(dt.UTC)
    if ends_at <= starts_at:
        raise Unprocessable(_("The end must be after the start."))
    if capacity < 0:
        raise Unprocessable(_("The number of places cannot be below zero."))
    if capacity > 10000:
        raise Unprocessable(_("Fill in the date, times and number of places."))
    title = form.get("title_zh", "").strip()
    if not title:
        raise Unprocessable(_("Give the activity a name."))
    service.register_activity(identity, community_id=community.id, title_zh=title[:200],
                              description=form.get("description", "")[:5000], capacity=capacity,
                              starts_at=starts_at, ends_at=ends_at,
                              repeat_weeks=repeat_weeks)
