"""Staff page of a community's accounts: who can sign in, with which roles; staff open accounts for
residents, volunteers and team leads (with a first password to hand over), managers and admins
disable and re-enable them. Forms go through the API's schema and the accounts service's rules."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.accounts import service
from linli.hub.accounts.schemas import AccountCreateSchema
from linli.hub.templating import register_filters
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.pages import act, load_form, staff_page

pages = Blueprint("hub_staff_account_pages", __name__)
register_filters(pages)

# what staff may open, and the roles each kind of account gets
KIND_ROLES = {"resident": ["diner"], "volunteer": ["volunteer", "diner"], "team_lead": ["team_lead", "diner"]}


@pages.get("/staff/accounts")
@staff_page
def accounts(community: Community, identity: Identity) -> Any:
    rows = service.list_accounts(identity, community_id=community.id)
    return render_template("hub/accounts/staff.html", community=community, accounts=rows, identity=identity,
                           kinds=list(KIND_ROLES), may_disable=identity.has_role("manager"))


@pages.post("/staff/accounts")
@staff_page
def create(community: Community, identity: Identity) -> Any:
    form = request.form

    def open_account() -> None:
        kind = form.get("kind", "")
        data = load_form(AccountCreateSchema(), {
            "username": form.get("username", "").strip().lower(), "password": form.get("password", ""),
            "display_name": form.get("display_name", "").strip(), "kind": kind,
            "roles": KIND_ROLES.get(kind, ["?"]), "communities": [community.id]}, _field_labels())
        service.create_account(identity, **data)

    return act(open_account, _("Account opened. Hand over the username and first password."),
               url_for(".accounts", community=community.id))


@pages.post("/staff/accounts/<int:account_id>/<any(disable, enable):change>")
@staff_page
def disable(community: Community, identity: Identity, account_id: int, change: str) -> Any:
    message = _("Account disabled: it cannot sign in any more.") if change == "disable" else _("Account enabled.")
    return act(lambda: service.set_disabled(identity, account_id, disabled=change == "disable"), message,
               url_for(".accounts", community=community.id))


def _field_labels() -> dict[str, str]:
    return {"username": _("Username"), "password": _("First password"), "display_name": _("Name"),
            "kind": _("Kind of account"), "roles": _("Kind of account")}
