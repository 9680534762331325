"""Accounts: creation, sign-in (argon2), tokens, password change, disabling. Callable without HTTP.

A disabled account cannot sign in any more. Tokens it already holds are not revoked: they are
short-lived (``LINLI_TOKEN_TTL_MINUTES``, 60 by default) and the other services verify them offline
against the JWKS, so they stop working when they expire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from linli.hub.accounts.keys import signing_key
from linli.hub.accounts.models import ACCOUNT_KINDS, Account
from linli.hub.extensions import db
from linli.hub.people.eligibility import announce_eligibility
from linli.hub.people.models import Resident
from linli.shared.auth import ROLES, Identity, mint_token
from linli.shared.db import utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from linli.shared.passwords import hash_secret, hasher, verify_secret
from linli.shared.state import service_state

MIN_PASSWORD_LENGTH = 8
# roles a staff member may give; staff, manager and admin accounts are made by admins
STAFF_GRANTABLE = frozenset({"diner", "volunteer", "team_lead"})


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    account: Account
    token_type: str = "Bearer"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", code="weak_password")
    return hash_secret(password)


def create_account(
    actor: Identity | None,
    *,
    username: str,
    password: str,
    display_name: str,
    kind: str = "resident",
    roles: Iterable[str] = ("diner",),
    communities: Iterable[str] = (),
    resident_id: int | None = None,
    phone: str | None = None,
) -> Account:
    """Create an account. ``actor=None`` is the system (seed data, CLI)."""
    roles, communities = sorted(set(roles)), sorted(set(communities))
    if kind not in ACCOUNT_KINDS:
        raise Unprocessable(f"Unknown account kind '{kind}'.", code="unknown_kind")
    if set(roles) - set(ROLES):
        raise Unprocessable(f"Unknown roles: {sorted(set(roles) - set(ROLES))}.", code="unknown_role")
    for community_id in communities:
        if community_id != "*":
            service_state().communities.require(community_id)
    if actor is not None:
        if not actor.is_staff:
            raise Forbidden("Only staff create accounts.", code="missing_role")
        if "admin" not in actor.roles:
            if set(roles) - STAFF_GRANTABLE:
                raise Forbidden("Only an admin gives staff, manager or admin roles.", code="missing_role")
            if not communities:
                raise Unprocessable("Give the account at least one community.", code="no_community")
            for community_id in communities:
                actor.require_community(community_id)
    if db.session.scalar(sa.select(Account.id).where(Account.username == username)) is not None:
        raise Conflict(f"The username '{username}' is taken.", code="username_taken")
    account = Account(username=username, display_name=display_name, kind=kind, roles=roles,
                      communities=communities, password_hash=hash_password(password),
                      resident_id=resident_id, phone=phone)
    db.session.add(account)
    if resident_id is not None:
        resident = db.session.get(Resident, resident_id)
        if resident is None:
            raise NotFound(f"No resident {resident_id}.", code="unknown_resident")
        if actor is not None:
            actor.require_community(resident.community_id)
        db.session.flush()
        announce_eligibility(resident, account.subject)  # the canteen learns who gets the subsidy
    db.session.commit()
    return account


def get_account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound(f"No account {account_id}.", code="account_not_found")
    return account


def account_of(identity: Identity) -> Account:
    if not identity.subject.isdigit():
        raise NotFound("This token is not for a hub account.", code="account_not_found")
    return get_account(int(identity.subject))


def authenticate(username: str, password: str) -> Account:
    account = db.session.scalar(sa.select(Account).where(Account.username == username))
    # the same work whether or not the account exists
    if not verify_secret(account.password_hash if account else None, password) or account is None:
        raise Unauthorized("Wrong username or password.", code="invalid_credentials")
    if account.disabled:
        raise Forbidden("This account has been disabled; ask the residents' committee.", code="account_disabled")
    if hasher().check_needs_rehash(account.password_hash):
        account.password_hash = hash_secret(password)
    account.last_login_at = utcnow()
    db.session.commit()
    return account


def token_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=int(current_app.config.get("LINLI_TOKEN_TTL_MINUTES", 60)))


def issue_token(account: Account) -> IssuedToken:
    if account.disabled:
        raise Forbidden("This account has been disabled.", code="account_disabled")
    ttl = token_ttl()
    token = mint_token(
        signing_key(),
        issuer=current_app.config["LINLI_JWT_ISSUER"],
        audience=current_app.config["LINLI_JWT_AUDIENCE"],
        subject=account.subject,
        roles=account.roles,
        communities=account.communities,
        name=account.display_name,
        ttl=ttl,
        extra={"preferred_username": account.username},
    )
    return IssuedToken(access_token=token, expires_in=int(ttl.total_seconds()), account=account)


def login(username: str, password: str) -> IssuedToken:
    return issue_token(authenticate(username, password))


def change_password(identity: Identity, *, current_password: str, new_password: str) -> Account:
    account = account_of(identity)
    if not verify_secret(account.password_hash, current_password):
        raise Forbidden("The current password is wrong.", code="invalid_credentials")
    account.password_hash = hash_password(new_password)
    account.password_changed_at = utcnow()
    db.session.commit()
    return account


def set_disabled(actor: Identity, account_id: int, *, disabled: bool) -> Account:
    """An admin (or a manager of every community of the account) disables or re-enables an account."""
    account = get_account(account_id)
    if "admin" not in actor.roles:
        if not actor.has_role("manager"):
            raise Forbidden("Only an admin or a manager disables accounts.", code="missing_role")
        for community_id in account.communities:
            actor.require_community(community_id)
    if account.subject == actor.subject and disabled:
        raise Unprocessable("You cannot disable your own account.", code="self_disable")
    account.disabled = disabled
    account.disabled_at = utcnow() if disabled else None
    account.disabled_by = actor.subject if disabled else None
    db.session.commit()
    return account


def list_accounts(actor: Identity, *, community_id: str) -> list[Account]:
    actor.require_community(community_id)
    accounts = db.session.scalars(sa.select(Account).order_by(Account.username))
    return [a for a in accounts if community_id in a.communities or "*" in a.communities]
