"""Households and residents: personal data for the staff of their community only.

Every read of a household that has a member in a special group (elderly living alone, disabled) is
written to the shared audit log (``linli_audit_log``) in the same transaction as nothing else: the
read commits its audit row before the data leaves the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import selectinload

from linli.hub.extensions import db, shared_models
from linli.hub.people.ages import age_band as age_band  # re-exported: pages and tests read it here
from linli.hub.people.ages import age_bands as age_bands
from linli.hub.people.models import GROUPS, SPECIAL_GROUPS, Household, Resident, ResidentGroup
from linli.shared.auth import Identity
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.localtime import local_today
from linli.shared.state import service_state


def require_staff(actor: Identity | None, community_id: str) -> None:
    if actor is None:
        return  # the system (seed data)
    if not actor.is_staff:
        raise Forbidden("Household data is for the residents' committee staff only.", code="missing_role")
    actor.require_community(community_id)


def create_household(actor: Identity | None, *, community_id: str, compound: str, building: str, room: str,
                     unit: str = "", phone: str | None = None, note: str = "") -> Household:
    service_state().communities.require(community_id)
    require_staff(actor, community_id)
    exists = db.session.scalar(sa.select(Household.id).where(
        Household.community_id == community_id, Household.compound == compound, Household.building == building,
        Household.unit == unit, Household.room == room))
    if exists is not None:
        raise Conflict("This household is registered already.", code="household_exists", household_id=exists)
    household = Household(community_id=community_id, compound=compound, building=building, unit=unit, room=room,
                          phone=phone, note=note)
    db.session.add(household)
    db.session.flush()
    announce_household(household)
    db.session.commit()
    return household


def announce_household(household: Household, *, active: bool = True) -> None:
    """Tell the other services a household exists or changed (cases counts one vote per household);
    the label and address only, no names or groups."""
    unit = f"{household.unit}单元" if household.unit else ""
    publish("hub.household.changed", {
        "household_id": household.id, "label": f"{household.building}号{unit}{household.room}室",
        "address": household.address, "active": active,
    }, community_id=household.community_id)


def add_resident(actor: Identity | None, household_id: int, *, name: str, gender: str | None = None,
                 birth_date: dt.date | None = None, phone: str | None = None, languages: Iterable[str] = ("zh",),
                 groups: Iterable[str] = (), note: str = "") -> Resident:
    household = _household(household_id)
    require_staff(actor, household.community_id)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise Unprocessable(f"Unknown groups: {sorted(unknown)}.", code="unknown_group")
    if birth_date is not None and birth_date > local_today():
        raise Unprocessable("The birth date is in the future.", code="bad_birth_date")
    resident = Resident(household_id=household.id, community_id=household.community_id, name=name, gender=gender,
                        birth_date=birth_date, phone=phone, languages=list(languages), note=note,
                        group_rows=[ResidentGroup(group=group) for group in sorted(set(groups))])
    db.session.add(resident)
    db.session.commit()
    return resident


def _household(household_id: int) -> Household:
    household = db.session.get(Household, household_id, options=[selectinload(Household.residents)])
    if household is None:
        raise NotFound(f"No household {household_id}.", code="household_not_found")
    return household


def find_resident_id(community_id: str, number_or_name: str) -> int:
    """A resident of the community by their number, or by their exact name when only one has it."""
    if number_or_name.isdigit():
        return int(number_or_name)
    ids = db.session.scalars(sa.select(Resident.id).where(Resident.community_id == community_id,
                                                          Resident.name == number_or_name).limit(2)).all()
    if not ids:
        raise NotFound("No resident with this name or number.", code="resident_not_found")
    if len(ids) > 1:
        raise Unprocessable("Several residents have this name; use the resident number.", code="ambiguous_name")
    return ids[0]


def is_special(household: Household) -> bool:
    return any(set(r.groups) & SPECIAL_GROUPS for r in household.residents)


def _audited_read() -> None:
    """An audited read writes: on SQLite start it as a writer (BEGIN IMMEDIATE) rather than upgrading later."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"linli_write": True})


def read_household(actor: Identity, household_id: int) -> Household:
    """A staff member of the community reads a household; special-group reads are audited."""
    _audited_read()
    household = _household(household_id)
    require_staff(actor, household.community_id)
    if is_special(household):
        _audit(actor, "household.read", [household])
    return household


def list_households(actor: Identity, *, community_id: str, group: str | None = None) -> list[Household]:
    """Households of a community (optionally those with a member in ``group``); special ones are audited."""
    service_state().communities.require(community_id)
    require_staff(actor, community_id)
    _audited_read()
    query = (sa.select(Household).where(Household.community_id == community_id)
             .options(selectinload(Household.residents)).order_by(Household.compound, Household.building,
                                                                  Household.unit, Household.room))
    if group is not None:
        query = query.where(Household.id.in_(
            sa.select(Resident.household_id).join(ResidentGroup).where(ResidentGroup.group == group)))
    households = list(db.session.scalars(query))
    special = [h for h in households if is_special(h)]
    if special:
        _audit(actor, "household.list", special)
    return households


def _audit(actor: Identity, action: str, households: Sequence[Household]) -> None:
    request_id = g.get("request_id") if has_request_context() else None
    for household in households:
        groups = sorted({grp for r in household.residents for grp in r.groups} & SPECIAL_GROUPS)
        db.session.add(shared_models.AuditLogEntry(
            actor=actor.subject, action=action, subject_type="household", subject_id=str(household.id),
            community_id=household.community_id, request_id=request_id, detail={"groups": groups}))
    db.session.commit()


def audited_read() -> None:
    """For other areas that read household data (the visit diary): start the read as a writer."""
    _audited_read()


def audit_reads(actor: Identity, action: str, households: Sequence[Household]) -> None:
    """Write (and commit) one audit row per special-group household ``actor`` read, as listings do."""
    _audit(actor, action, households)


def audit_entries(actor: Identity, *, community_id: str, limit: int = 100) -> list[object]:
    """The audit log of a community, newest first (managers and admins)."""
    if not actor.has_role("manager"):
        raise Forbidden("Only a manager reads the audit log.", code="missing_role")
    actor.require_community(community_id)
    entry = shared_models.AuditLogEntry
    return list(db.session.scalars(sa.select(entry).where(entry.community_id == community_id)
                                   .order_by(entry.id.desc()).limit(limit)))
