"""The visit diary (民情日记): households contracted to staff, visits, what is due, the Monday report.

Personal data: only staff of the household's community read or write it, and every read of a
special-group household (a due list that shows it, its visits) writes an audit row through the
people service's audit log, committed before the data leaves the service.

Time: "today" is the date in Shanghai of the moment given (``now``, default the clock), and the
due buckets are computed from it at read time: ``overdue`` (due before today), ``never`` (no
visit yet), ``today``, ``this_week`` (due by Sunday of the ISO week in Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from linli.hub.extensions import db
from linli.hub.people import service as people
from linli.hub.people.models import Household
from linli.hub.roster.models import StaffMember
from linli.hub.roster.service import (
    local_today,
    monday_of,
    require_manager,
    staff_for_account,
    staff_member,
)
from linli.hub.visits.models import CASE_STATES as CASE_STATES  # for the pages
from linli.hub.visits.models import (
    NEEDS,
    PROBLEM_CATEGORIES,
    VISIT_KINDS,
    HouseholdAssignment,
    Visit,
)
from linli.hub.visits.rules import HouseholdProfile, VisitRule
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.state import service_state

PROBLEM_EVENT = "hub.visit.problem_found"
MAX_BACKDATE_DAYS = 366
BUCKETS = ("overdue", "never", "today", "this_week")
CASE_STATES_ORDER = {"sent": -1, "reported": 0, "resolved": 8, "closed": 9}  # any other state: 1


# --- rules and plans --------------------------------------------------------------------------


def profile_of(household: Household, today: dt.date) -> HouseholdProfile:
    ages = tuple(sorted(
        today.year - r.birth_date.year - ((today.month, today.day) < (r.birth_date.month, r.birth_date.day))
        for r in household.residents if r.birth_date is not None))
    groups = frozenset(g for r in household.residents for g in r.groups)
    return HouseholdProfile(id=household.id, community_id=household.community_id, groups=groups, ages=ages)


def rule_for(community: Community, household: Household, today: dt.date) -> VisitRule:
    rule = service_state().hooks_for(community).visit_frequency(community=community,
                                                               household=profile_of(household, today))
    if not isinstance(rule, VisitRule):
        raise TypeError(f"visit_frequency returned {rule!r}, not a VisitRule")
    return rule


def _apply_plan(plan: HouseholdAssignment, household: Household, community: Community, today: dt.date) -> None:
    rule = rule_for(community, household, today)
    plan.interval_days, plan.rule = rule.interval_days, rule.label[:64]
    plan.special = people.is_special(household)
    plan.due_on = _due_on(plan)


def _due_on(plan: HouseholdAssignment) -> dt.date | None:
    if plan.last_visited_on is None:
        return None
    due = plan.last_visited_on + dt.timedelta(days=plan.interval_days)
    follow_up = db.session.scalar(sa.select(Visit.follow_up_on).where(
        Visit.household_id == plan.household_id, Visit.visited_on == plan.last_visited_on,
        Visit.follow_up_on.is_not(None)).order_by(Visit.follow_up_on).limit(1))
    return min(due, follow_up) if follow_up else due


def refresh_plans(community_id: str, now: dt.datetime | None = None) -> int:
    """Re-ask the rules for every household of a community (groups or plugins may have changed)."""
    community = service_state().communities.require(community_id)
    today = local_today(now)
    plans = {p.household_id: p for p in db.session.scalars(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.community_id == community_id))}
    changed = 0
    for household in _households(list(plans)):
        plan = plans[household.id]
        before = (plan.interval_days, plan.special, plan.due_on)
        _apply_plan(plan, household, community, today)
        changed += before != (plan.interval_days, plan.special, plan.due_on)
    db.session.commit()
    return changed


def _households(ids: Sequence[int]) -> list[Household]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Household).where(Household.id.in_(ids))
                                   .options(selectinload(Household.residents))))


# --- assignment -------------------------------------------------------------------------------


def _community_households(community_id: str, household_ids: Iterable[int]) -> list[Household]:
    ids = sorted(set(household_ids))
    households = _households(ids)
    found = {h.id: h for h in households}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Unprocessable(f"No households {missing}.", code="household_not_found")
    elsewhere = [h.id for h in households if h.community_id != community_id]
    if elsewhere:
        raise Unprocessable(f"Households {elsewhere} belong to another community.", code="household_elsewhere")
    return households


def assign(actor: Identity | None, *, community_id: str, staff_id: int, household_ids: Iterable[int],
           now: dt.datetime | None = None) -> int:
    """Contract households to one staff member (bulk; a household has one staff member at a time)."""
    community = service_state().communities.require(community_id)
    require_manager(actor, community_id)
    staff_member(community_id, staff_id)
    households = _community_households(community_id, household_ids)
    _assign(community, households, [staff_id] * len(households), local_today(now))
    db.session.commit()
    return len(households)


def _assign(community: Community, households: Sequence[Household], staff_ids: Sequence[int],
            today: dt.date) -> None:
    plans = {p.household_id: p for p in db.session.scalars(lock_for_update(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.household_id.in_([h.id for h in households]))))}
    last = dict(db.session.execute(sa.select(Visit.household_id, sa.func.max(Visit.visited_on)).where(
        Visit.household_id.in_([h.id for h in households])).group_by(Visit.household_id)).tuples().all())
    for household, staff_id in zip(households, staff_ids, strict=True):
        plan = plans.get(household.id)
        if plan is None:
            plan = HouseholdAssignment(household_id=household.id, community_id=community.id, staff_id=staff_id)
            db.session.add(plan)
        plan.staff_id, plan.assigned_at = staff_id, utcnow()
        plan.last_visited_on = last.get(household.id)
        _apply_plan(plan, household, community, today)


def balance(actor: Identity | None, *, community_id: str, leaving_staff_id: int | None = None,
            now: dt.datetime | None = None) -> dict[int, int]:
    """Give every unassigned household (and, when someone leaves, theirs) to the active staff with
    the fewest, special-group households spread first so that each has a fair share of them.
    The leaving staff member is made inactive. Returns staff id -> households now."""
    community = service_state().communities.require(community_id)
    require_manager(actor, community_id)
    if leaving_staff_id is not None:
        staff_member(community_id, leaving_staff_id).active = False
        db.session.flush()
    staff = [m.id for m in db.session.scalars(sa.select(StaffMember).where(
        StaffMember.community_id == community_id, StaffMember.active.is_(True)).order_by(StaffMember.id))]
    if not staff:
        raise Unprocessable("No active staff to assign households to.", code="not_enough_staff")
    plans = list(db.session.scalars(lock_for_update(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.community_id == community_id))))
    kept = [p for p in plans if p.staff_id in staff]
    load = {sid: [0, 0] for sid in staff}  # staff -> [special, all]
    for plan in kept:
        load[plan.staff_id][0] += plan.special
        load[plan.staff_id][1] += 1
    kept_ids = {p.household_id for p in kept}
    todo = [h for h in db.session.scalars(sa.select(Household).where(Household.community_id == community_id)
                                          .options(selectinload(Household.residents)).order_by(Household.id))
            if h.id not in kept_ids]
    todo.sort(key=lambda h: not people.is_special(h))
    chosen = []
    for household in todo:
        special = people.is_special(household)
        sid = min(staff, key=lambda s: (load[s][0] if special else 0, load[s][1], s))
        load[sid][0] += special
        load[sid][1] += 1
        chosen.append(sid)
    _assign(community, todo, chosen, local_today(now))
    db.session.commit()
    return {sid: counts[1] for sid, counts in load.items()}


# --- visits -----------------------------------------------------------------------------------


def _actor_staff(actor: Identity, community_id: str, staff_id: int | None) -> StaffMember:
    if staff_id is not None:
        return staff_member(community_id, staff_id)
    member = staff_for_account(community_id, actor.subject)
    if member is None or not member.active:
        raise Unprocessable("You are not on this community's staff list; say who visited.", code="unknown_staff")
    return member


def record_visit(actor: Identity, *, community_id: str, household_id: int, visited_on: dt.date, kind: str,
                 findings: str = "", needs: Sequence[str] = (), follow_up_on: dt.date | None = None,
                 staff_id: int | None = None, problem: dict[str, Any] | None = None,
                 now: dt.datetime | None = None) -> Visit:
    """Write a visit into the diary and move the household's plan on; a problem found opens a case."""
    community = service_state().communities.require(community_id)
    people.require_staff(actor, community_id)
    today = local_today(now)
    if visited_on > today:
        raise Unprocessable("A visit cannot be dated in the future.", code="visit_in_future")
    if visited_on < today - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise Unprocessable("A visit more than a year ago cannot be entered.", code="visit_too_old")
    if follow_up_on is not None and follow_up_on < visited_on:
        raise Unprocessable("The follow-up date is before the visit.", code="bad_follow_up")
    if kind not in VISIT_KINDS or set(needs) - set(NEEDS):
        raise Unprocessable("Unknown kind of visit or need.", code="bad_visit")
    staff = _actor_staff(actor, community_id, staff_id)
    (household,) = _community_households(community_id, [household_id])
    visit = Visit(community_id=community_id, household_id=household.id, staff_id=staff.id, visited_on=visited_on,
                  kind=kind, findings=findings, needs=sorted(set(needs)), follow_up_on=follow_up_on,
                  recorded_by=actor.subject)
    db.session.add(visit)
    db.session.flush()
    plan = db.session.scalars(lock_for_update(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.household_id == household.id))).first()
    if plan is None:  # a household nobody had yet: it is now the visitor's
        plan = HouseholdAssignment(household_id=household.id, community_id=community_id, staff_id=staff.id)
        db.session.add(plan)
    if plan.last_visited_on is None or visited_on >= plan.last_visited_on:
        plan.last_visited_on = visited_on
    _apply_plan(plan, household, community, today)
    if problem:
        _raise_problem(visit, household, **problem)
    db.session.commit()
    return visit


def raise_problem(actor: Identity, visit_id: int, *, title: str, category: str, description: str = "") -> Visit:
    """Raise what a visit found as a problem: the cases service opens one case for it."""
    visit = db.session.scalars(lock_for_update(sa.select(Visit).where(Visit.id == visit_id))).first()
    if visit is None:
        raise NotFound(f"No visit {visit_id}.", code="visit_not_found")
    people.require_staff(actor, visit.community_id)
    if visit.problem_raised_at is not None:
        db.session.rollback()
        raise Conflict("A problem was raised from this visit already.", code="problem_raised",
                       case_reference=visit.case_reference)
    _raise_problem(visit, db.session.get_one(Household, visit.household_id), title=title, category=category,
                   description=description)
    db.session.commit()
    return visit


def _raise_problem(visit: Visit, household: Household, *, title: str, category: str, description: str = "") -> None:
    if category not in PROBLEM_CATEGORIES or not title.strip():
        raise Unprocessable("A problem needs a title and a known category.", code="bad_problem")
    visit.problem_title, visit.problem_category, visit.problem_raised_at = title.strip(), category, utcnow()
    visit.case_state = "sent"
    visit.problem_event_id = publish(PROBLEM_EVENT, {
        "title": visit.problem_title, "description": description, "visit_id": str(visit.id),
        "household_id": household.id, "household_label": household.address, "category": category,
        "found_at": visit.problem_raised_at.isoformat()}, community_id=visit.community_id)


def case_update(event_type: str, payload: dict[str, Any], community_id: str | None) -> None:
    """``cases.case.opened`` / ``cases.case.resolved`` about a case we asked for: show it on the visit.
    ``source_ref`` names our ``hub.visit.problem_found`` event (the cases service keeps one case per
    event id) or the visit id.
    Events may arrive out of order: a resolved case is never set back to opened."""
    if payload.get("source_event_type") != PROBLEM_EVENT:
        return
    ref = str(payload.get("source_ref") or "")
    visit = db.session.scalars(sa.select(Visit).where(Visit.problem_event_id == ref)).first()
    if visit is None and ref.isdigit():  # a receiver that names the visit instead of our event
        visit = db.session.get(Visit, int(ref))
    if visit is None or (community_id is not None and visit.community_id != community_id):
        return
    state = str(payload.get("state") or event_type.rsplit(".", 1)[-1])[:32]
    if CASE_STATES_ORDER.get(state, 1) >= CASE_STATES_ORDER.get(visit.case_state or "sent", 1):
        visit.case_state = state
    visit.case_id = str(payload.get("case_id") or visit.case_id or "")[:64] or None
    visit.case_reference = str(payload.get("reference") or visit.case_reference or "")[:64] or None


def household_visits(actor: Identity, household_id: int) -> tuple[Household, list[Visit]]:
    """A household and its visits, newest first; reading a special-group household's is audited."""
    people.audited_read()
    household = db.session.get(Household, household_id, options=[selectinload(Household.residents)])
    if household is None:
        raise NotFound(f"No household {household_id}.", code="household_not_found")
    people.require_staff(actor, household.community_id)
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.household_id == household_id)
                                     .order_by(Visit.visited_on.desc(), Visit.id.desc())))
    if people.is_special(household):
        people.audit_reads(actor, "visits.read", [household])
    return household, visits


def get_visit(actor: Identity, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"No visit {visit_id}.", code="visit_not_found")
    household_visits(actor, visit.household_id)  # the same access check and audit
    return visit


# --- what is due ------------------------------------------------------------------------------


@dataclass
class DueItem:
    household: Household
    plan: HouseholdAssignment
    bucket: str
    days_overdue: int  # > 0 overdue, 0 due today, < 0 due in that many days

    @property
    def groups(self) -> list[str]:
        return sorted({g for r in self.household.residents for g in r.groups})


def bucket_of(due_on: dt.date | None, today: dt.date) -> tuple[str, int] | None:
    """Which due bucket a plan is in today, or None when it is not due this week."""
    if due_on is None:
        return "never", 0
    days = (today - due_on).days
    if days > 0:
        return "overdue", days
    if days == 0:
        return "today", 0
    if due_on <= monday_of(today) + dt.timedelta(days=6):
        return "this_week", days
    return None


def due_list(actor: Identity, *, community_id: str, staff_id: int | None = None,
             now: dt.datetime | None = None) -> list[DueItem]:
    """One staff member's households due this week, most urgent first: overdue by most days, never
    visited (special groups first), due today, due later this week."""
    service_state().communities.require(community_id)
    people.require_staff(actor, community_id)
    people.audited_read()
    staff = _actor_staff(actor, community_id, staff_id)
    today = local_today(now)
    sunday = monday_of(today) + dt.timedelta(days=6)
    plans = list(db.session.scalars(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.staff_id == staff.id,
        sa.or_(HouseholdAssignment.due_on.is_(None), HouseholdAssignment.due_on <= sunday))))
    households = {h.id: h for h in _households([p.household_id for p in plans])}
    items = []
    for plan in plans:
        bucket, days = bucket_of(plan.due_on, today) or ("", 0)
        items.append(DueItem(households[plan.household_id], plan, bucket, days))
    rank = {b: i for i, b in enumerate(BUCKETS)}
    items.sort(key=lambda i: (rank[i.bucket], -i.days_overdue, not i.plan.special, i.plan.interval_days,
                              i.household.id))
    special = [i.household for i in items if i.plan.special]
    if special:
        people.audit_reads(actor, "visits.due_list", special)
    return items


@dataclass
class StaffOverview:
    staff: StaffMember
    households: int = 0
    special: int = 0
    never: int = 0
    overdue: int = 0
    overdue_special: int = 0
    due_today: int = 0
    due_this_week: int = 0
    visits_last_7_days: int = 0


def overview(actor: Identity, *, community_id: str | None = None, now: dt.datetime | None = None) -> list[StaffOverview]:
    """Per staff member: households, special ones, never visited, overdue, due today and this week.
    ``community_id=None`` is the whole subdistrict (the communities the manager acts for)."""
    if not actor.has_role("manager"):
        raise Forbidden("The overview is for managers.", code="missing_role")
    communities = [community_id] if community_id else [c for c in service_state().communities
                                                        if actor.belongs_to(c)]
    for cid in communities:
        service_state().communities.require(cid)
        actor.require_community(cid)
    today = local_today(now)
    sunday = monday_of(today) + dt.timedelta(days=6)
    plan = HouseholdAssignment

    def count(condition: Any) -> Any:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = db.session.execute(
        sa.select(plan.staff_id, sa.func.count(), count(plan.special.is_(True)), count(plan.due_on.is_(None)),
                  count(plan.due_on < today), count(sa.and_(plan.due_on < today, plan.special.is_(True))),
                  count(plan.due_on == today), count(sa.and_(plan.due_on > today, plan.due_on <= sunday)))
        .where(plan.community_id.in_(communities)).group_by(plan.staff_id)).all()
    visits = dict(db.session.execute(sa.select(Visit.staff_id, sa.func.count()).where(
        Visit.community_id.in_(communities), Visit.visited_on > today - dt.timedelta(days=7),
        Visit.visited_on <= today).group_by(Visit.staff_id)).tuples().all())
    staff = {m.id: m for m in db.session.scalars(sa.select(StaffMember).where(
        StaffMember.community_id.in_(communities)).order_by(StaffMember.id))}
    result = {sid: StaffOverview(m) for sid, m in staff.items() if m.active}
    for sid, total, special, never, overdue, overdue_special, due_today, due_week in rows:
        item = result.setdefault(sid, StaffOverview(staff[sid]))
        item.households, item.special, item.never = total, int(special or 0), int(never or 0)
        item.overdue, item.overdue_special = int(overdue or 0), int(overdue_special or 0)
        item.due_today, item.due_this_week = int(due_today or 0), int(due_week or 0)
    for sid, n in visits.items():
        if sid in result:
            result[sid].visits_last_7_days = n
    return sorted(result.values(), key=lambda o: (-o.overdue_special, -o.overdue, o.staff.id))


# --- the Monday meeting report (例会汇报) -------------------------------------------------------


@dataclass
class StaffWeek:
    staff: StaffMember
    households: int = 0
    visits_made: int = 0
    households_due: int = 0
    due_visited: int = 0
    special: int = 0
    special_visited: int = 0
    special_visits: int = 0
    special_visits_expected: int = 0
    overdue_at_end: int = 0
    needs: dict[str, int] = field(default_factory=dict)
    problems: list[Visit] = field(default_factory=list)

    @property
    def special_coverage(self) -> float:
        return self.special_visited / self.special if self.special else 1.0


def weekly_report(actor: Identity, *, community_id: str, monday: dt.date | None = None,
                  staff_id: int | None = None, now: dt.datetime | None = None) -> tuple[dt.date, list[StaffWeek]]:
    """Per staff member for one week (default: last week, the one the Monday meeting reviews):
    visits made vs households due, special-group coverage, overdue households at the week's end,
    needs raised, problems raised and their case state."""
    service_state().communities.require(community_id)
    people.require_staff(actor, community_id)
    if monday is None:
        monday = monday_of(local_today(now)) - dt.timedelta(days=7)
    if monday.weekday() != 0:
        raise Unprocessable("A report week starts on a Monday.", code="not_a_monday")
    sunday = monday + dt.timedelta(days=6)
    query = sa.select(StaffMember).where(StaffMember.community_id == community_id).order_by(StaffMember.id)
    if staff_id is not None:
        staff_member(community_id, staff_id, active=False)
        query = query.where(StaffMember.id == staff_id)
    staff = {m.id: m for m in db.session.scalars(query)}
    plans = list(db.session.scalars(sa.select(HouseholdAssignment).where(
        HouseholdAssignment.community_id == community_id, HouseholdAssignment.staff_id.in_(list(staff)))))
    theirs = sa.select(HouseholdAssignment.household_id).where(
        HouseholdAssignment.community_id == community_id, HouseholdAssignment.staff_id.in_(list(staff)))
    before = dict(db.session.execute(sa.select(Visit.household_id, sa.func.max(Visit.visited_on)).where(
        Visit.household_id.in_(theirs), Visit.visited_on < monday).group_by(Visit.household_id)).tuples().all())
    week = list(db.session.scalars(sa.select(Visit).where(
        Visit.community_id == community_id, Visit.visited_on.between(monday, sunday),
        sa.or_(Visit.household_id.in_(theirs), Visit.staff_id.in_(list(staff)))).order_by(Visit.id)))
    in_week: dict[int, list[Visit]] = defaultdict(list)
    for visit in week:
        in_week[visit.household_id].append(visit)
    report = {sid: StaffWeek(m) for sid, m in staff.items() if m.active or any(v.staff_id == sid for v in week)}
    for plan in plans:
        row = report.setdefault(plan.staff_id, StaffWeek(staff[plan.staff_id]))
        row.households += 1
        last = before.get(plan.household_id)
        visited = in_week.get(plan.household_id, [])
        due_from = None if last is None else last + dt.timedelta(days=plan.interval_days)
        if due_from is None or due_from <= sunday:
            row.households_due += 1
            row.due_visited += bool(visited)
        end_last = max([v.visited_on for v in visited], default=last)
        if end_last is None or end_last + dt.timedelta(days=plan.interval_days) < sunday:
            row.overdue_at_end += 1
        if plan.special:
            row.special += 1
            row.special_visited += bool(visited)
            row.special_visits += len(visited)
            row.special_visits_expected += max(1, 7 // plan.interval_days)
    for visit in week:
        made_by = report.get(visit.staff_id)
        if made_by is None:
            continue
        made_by.visits_made += 1
        for need in visit.needs:
            made_by.needs[need] = made_by.needs.get(need, 0) + 1
        if visit.problem_raised_at is not None:
            made_by.problems.append(visit)
    return monday, sorted(report.values(), key=lambda r: r.staff.id)


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    changed = sum(refresh_plans(c, now) for c in service_state().communities)
    return {"visit_plans_refreshed": changed, "visit_notes_forgotten": forget_old_notes(local_today(now))}


# --- retention -----------------------------------------------------------------------------------

def notes_retention_days() -> int:
    """``LINLI_VISIT_NOTES_RETENTION_DAYS`` (default 730; 0 keeps the notes for ever)."""
    return max(int(current_app.config["LINLI_VISIT_NOTES_RETENTION_DAYS"]), 0)


def forget_old_notes(today: dt.date | None = None) -> int:
    """Delete what was written about a household on visits older than the retention period (the
    findings and the needs noted); the visit itself (who, when, what kind, a problem raised as a
    case) stays, so the visit plan still knows when the household was last seen. Idempotent."""
    days = notes_retention_days()
    if not days:
        return 0
    cutoff = (today or local_today()) - dt.timedelta(days=days)
    rows = db.session.execute(sa.select(Visit.id, Visit.findings, Visit.needs)
                              .where(Visit.visited_on < cutoff)).all()
    ids = [row.id for row in rows if row.findings or row.needs]
    for start in range(0, len(ids), 500):
        db.session.execute(sa.update(Visit).where(Visit.id.in_(ids[start:start + 500]))
                           .values(findings="", needs=[]))
    db.session.commit()
    return len(ids)
