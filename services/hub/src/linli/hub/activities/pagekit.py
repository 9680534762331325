"""Small helpers the hub's pages share: who is signed in (and whether as staff), which community,
same-origin form posts, forms checked by the API's schemas, local times, and answering htmx or
plain form posts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import Blueprint, Response, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape

from linli.shared.auth import Identity, current_identity
from linli.shared.communities import Community
from linli.shared.errors import Forbidden, Problem, Unprocessable
from linli.shared.state import service_state

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def locale() -> str:
    return str(get_locale() or "zh_CN")


def when(start: dt.datetime, end: dt.datetime | None = None) -> str:
    """'3月4日 周一 07:00–09:00' or 'Mon 4 Mar 07:00–09:00', in Shanghai time."""
    start = start.astimezone(LOCAL_TZ)
    if locale().startswith("en"):
        text = f"{WEEKDAYS_EN[start.weekday()]} {start.day} {start.strftime('%b')} {start:%H:%M}"
    else:
        text = f"{start.month}月{start.day}日 周{WEEKDAYS_ZH[start.weekday()]} {start:%H:%M}"
    if end is not None:
        text += f"–{end.astimezone(LOCAL_TZ):%H:%M}"
    return text


def register_filters(blueprint: Blueprint) -> None:
    blueprint.add_app_template_filter(when, "hub_when")


def signed_in() -> Identity | None:
    try:
        return current_identity()
    except Problem:  # an expired or broken cookie: treat as signed out
        return None


def signed_in_staff() -> Identity | None:
    """The signed-in staff member, or None (anyone else gets the sign-in page)."""
    identity = signed_in()
    return identity if identity is not None and identity.is_staff else None


def staff_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A staff-only page view: called as ``view(identity, community, **route_args)``; anyone else gets
    the sign-in page. The community is the one asked for (``?community=``) or the staff member's."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        identity = signed_in_staff()
        if identity is None:
            return sign_in_page()
        return view(identity, choose_community(identity), *args, **kwargs)

    return wrapper


def load_form(schema: ma.Schema, data: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """A page form through the API's own schema; its complaints become one message naming the fields."""
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        fields = ", ".join(labels.get(name, name) for name in sorted(error.normalized_messages()))
        raise Unprocessable(_("Please check: %(fields)s.", fields=fields), code="bad_form") from None


def choose_community(identity: Identity | None) -> Community:
    communities = service_state().communities
    wanted = request.args.get("community") or request.form.get("community")
    if wanted:
        return communities.require(wanted)
    if identity is not None:
        for community_id in sorted(identity.communities):
            if community_id in communities:
                return communities[community_id]
    return communities[next(iter(communities))]


def check_same_origin() -> None:
    """Cookie-authenticated form posts must come from our own pages (no cross-site forms)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        raise Forbidden("The form post did not say where it came from.", code="cross_site_post")
    parts = urlsplit(source)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
        raise Forbidden("Forms can only be sent from this site's own pages.", code="cross_site_post")


def sign_in_page() -> tuple[str, int]:
    """Signed out: a way to sign in (and back here); signed in without the right role: say so (403),
    and the navigation bar shows what this account can open."""
    identity = signed_in()
    return render_template("hub/activities/sign_in_needed.html", identity=identity), 403 if identity else 401


def act(action: Callable[[], Any], success: str, back: str, fragment: Callable[[], str] | None = None) -> Any:
    """Run a page action: on htmx re-render the fragment, else flash and redirect back (PRG)."""
    check_same_origin()
    error = None
    try:
        action()
    except Problem as problem:
        error = _(problem.detail or problem.title)
    if request.headers.get("HX-Request") and fragment is not None:
        return Response(fragment_with_message(fragment(), error or success, error is not None))
    flash(error or success, "error" if error else "ok")
    return redirect(back, code=303)


def fragment_with_message(html: str, message: str, is_error: bool) -> str:
    """The fragment plus an out-of-band update of the page's ``#notice`` live region."""
    role, css = ("alert", "flash flash-error") if is_error else ("status", "flash")
    notice = f'<div id="notice" hx-swap-oob="true" aria-live="polite"><p class="{css}" role="{role}">{escape(message)}</p></div>'
    return html + notice
