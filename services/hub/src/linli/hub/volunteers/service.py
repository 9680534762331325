"""Volunteers, shifts from templates, sign-up, swaps, no-shows and backfill, hours; callable without HTTP.

Never above headcount: sign-up and backfill lock the shift row (``SELECT ... FOR UPDATE``; SQLite's
single writer does the same), count the assignments that hold a place, then insert.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from flask import Flask, has_app_context

from linli.hub.activities import service as activities
from linli.hub.activities.models import Activity
from linli.hub.extensions import db
from linli.hub.volunteers.models import (
    HOLDS_PLACE,
    HourLog,
    Shift,
    ShiftAssignment,
    ShiftSwap,
    Volunteer,
    new_feed_token,
)
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.state import service_state

GENERATE_AHEAD_DAYS = 7


# --- profiles ----------------------------------------------------------------------------------


def save_profile(identity: Identity, *, community_id: str, display_name: str, account_id: str | None = None,
                 phone: str | None = None, skills: list[str] | None = None,
                 talents: list[dict[str, Any]] | None = None, availability: list[dict[str, Any]] | None = None,
                 standby: bool = False) -> Volunteer:
    """Create or update a volunteer profile: your own, or anyone's when you are staff."""
    service_state().communities.require(community_id)
    identity.require_community(community_id)
    account_id = account_id or identity.subject
    if account_id != identity.subject and not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff edit another volunteer's profile.", code="missing_role")
    if account_id == identity.subject and not identity.has_role("volunteer", *STAFF_ROLES):
        raise Forbidden("Ask the residents' committee to make you a volunteer.", code="missing_role")
    volunteer = db.session.scalars(sa.select(Volunteer).where(
        Volunteer.community_id == community_id, Volunteer.account_id == account_id)).first()
    if volunteer is None:
        volunteer = Volunteer(community_id=community_id, account_id=account_id, display_name=display_name)
        db.session.add(volunteer)
    volunteer.display_name = display_name
    volunteer.phone = phone
    volunteer.skills = list(skills or [])
    volunteer.talents = list(talents or [])
    volunteer.availability = list(availability or [])
    volunteer.standby = standby
    db.session.commit()
    return volunteer


def my_profile(identity: Identity, community_id: str) -> Volunteer:
    identity.require_community(community_id)
    volunteer = db.session.scalars(sa.select(Volunteer).where(
        Volunteer.community_id == community_id, Volunteer.account_id == identity.subject)).first()
    if volunteer is None:
        raise NotFound("You have no volunteer profile in this community yet.", code="not_a_volunteer")
    return volunteer


def rotate_feed_token(identity: Identity, community_id: str) -> Volunteer:
    """A new secret for your calendar link; the old link stops working."""
    volunteer = my_profile(identity, community_id)
    volunteer.feed_token = new_feed_token()
    db.session.commit()
    return volunteer


def get_volunteer(volunteer_id: int) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound(f"No volunteer {volunteer_id}.", code="volunteer_not_found")
    return volunteer


def list_volunteers(identity: Identity, community_id: str, *, talent: str | None = None) -> list[Volunteer]:
    identity.require_community(community_id)
    volunteers = list(db.session.scalars(sa.select(Volunteer).where(
        Volunteer.community_id == community_id, Volunteer.active.is_(True)).order_by(Volunteer.id)))
    if talent:
        needle = talent.lower()
        volunteers = [v for v in volunteers if any(
            needle in str(t.get("title_zh", "")).lower() or needle in str(t.get("title_en", "")).lower()
            for t in v.talents) or needle in [s.lower() for s in v.skills]]
    return volunteers


# --- templates and shifts ----------------------------------------------------------------------


def shift_templates(community_id: str) -> dict[str, dict[str, Any]]:
    state = service_state()
    community = state.communities.require(community_id)
    merged: dict[str, dict[str, Any]] = {}
    # pluggy calls the last registered plugin first; reverse so later plugins win
    for templates in reversed(state.hooks_for(community).shift_templates(community=community)):
        for template in templates:
            merged[template["code"]] = template
    return merged


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ).astimezone(dt.UTC)


def generate_shifts(community_id: str, template_code: str, *, start_date: dt.date, days: int = 7,
                    commit: bool = True) -> list[Shift]:
    """The template's slots on each day from ``start_date``; days already generated are kept."""
    template = shift_templates(community_id).get(template_code)
    if template is None:
        raise NotFound(f"No shift template '{template_code}' in '{community_id}'.", code="template_not_found")
    weekdays = set(template.get("weekdays") or range(7))
    wanted: list[tuple[dt.datetime, dt.datetime, int]] = []
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
        if day.weekday() in weekdays:
            wanted.extend((_at(day, slot["start"]), _at(day, slot["end"]), int(slot["headcount"]))
                          for slot in template["slots"])
    if not wanted:
        return []
    existing = set(db.session.scalars(sa.select(Shift.starts_at).where(
        Shift.community_id == community_id, Shift.template_code == template_code,
        Shift.starts_at.between(wanted[0][0], wanted[-1][0]))))
    created = []
    for starts_at, ends_at, headcount in wanted:
        if starts_at in existing:
            continue
        shift = Shift(community_id=community_id, template_code=template_code, title_zh=template["name_zh"],
                      title_en=template.get("name_en", ""), location_zh=template.get("location_zh", ""),
                      location_en=template.get("location_en", ""), room_id=template.get("room_id"),
                      starts_at=starts_at, ends_at=ends_at, headcount=headcount)
        db.session.add(shift)
        created.append(shift)
    if commit:
        db.session.commit()
    return created


def get_shift(shift_id: int, *, lock: bool = False) -> Shift:
    query = sa.select(Shift).where(Shift.id == shift_id)
    if lock:
        query = lock_for_update(query)
    shift = db.session.scalars(query).first()
    if shift is None:
        raise NotFound(f"No shift {shift_id}.", code="shift_not_found")
    return shift


def taken(shift_id: int) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).where(
        ShiftAssignment.shift_id == shift_id, ShiftAssignment.status.in_(HOLDS_PLACE))) or 0)


def list_shifts(community_id: str, *, start: dt.datetime, end: dt.datetime) -> list[tuple[Shift, int]]:
    """Shifts in a period with how many places are taken."""
    service_state().communities.require(community_id)
    counts = (sa.select(ShiftAssignment.shift_id, sa.func.count().label("n"))
              .where(ShiftAssignment.status.in_(HOLDS_PLACE)).group_by(ShiftAssignment.shift_id).subquery())
    rows = db.session.execute(
        sa.select(Shift, sa.func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.shift_id == Shift.id)
        .where(Shift.community_id == community_id, Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.starts_at, Shift.id))
    return [(shift, int(n)) for shift, n in rows]


def assignments_of(volunteer: Volunteer, *, live_only: bool = True) -> list[tuple[ShiftAssignment, Shift]]:
    query = (sa.select(ShiftAssignment, Shift).join(Shift, Shift.id == ShiftAssignment.shift_id)
             .where(ShiftAssignment.volunteer_id == volunteer.id).order_by(Shift.starts_at))
    if live_only:
        query = query.where(ShiftAssignment.status.in_(HOLDS_PLACE))
    return [(a, s) for a, s in db.session.execute(query)]


def _acting_volunteer(identity: Identity, community_id: str, volunteer_id: int | None) -> Volunteer:
    if volunteer_id is None:
        return my_profile(identity, community_id)
    volunteer = get_volunteer(volunteer_id)
    if volunteer.community_id != community_id:
        raise Unprocessable("That volunteer belongs to another community.", code="volunteer_not_in_community")
    if volunteer.account_id != identity.subject and not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff sign up other volunteers.", code="missing_role")
    return volunteer


def _place(shift: Shift, volunteer: Volunteer, **fields: Any) -> ShiftAssignment:
    """With the shift locked: give ``volunteer`` a place if the headcount allows."""
    if db.session.scalar(sa.select(ShiftAssignment.id).where(
            ShiftAssignment.shift_id == shift.id, ShiftAssignment.volunteer_id == volunteer.id,
            ShiftAssignment.status.in_(HOLDS_PLACE))) is not None:
        raise Conflict(f"{volunteer.display_name} is on this shift already.", code="already_on_shift")
    if taken(shift.id) >= shift.headcount:
        raise Conflict("This shift has all the volunteers it needs.", code="shift_full", headcount=shift.headcount)
    assignment = ShiftAssignment(shift_id=shift.id, volunteer_id=volunteer.id, **fields)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def sign_up(identity: Identity, shift_id: int, *, volunteer_id: int | None = None,
            now: dt.datetime | None = None) -> ShiftAssignment:
    now = now or utcnow()
    shift = get_shift(shift_id, lock=True)
    identity.require_community(shift.community_id)
    volunteer = _acting_volunteer(identity, shift.community_id, volunteer_id)
    if shift.starts_at <= now:
        raise Conflict("This shift has started already.", code="shift_started")
    assignment = _place(shift, volunteer, marked_by=identity.subject)
    db.session.commit()
    return assignment


def _assignment(identity: Identity, assignment_id: int) -> tuple[ShiftAssignment, Shift]:
    assignment = db.session.get(ShiftAssignment, assignment_id)
    if assignment is None:
        raise NotFound(f"No shift assignment {assignment_id}.", code="assignment_not_found")
    shift = get_shift(assignment.shift_id, lock=True)
    db.session.refresh(assignment)
    identity.require_community(shift.community_id)
    return assignment, shift


def _own_or_staff(identity: Identity, assignment: ShiftAssignment) -> None:
    if get_volunteer(assignment.volunteer_id).account_id != identity.subject and not identity.has_role(*STAFF_ROLES):
        raise Forbidden("This is another volunteer's shift.", code="not_yours")


def cancel(identity: Identity, assignment_id: int, *, now: dt.datetime | None = None) -> ShiftAssignment:
    now = now or utcnow()
    assignment, shift = _assignment(identity, assignment_id)
    _own_or_staff(identity, assignment)
    if assignment.status != "signed_up":
        raise Conflict(f"The assignment is {assignment.status}.", code="not_active")
    if shift.starts_at <= now and not identity.has_role(*STAFF_ROLES):
        raise Conflict("The shift has started; ask staff.", code="shift_started")
    assignment.status = "cancelled"
    assignment.marked_by = identity.subject
    db.session.commit()
    return assignment


def propose_swap(identity: Identity, assignment_id: int, *, to_volunteer_id: int,
                 exchange_assignment_id: int | None = None, now: dt.datetime | None = None) -> ShiftSwap:
    """Offer your shift to another volunteer (hand-over) or to exchange it for one of theirs.

    The other volunteer accepts or declines; when staff propose it, it takes effect at once."""
    now = now or utcnow()
    given = db.session.get(ShiftAssignment, assignment_id)
    if given is None:
        raise NotFound(f"No shift assignment {assignment_id}.", code="assignment_not_found")
    _own_or_staff(identity, given)
    shift = get_shift(given.shift_id)
    identity.require_community(shift.community_id)
    target = get_volunteer(to_volunteer_id)
    if target.community_id != shift.community_id or not target.active or target.id == given.volunteer_id:
        raise Unprocessable("Swap only with another active volunteer of this community.",
                            code="volunteer_not_in_community")
    proposal = ShiftSwap(community_id=shift.community_id, assignment_id=given.id, to_volunteer_id=target.id,
                         exchange_assignment_id=exchange_assignment_id, requested_by=identity.subject)
    _check_swappable(proposal, now)
    db.session.add(proposal)
    if identity.has_role(*STAFF_ROLES):
        _carry_out(identity, proposal, now)
    db.session.commit()
    return proposal


def answer_swap(identity: Identity, swap_id: int, *, accept: bool, now: dt.datetime | None = None) -> ShiftSwap:
    """The volunteer a swap was offered to accepts (it takes effect) or declines it."""
    now = now or utcnow()
    proposal = db.session.get(ShiftSwap, swap_id)
    if proposal is None:
        raise NotFound(f"No swap {swap_id}.", code="swap_not_found")
    identity.require_community(proposal.community_id)
    if get_volunteer(proposal.to_volunteer_id).account_id != identity.subject:
        raise Forbidden("This swap was offered to someone else.", code="not_yours")
    if proposal.status != "pending":
        raise Conflict(f"The swap was {proposal.status} already.", code="already_decided")
    if accept:
        _carry_out(identity, proposal, now)
    else:
        proposal.status = "declined"
        proposal.decided_at = now
    db.session.commit()
    return proposal


def swaps_for(volunteer: Volunteer) -> list[ShiftSwap]:
    """Pending swaps offered to this volunteer."""
    return list(db.session.scalars(sa.select(ShiftSwap).where(
        ShiftSwap.to_volunteer_id == volunteer.id, ShiftSwap.status == "pending").order_by(ShiftSwap.id)))


def offered_swaps(volunteer: Volunteer) -> list[tuple[ShiftSwap, Shift, Shift | None, str]]:
    """Pending swaps offered to this volunteer, each with the shift offered, the shift asked for in
    exchange (None when it is a plain hand-over) and the name of the volunteer offering it."""
    offers = []
    for swap in swaps_for(volunteer):
        given = db.session.get(ShiftAssignment, swap.assignment_id)
        back = db.session.get(ShiftAssignment, swap.exchange_assignment_id) if swap.exchange_assignment_id else None
        assert given is not None  # a swap's assignment is never deleted
        offers.append((swap, get_shift(given.shift_id), get_shift(back.shift_id) if back else None,
                       get_volunteer(given.volunteer_id).display_name))
    return offers


def _check_swappable(proposal: ShiftSwap, now: dt.datetime) -> None:
    given = db.session.get(ShiftAssignment, proposal.assignment_id)
    if given is None or given.status != "signed_up" or get_shift(given.shift_id).starts_at <= now:
        raise Conflict("Only a shift that has not started can be swapped.", code="not_swappable")
    if proposal.exchange_assignment_id is not None:
        back = db.session.get(ShiftAssignment, proposal.exchange_assignment_id)
        if (back is None or back.volunteer_id != proposal.to_volunteer_id or back.status != "signed_up"
                or get_shift(back.shift_id).starts_at <= now):
            raise Conflict("The other shift is not theirs to exchange.", code="not_swappable")


def _carry_out(identity: Identity, proposal: ShiftSwap, now: dt.datetime) -> None:
    """Lock the shifts involved in id order (no deadlock between two swaps), re-check, move."""
    given = db.session.get(ShiftAssignment, proposal.assignment_id)
    back = db.session.get(ShiftAssignment, proposal.exchange_assignment_id) if proposal.exchange_assignment_id else None
    assert given is not None
    shift_ids = sorted({given.shift_id} | ({back.shift_id} if back else set()))
    shifts = {s.id: s for s in db.session.scalars(
        lock_for_update(sa.select(Shift).where(Shift.id.in_(shift_ids)).order_by(Shift.id)))}
    for assignment in (given, back):
        if assignment is not None:
            db.session.refresh(assignment)
    _check_swappable(proposal, now)
    moves = [(given, get_volunteer(proposal.to_volunteer_id))]
    if back is not None:
        moves.append((back, get_volunteer(given.volunteer_id)))
    for old, new_volunteer in moves:
        old.status = "swapped_out"
        old.marked_by = identity.subject
        db.session.flush()
        _place(shifts[old.shift_id], new_volunteer, swapped_from_id=old.id, marked_by=identity.subject)
    proposal.status = "accepted"
    proposal.decided_at = now


def mark_no_show(identity: Identity, assignment_id: int, *, backfill_with_standby: bool = True,
                 now: dt.datetime | None = None) -> dict[str, ShiftAssignment | None]:
    """Staff record that a volunteer did not come; a standby volunteer fills the slot when one is free."""
    now = now or utcnow()
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff mark no-shows.", code="missing_role")
    assignment, shift = _assignment(identity, assignment_id)
    if assignment.status != "signed_up":
        raise Conflict(f"The assignment is {assignment.status}.", code="not_active")
    if shift.starts_at > now:
        raise Conflict("Nobody is a no-show before the shift starts.", code="shift_not_started")
    assignment.status = "no_show"
    assignment.marked_by = identity.subject
    db.session.flush()
    replacement = _backfill(identity, shift, None, now) if backfill_with_standby else None
    db.session.commit()
    return {"no_show": assignment, "backfill": replacement}


def backfill(identity: Identity, shift_id: int, *, volunteer_id: int | None = None,
             now: dt.datetime | None = None) -> ShiftAssignment:
    """Fill a free place of a shift with a named volunteer or the first free standby volunteer."""
    now = now or utcnow()
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff backfill shifts.", code="missing_role")
    shift = get_shift(shift_id, lock=True)
    identity.require_community(shift.community_id)
    replacement = _backfill(identity, shift, volunteer_id, now)
    if replacement is None:
        raise Conflict("No standby volunteer is free for this shift.", code="no_standby")
    db.session.commit()
    return replacement


def _backfill(identity: Identity, shift: Shift, volunteer_id: int | None, now: dt.datetime) -> ShiftAssignment | None:
    missed = db.session.scalar(sa.select(ShiftAssignment.id).where(
        ShiftAssignment.shift_id == shift.id, ShiftAssignment.status == "no_show")
        .order_by(ShiftAssignment.id.desc()).limit(1))
    if volunteer_id is not None:
        volunteer = get_volunteer(volunteer_id)
        if volunteer.community_id != shift.community_id:
            raise Unprocessable("That volunteer belongs to another community.", code="volunteer_not_in_community")
        return _place(shift, volunteer, backfill_of_id=missed, marked_by=identity.subject)
    if taken(shift.id) >= shift.headcount:
        return None
    busy = sa.select(ShiftAssignment.volunteer_id).join(Shift, Shift.id == ShiftAssignment.shift_id).where(
        ShiftAssignment.status.in_(HOLDS_PLACE), Shift.starts_at < shift.ends_at, Shift.ends_at > shift.starts_at)
    candidates = db.session.scalars(sa.select(Volunteer).where(
        Volunteer.community_id == shift.community_id, Volunteer.standby.is_(True), Volunteer.active.is_(True),
        Volunteer.id.not_in(busy)).order_by(Volunteer.id)).all()
    if not candidates:
        return None
    # who said they are free then comes first; then who gave no availability at all
    standby = min(candidates, key=lambda v: (0 if available(v, shift) else 1 if not v.availability else 2, v.id))
    return _place(shift, standby, backfill_of_id=missed, marked_by=identity.subject)


def available(volunteer: Volunteer, shift: Shift) -> bool:
    """Whether the volunteer's stated availability (local weekday and times) covers the shift."""
    start, end = shift.starts_at.astimezone(LOCAL_TZ), shift.ends_at.astimezone(LOCAL_TZ)
    return any(int(w.get("weekday", -1)) == start.weekday() and str(w.get("start", "")) <= f"{start:%H:%M}"
               and f"{end:%H:%M}" <= str(w.get("end", "")) for w in volunteer.availability)


def mark_attended(identity: Identity, assignment_id: int) -> ShiftAssignment:
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff record attendance.", code="missing_role")
    assignment, _shift = _assignment(identity, assignment_id)
    if assignment.status not in HOLDS_PLACE:
        raise Conflict(f"The assignment is {assignment.status}.", code="not_active")
    assignment.status = "attended"
    assignment.marked_by = identity.subject
    db.session.commit()
    return assignment


# --- hours -------------------------------------------------------------------------------------


def log_hours(identity: Identity, *, community_id: str, work_date: dt.date, minutes: int, note: str = "",
              shift_id: int | None = None, now: dt.datetime | None = None) -> HourLog:
    """A volunteer logs their own hours; they wait for staff approval."""
    volunteer = my_profile(identity, community_id)
    if work_date > local_today(now):
        raise Unprocessable("Hours cannot be logged for a day still to come.", code="future_date")
    if shift_id is not None:
        _check_shift_hours(volunteer, shift_id, community_id)
    entry = HourLog(volunteer_id=volunteer.id, community_id=community_id, shift_id=shift_id,
                    work_date=work_date, minutes=minutes, note=note, status="pending")
    db.session.add(entry)
    db.session.commit()
    return entry


def _check_shift_hours(volunteer: Volunteer, shift_id: int, community_id: str) -> None:
    """Hours for a shift: the volunteer was on it, and logs it once."""
    if get_shift(shift_id).community_id != community_id:
        raise Unprocessable("That shift belongs to another community.", code="shift_not_in_community")
    on_shift = db.session.scalar(sa.select(ShiftAssignment.id).where(
        ShiftAssignment.shift_id == shift_id, ShiftAssignment.volunteer_id == volunteer.id,
        ShiftAssignment.status.in_(HOLDS_PLACE)))
    if on_shift is None:
        raise Unprocessable("You were not on that shift.", code="not_on_shift")
    logged = db.session.scalar(sa.select(HourLog.id).where(
        HourLog.volunteer_id == volunteer.id, HourLog.shift_id == shift_id, HourLog.status != "rejected"))
    if logged is not None:
        raise Conflict("Hours for that shift are logged already.", code="already_logged")


def decide_hours(identity: Identity, hours_id: int, *, approve: bool, now: dt.datetime | None = None) -> HourLog:
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only staff approve hours.", code="missing_role")
    entry = db.session.scalars(lock_for_update(sa.select(HourLog).where(HourLog.id == hours_id))).first()
    if entry is None:
        raise NotFound(f"No hours entry {hours_id}.", code="hours_not_found")
    identity.require_community(entry.community_id)
    if get_volunteer(entry.volunteer_id).account_id == identity.subject:
        raise Forbidden("Someone else approves your own hours.", code="own_hours")
    if entry.status != "pending":
        raise Conflict(f"These hours were {entry.status} already.", code="already_decided")
    entry.status = "approved" if approve else "rejected"
    entry.decided_by = identity.subject
    entry.decided_at = now or utcnow()
    db.session.commit()
    return entry


def list_hours(identity: Identity, community_id: str, *, status: str | None = None) -> list[HourLog]:
    """Staff see everyone's hours in the community, a volunteer their own."""
    identity.require_community(community_id)
    query = sa.select(HourLog).where(HourLog.community_id == community_id).order_by(HourLog.id.desc())
    if not identity.has_role(*STAFF_ROLES):
        query = query.where(HourLog.volunteer_id == my_profile(identity, community_id).id)
    if status:
        query = query.where(HourLog.status == status)
    return list(db.session.scalars(query))


def hours_totals(volunteer: Volunteer) -> dict[str, int]:
    rows = db.session.execute(sa.select(HourLog.status, sa.func.sum(HourLog.minutes))
                              .where(HourLog.volunteer_id == volunteer.id).group_by(HourLog.status)).all()
    totals = {status: int(minutes or 0) for status, minutes in rows}
    return {"approved_minutes": totals.get("approved", 0), "pending_minutes": totals.get("pending", 0)}


# --- activities volunteers run -----------------------------------------------------------------


def register_activity(identity: Identity, *, community_id: str, **fields: Any) -> Activity:
    """A volunteer registers an activity they run (e.g. a talent teaching calligraphy)."""
    volunteer = my_profile(identity, community_id)
    return activities.create_activity(identity, community_id=community_id, organiser_kind="volunteer",
                                      organiser_ref=str(volunteer.id), organiser_name=volunteer.display_name,
                                      **fields)


# --- tick --------------------------------------------------------------------------------------


def tick(app: Flask, now: dt.datetime | None = None) -> dict[str, int]:
    """Keep a week of shifts generated ahead from every community's templates (idempotent)."""
    made = 0
    with nullcontext() if has_app_context() else app.app_context():
        state = service_state()
        for community_id in state.communities:
            for code in shift_templates(community_id):
                made += len(generate_shifts(community_id, code, start_date=local_today(now),
                                            days=GENERATE_AHEAD_DAYS))
    return {"volunteer_shifts_generated": made}
