"""The cases pages' helpers, with the names and argument order of the suite's page kit
(``linli.shared.pages``, being landed by the house-order issue): who is signed in, staff-only views
called as ``view(community, identity, ...)``, same-origin form posts, forms checked by the API's
schemas, actions that answer htmx and plain posts alike. When the shared kit is on main this module
shrinks to re-exports of it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import marshmallow as ma
from flask import Response, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from linli.cases.casework.sla import LOCAL_TZ
from linli.cases.extensions import db
from linli.shared.auth import Identity, current_identity
from linli.shared.communities import Community
from linli.shared.errors import Forbidden, Problem, Unprocessable
from linli.shared.state import service_state

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STAFF_ROLES = ("staff", "manager")

# how the pages word the problems the service raises, for the person at the screen
PAGE_MESSAGES = {
    "invalid_transition": _l("That step does not fit where this stands now."),
    "actions_not_done": _l("Every agreed action must be done or dropped first."),
    "evidence_required": _l("Say what shows the action was done."),
    "already_invited": _l("This party is invited already."),
    "already_answered": _l("This party has answered already."),
    "already_rated": _l("This resident has rated the case already."),
    "due_in_past": _l("The answer cannot be due before today."),
    "meeting_in_future": _l("Record the minutes after the meeting."),
    "slot_full": _l("Sorry, that time is fully booked. Please choose another."),
    "slot_over": _l("That time has passed. Please choose another."),
    "mode_not_offered": _l("This item is not offered that way."),
    "wrong_slot_for_mode": _l("Visits at your door are booked in the door-to-door times, and only they."),
    "address_required": _l("A visit at your door needs your address."),
    "already_voted": _l("Your household has voted already."),
    "poll_closed": _l("This poll is closed."),
    "no_household": _l("Your account is not linked to a household; please ask the committee."),
    "household_not_found": _l("There is no such household here."),
    "not_your_case": _l("This is not a case you reported."),
    "unknown_option": _l("Please choose one of the options."),
}


def friendly(problem: Problem) -> str:
    message = PAGE_MESSAGES.get(problem.code or "")
    return str(message) if message else _(problem.detail or problem.title)


def is_en() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def local_date(value: dt.date) -> str:
    if is_en():
        return f"{WEEKDAYS_EN[value.weekday()]} {value.day} {value:%b}"
    return f"{value.month}月{value.day}日 周{WEEKDAYS_ZH[value.weekday()]}"


def when(start: dt.datetime, end: dt.datetime | None = None) -> str:
    """'3月4日 周一 07:00–09:00' or 'Mon 4 Mar 07:00–09:00', in the committee's time."""
    start = start.astimezone(LOCAL_TZ)
    text = f"{local_date(start.date())} {start:%H:%M}"
    if end is not None:
        text += f"–{end.astimezone(LOCAL_TZ):%H:%M}"
    return text


def signed_in() -> Identity | None:
    try:
        return current_identity()
    except Problem:  # an expired or broken cookie: treat as signed out
        return None


def is_staff_of(identity: Identity | None, community_id: str) -> bool:
    return identity is not None and identity.belongs_to(community_id) and identity.has_role(*STAFF_ROLES)


def sign_in_page(community: Community | None = None) -> tuple[str, int]:
    identity = signed_in()
    return render_template("cases/sign_in.html", community=community, identity=identity), 403 if identity else 401


def community_or_404(community_id: str) -> Community:
    return service_state().communities.require(community_id)


def staff_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view for the committee's staff of the route's community: ``view(community, identity, ...)``."""

    @functools.wraps(view)
    def wrapper(*args: Any, community_id: str, **kwargs: Any) -> Any:
        community = community_or_404(community_id)
        identity = signed_in()
        if identity is None or not is_staff_of(identity, community.id):
            return sign_in_page(community)
        return view(community, identity, *args, **kwargs)

    return wrapper


def check_same_origin() -> None:
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        raise Forbidden("The form post did not say where it came from.", code="cross_site_post")
    parts = urlsplit(source)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
        raise Forbidden("Forms can only be sent from this site's own pages.", code="cross_site_post")


def load_form(schema: ma.Schema, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """A page form through the API's own schema; its complaints become one message naming the fields."""
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        fields = ", ".join(labels.get(key, key) for key in sorted(error.normalized_messages()))
        raise Unprocessable(_("Please check: %(fields)s.", fields=fields), code="bad_form") from None


def act(action: Callable[[], Any], success: str, back: str, fragment: Callable[[], str] | None = None) -> Any:
    """Run a page action: refused cross-site posts (403), a problem shown in words and rolled back;
    htmx gets the fragment with a notice, a plain post a flash and a redirect back (PRG)."""
    try:
        check_same_origin()
    except Problem as refused:
        return render_template("cases/refused.html", message=friendly(refused), back=back), 403
    error = None
    try:
        action()
    except Problem as problem:
        db.session.rollback()
        error = friendly(problem)
    if request.headers.get("HX-Request") and fragment is not None:
        return Response(fragment() + notice(error or success, error is not None))
    flash(error or success, "error" if error else "ok")
    return redirect(back, code=303)


def notice(message: str, is_error: bool) -> str:
    role, css = ("alert", "flash flash-error") if is_error else ("status", "flash")
    return (f'<div id="notice" hx-swap-oob="true" aria-live="polite"><p class="{css}" role="{role}">'
            f"{escape(message)}</p></div>")


def register_filters(blueprint: Any) -> None:
    blueprint.add_app_template_filter(when, "cases_when")
    blueprint.add_app_template_filter(lambda d: local_date(d), "cases_date")
