"""Sign-in page: the token goes into the ``linli_token`` cookie that every hub page reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.accounts import service
from linli.hub.accounts.setup import login_rate_limit
from linli.hub.activities import service as activities
from linli.shared.auth import Identity
from linli.shared.errors import Problem, Unprocessable
from linli.shared.navigation import home_url, links_for
from linli.shared.pages import act, check_same_origin, choose_community, sign_in_page, signed_in

pages = Blueprint("hub_account_pages", __name__)
COOKIE = "linli_token"


def _safe_next(target: str | None) -> str | None:
    """Only local paths (they carry their service's prefix, e.g. ``/hub/staff/rooms``): never
    redirect off-site after sign-in. None: no usable target, go to the role's home."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@pages.get("/login")
def login_form() -> Any:
    return render_template("hub/accounts/login.html", next=request.args.get("next", ""), error=None)


@pages.post("/login")
def login() -> Any:
    check_same_origin()
    username = request.form.get("username", "").strip()
    next_url = _safe_next(request.form.get("next"))
    try:
        login_rate_limit()
        issued = service.login(username, request.form.get("password", ""))
    except Problem as problem:
        if problem.status == 429:  # the error page says to wait, in the reader's language, with a way on
            raise
        message = _(problem.detail or problem.title)
        return render_template("hub/accounts/login.html", next=request.form.get("next", ""), error=message,
                               username=username), problem.status, problem.headers
    response = redirect(next_url or home_url(Identity(subject=issued.account.subject,
                                                       roles=frozenset(issued.account.roles),
                                                       communities=frozenset(issued.account.communities))),
                        code=303)
    response.set_cookie(COOKIE, issued.access_token, max_age=issued.expires_in, httponly=True, samesite="Lax",
                        secure=request.is_secure or bool(current_app.config.get("LINLI_SECURE_COOKIES")))
    return response


@pages.get("/home")
def home() -> Any:
    """Each role's home: staff see their pages across the three services; a team lead goes to the
    team page, a volunteer to the shifts; a resident sees their sign-ups and where their orders are."""
    identity = signed_in()
    if identity is None:
        return sign_in_page()
    target = home_url(identity)
    if target != request.script_root + request.path:
        return redirect(target)
    community = choose_community(identity)
    upcoming = [] if identity.is_staff else activities.my_upcoming(identity, community.id)
    groups: dict[str, list[dict[str, Any]]] = {}  # in the map's order: canteen, hub, cases
    for link in links_for(identity, community.id):
        if link["group"]:
            groups.setdefault(str(link["group"]), []).append(link)
    return render_template("hub/accounts/home.html", identity=identity, community=community, upcoming=upcoming,
                           groups=list(groups.items()))


@pages.post("/logout")
def logout() -> Any:
    check_same_origin()
    response = redirect(url_for(".login_form"), code=303)
    response.delete_cookie(COOKIE)
    return response


@pages.route("/account", methods=["GET", "POST"])
def my_account() -> Any:
    """Everyone's own page: who they are signed in as, and a password change (the first password
    staff handed over is meant to be changed here)."""
    identity = signed_in()
    if identity is None or not identity.subject.isdigit():
        return sign_in_page()
    if request.method == "POST":
        form = request.form

        def change() -> None:
            if form.get("new_password", "") != form.get("repeat_password", ""):
                raise Unprocessable(_("The two new passwords are not the same."), code="passwords_differ")
            service.change_password(identity, current_password=form.get("current_password", ""),
                                    new_password=form.get("new_password", ""))

        return act(change, _("Password changed."), url_for(".my_account"))
    return render_template("hub/accounts/me.html", account=service.account_of(identity))
