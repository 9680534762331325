"""The page kit every service's browser pages use: who is signed in, which community, staff-only
views, same-origin form posts, forms checked by the API's own schemas, page actions that answer
htmx and plain form posts alike, and the small formatting helpers the templates share.

A service's own wording of its problems for page readers is given in its ``ServiceSpec``
(``page_messages``); its sign-in page is the template ``<service>/sign_in.html`` when it has one,
else the shared ``linli/sign_in.html``.

    from linli.shared.pages import act, staff_page

    @pages.post("/counter/<community_id>/orders/<int:order_id>/cash")
    @staff_page
    def cash(community: Community, identity: Identity, order_id: int) -> Any:
        return act(lambda: payments.take_cash(identity, order_id), _("Paid."), url_for(".desk", ...))
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import marshmallow as ma
from flask import Response, current_app, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from linli.shared.auth import Identity, current_identity
from linli.shared.communities import Community
from linli.shared.db import transaction
from linli.shared.errors import Forbidden, Problem, Unprocessable
from linli.shared.localtime import LOCAL_TZ
from linli.shared.money import Money
from linli.shared.state import service_state

if TYPE_CHECKING:
    from jinja2 import Template

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CROSS_SITE = "cross_site_post"


@dataclass(frozen=True)
class PageMessages:
    """How a service's pages word the problems its actions raise, for the person at the screen.

    ``by_code`` gives the message for a problem code (called per request, so lazily translated).
    For any other problem: when ``details_are_messages`` the problem's own detail is shown,
    translated (it is a msgid of the service's catalogue); otherwise one polite general line.
    """

    by_code: Callable[[], Mapping[str, str]] = field(default=lambda: {})
    details_are_messages: bool = True


# --- locale and formatting ----------------------------------------------------------------------


def is_en() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def money(fen: int | None) -> str:
    return "" if fen is None else Money(int(fen)).format()


def local_time(value: dt.datetime | str | None) -> str:
    """'11:30' in the committee's time, from a datetime or an ISO string."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value.astimezone(LOCAL_TZ):%H:%M}"


def local_date(value: dt.date | str) -> str:
    """'3月4日 周一' or 'Mon 4 Mar'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
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


def name(item: Any, field: str = "name") -> str:
    """The English or Chinese name (or another ``field``) of a dict or model, in the reader's language,
    falling back to the other language rather than showing nothing."""
    first, other = (f"{field}_en", f"{field}_zh") if is_en() else (f"{field}_zh", f"{field}_en")

    def get(key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key, "")

    return str(get(first) or get(other) or "")


# --- who is it, for which community ---------------------------------------------------------------


def signed_in() -> Identity | None:
    try:
        return current_identity()
    except Problem:  # an expired or broken cookie: treat as signed out
        return None


def community_or_404(community_id: str) -> Community:
    return service_state().communities.require(community_id)


def choose_community(identity: Identity | None) -> Community:
    """The community asked for (``?community=`` or the form's), else the signed-in person's first,
    else the first one served."""
    communities = service_state().communities
    wanted = request.args.get("community") or request.form.get("community")
    if wanted:
        return communities.require(wanted)
    if identity is not None:
        for community_id in sorted(identity.communities):
            if community_id in communities:
                return communities[community_id]
    return communities[next(iter(communities))]


def signed_in_staff() -> Identity | None:
    """The signed-in staff member (of any community), or None."""
    identity = signed_in()
    return identity if identity is not None and identity.is_staff else None


def staff_of(community_id: str) -> Identity | None:
    """The signed-in staff member of this community, or None."""
    identity = signed_in()
    return identity if identity is not None and identity.is_staff_of(community_id) else None


def sign_in_page(community: Community | None = None) -> tuple[str, int]:
    """The service's sign-in page (``<service>/sign_in.html``, else the shared one): 401 when nobody
    is signed in, 403 when signed in without the right."""
    identity = signed_in()
    templates: list[str | Template] = [f"{service_state().name}/sign_in.html", "linli/sign_in.html"]
    return render_template(templates, community=community, identity=identity), 403 if identity else 401


def staff_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view for the committee's staff: called as ``view(community, identity, **route_args)``.

    The community is the route's ``community_id`` when the route has one, else the one chosen by
    :func:`choose_community`. Anyone but staff of that community gets the sign-in page (401, or 403
    when signed in without the right)."""

    @functools.wraps(view)
    def wrapper(*args: Any, community_id: str | None = None, **kwargs: Any) -> Any:
        identity = signed_in()
        community = community_or_404(community_id) if community_id is not None else choose_community(identity)
        if identity is None or not identity.is_staff_of(community.id):
            return sign_in_page(community)
        return view(community, identity, *args, **kwargs)

    return wrapper


# --- forms and actions ----------------------------------------------------------------------------


def check_same_origin() -> None:
    """Cookie-authenticated form posts must come from our own pages (no cross-site forms)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        raise Forbidden("The form post did not say where it came from.", code=CROSS_SITE)
    parts = urlsplit(source)
    if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
        raise Forbidden("Forms can only be sent from this site's own pages.", code=CROSS_SITE)


def load_form(schema: ma.Schema, data: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """A page form through the API's own schema; its complaints become one message naming the fields."""
    try:
        loaded: dict[str, Any] = schema.load(data)
        return loaded
    except ma.ValidationError as error:
        fields = ", ".join(labels.get(key, key) for key in sorted(error.normalized_messages()))
        raise Unprocessable(_("Please check: %(fields)s.", fields=fields), code="bad_form") from None


def friendly(problem: Problem) -> str:
    """A message the person at the screen understands, never a raw error."""
    if problem.code == "page_message" and problem.detail:
        return problem.detail  # already written for the page
    if problem.code == CROSS_SITE:
        return _("Please use the buttons on this page.")
    messages: PageMessages = current_app.extensions["linli_spec"].page_messages
    message = messages.by_code().get(problem.code or "")
    if message:
        return message
    if messages.details_are_messages:
        return _(problem.detail or problem.title)
    return _("Sorry, that did not work. Please ask the staff for help.")


def notice(message: str, is_error: bool) -> Markup:
    """An out-of-band update of the page's ``#notice`` live region."""
    return Markup(render_template("linli/_notice.html", message=message, is_error=is_error))


def act(action: Callable[[], Any], success: str, back: str, fragment: Callable[[], str] | None = None) -> Any:
    """Run a page action from a form post.

    A post from another site is refused (403) before anything runs. The action runs in one
    transaction: committed when it returns, rolled back when it raises a problem, which is then
    shown in words (:func:`friendly`). An htmx request gets the
    re-rendered ``fragment`` with the notice; a plain post a flash and a redirect back (PRG)."""
    try:
        check_same_origin()
    except Problem as refused:
        return _answer(friendly(refused), True, back, fragment, status=refused.status)
    error = None
    try:
        with transaction():
            action()
    except Problem as problem:
        error = friendly(problem)
    return _answer(error or success, error is not None, back, fragment)


def _answer(message: str, is_error: bool, back: str, fragment: Callable[[], str] | None,
            status: int | None = None) -> Any:
    if request.headers.get("HX-Request") and fragment is not None:
        return Response(fragment() + str(notice(message, is_error)), status=status or 200)
    if status is not None:  # refused: say so here, with a way back, rather than redirect
        return render_template("linli/refused.html", message=message, back=back), status
    flash(message, "error" if is_error else "ok")
    return redirect(back, code=303)
