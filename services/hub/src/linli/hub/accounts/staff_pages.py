"""Staff page of a community's accounts: who can sign in, with which roles; staff open accounts for
residents, volunteers and team leads (with a first password to hand over), managers and admins
disable and re-enable them. Forms go through the API's schema and the accounts service's rules."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from linli.hub.accounts import service
from linli.hub.accounts.schemas import AccountCreateSchema
from linli.hub.activities.pagekit import (
    act,
    choose_community,
    register_filters,
    sign_in_page,
    signed_in,
)
from linli.shared.auth import Identity
from linli.shared.errors import Unprocessable

pages = Blueprint("hub_staff_account_pages", __name__)
register_filters(pages)

# what staff may open, and the roles each kind of account gets
KIND_ROLES = {"resident": ["diner"], "volunteer": ["volunteer", "diner"], "team_lead": ["team_lead", "diner"]}


def _staff() -> Identity | None:
    identity = signed_in()
    return identity if identity is not None and identity.is_staff else None


@pages.get("/staff/accounts")
def accounts() -> Any:
    identity = _staff()
    if identity is None:
        return sign_in_page()
    community = choose_community(identity)
    rows = service.list_accounts(identity, community_id=community.id)
    return render_template("hub/accounts/staff.html", community=community, accounts=rows, identity=identity,
                           kinds=list(KIND_ROLES), may_disable=identity.has_role("manager"))


@pages.post("/staff/accounts")
def create() -> Any:
    identity = _staff()
    if identity is None:
        return sign_in_page()
    community = choose_community(identity)
    form = request.form

    def open_account() -> None:
        kind = form.get("kind", "")
        try:
            data = AccountCreateSchema().load({
                "username": form.get("username", "").strip().lower(), "password": form.get("password", ""),
                "display_name": form.get("display_name", "").strip(), "kind": kind,
                "roles": KIND_ROLES.get(kind, ["?"]), "communities": [community.id]})
        except ma.ValidationError as error:
            raise Unprocessable(_("Please check: %(fields)s.", fields=", ".join(
                _field(name) for name in sorted(error.normalized_messages()))), code="bad_form") from None
        service.create_account(identity, **data)

    return act(open_account, _("Account opened. Hand over the username and first password."),
               url_for(".accounts", community=community.id))


@pages.post("/staff/accounts/<int:account_id>/<any(disable, enable):change>")
def disable(account_id: int, change: str) -> Any:
    identity = _staff()
    if identity is None:
        return sign_in_page()
    community = choose_community(identity)
    message = _("Account disabled: it cannot sign in any more.") if change == "disable" else _("Account enabled.")
    return act(lambda: service.set_disabled(identity, account_id, disabled=change == "disable"), message,
               url_for(".accounts", community=community.id))


def _field(name: str) -> str:
    return {"username": _("Username"), "password": _("First password"), "display_name": _("Name"),
            "kind": _("Kind of account"), "roles": _("Kind of account")}.get(name, name)
