"""Diner profiles: set by staff (API) or by the hub's eligibility events; callable without HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError

from linli.canteen.diners.models import DINER_ID_MAX, GROUPS, DinerProfile
from linli.canteen.extensions import db
from linli.shared.auth import Identity
from linli.shared.db import lock_for_update
from linli.shared.errors import Forbidden, NotFound, Unprocessable
from linli.shared.state import service_state

HUB_ELIGIBILITY_EVENT = "hub.resident.subsidy_eligibility"
log = structlog.get_logger("linli.canteen.diners")


def check_diner_id(diner_id: str) -> None:
    if not diner_id.strip() or len(diner_id) > DINER_ID_MAX:
        raise Unprocessable(f"A diner id has 1 to {DINER_ID_MAX} characters.", code="bad_diner_id")


def normalise_phone(text: str) -> str | None:
    """The digits of a phone number (None when there are none); a bad one is a page message."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    if not 5 <= len(digits) <= 15:
        raise Unprocessable("A phone number has 5 to 15 digits.", code="bad_phone")
    return digits


def find_profile(community_id: str, diner_id: str, *, lock: bool = False) -> DinerProfile | None:
    statement = sa.select(DinerProfile).where(DinerProfile.community_id == community_id,
                                              DinerProfile.diner_id == diner_id)
    if lock:
        statement = lock_for_update(statement)
    return db.session.execute(statement.execution_options(populate_existing=True)).scalar_one_or_none()


def get_profile(identity: Identity, *, community_id: str, diner_id: str) -> DinerProfile:
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    if not identity.is_staff and identity.subject != diner_id:
        raise Forbidden("You may only see your own profile.", code="not_your_profile")
    profile = find_profile(community_id, diner_id)
    if profile is None:
        raise NotFound("No canteen profile for this diner.", code="no_diner_profile")
    return profile


def _upsert(community_id: str, diner_id: str, values: dict[str, Any]) -> DinerProfile:
    profile = find_profile(community_id, diner_id)
    if profile is None:
        try:
            with db.session.begin_nested():
                profile = DinerProfile(community_id=community_id, diner_id=diner_id, **values)
                db.session.add(profile)
            return profile
        except IntegrityError:
            profile = find_profile(community_id, diner_id)
            assert profile is not None
    for key, value in values.items():
        setattr(profile, key, value)
    return profile


def save_profile(identity: Identity, *, community_id: str, diner_id: str, birth_date: dt.date | None,
                 groups: list[str], subsidy_eligible: bool, display_name: str = "",
                 phone: str | None = None) -> DinerProfile:
    """Staff create or replace a diner's profile (PUT semantics; ``phone`` None keeps the one on file;
    groups other than :data:`GROUPS` are left out)."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    values: dict[str, Any] = {
        "birth_date": birth_date, "groups": sorted({g for g in groups if g in GROUPS}),
        "subsidy_eligible": subsidy_eligible,
        "display_name": display_name, "source": "staff", "updated_by": identity.subject,
    }
    if phone is not None:
        values["phone"] = normalise_phone(phone)
    profile = _upsert(community_id, diner_id, values)
    db.session.commit()
    return profile


def apply_eligibility_event(payload: dict[str, Any], community_id: str | None) -> DinerProfile | None:
    """The hub says who may get the elderly meal subsidy. Inside the event's transaction."""
    community_id = community_id or payload.get("community_id")
    diner_id = str(payload.get("account_id") or payload.get("resident_id") or "")
    if not community_id or not diner_id or len(diner_id) > DINER_ID_MAX or community_id not in service_state().communities:
        return None
    values: dict[str, Any] = {"subsidy_eligible": bool(payload.get("eligible")), "source": "hub",
                              "updated_by": "hub"}
    if payload.get("birth_date"):
        try:
            values["birth_date"] = dt.date.fromisoformat(str(payload["birth_date"]))
        except ValueError:  # a bad date must not make the hub redeliver forever; keep what we had
            log.warning("diners.bad_birth_date", diner_id=diner_id)
    if "groups" in payload:
        values["groups"] = sorted({str(g) for g in payload.get("groups") or () if str(g) in GROUPS})
    if payload.get("name"):
        values["display_name"] = str(payload["name"])[:120]
    profile = _upsert(str(community_id), str(diner_id), values)
    db.session.flush()
    return profile
