"""The duty roster: staff, lines of work with A/B roles, the weekly roster, absences, who covers.

Invariants:
- every period the front desk is open (the community's desk hours) has someone rostered at the
  desk: a change that would leave it empty is refused (``no_front_desk``). The cells of one day
  and period are locked together before the check, so two concurrent changes cannot both take
  the last two people away from the desk (PostgreSQL row locks; SQLite has one writer).
- a roster cell is changed only by someone who saw its current ``version`` (409 ``stale_cell``).
- when A of a line is absent, B covers the line; when both are, the line is uncovered: the board
  flags it and the manager is told once per line and day (event ``hub.roster.line_uncovered``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from linli.hub.extensions import db
from linli.hub.people.service import require_staff
from linli.hub.roster.models import (
    ABSENCE_KINDS,
    DUTIES,
    PERIODS,
    Absence,
    DutySwap,
    RosterCell,
    StaffMember,
    UncoveredAlert,
    WorkLine,
)
from linli.shared.auth import Identity
from linli.shared.communities import Community
from linli.shared.db import lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from linli.shared.events import publish
from linli.shared.localtime import LOCAL_TZ, local_today
from linli.shared.state import service_state

MAX_ABSENCE_DAYS = 92
# weekday (0 = Monday) -> {period: people at the desk}. Extended hours (延时) on Tuesday and Thursday
# evenings and a staggered Saturday morning (错时) so that working residents find someone too.
DEFAULT_DESK_HOURS: dict[int, dict[str, int]] = {
    0: {"am": 2, "pm": 1}, 1: {"am": 1, "pm": 1, "late": 1}, 2: {"am": 1, "pm": 1},
    3: {"am": 1, "pm": 1, "late": 1}, 4: {"am": 1, "pm": 1}, 5: {"am": 1},
}
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- time -------------------------------------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(7)]


def period_times(day: dt.date, period: str) -> tuple[dt.datetime, dt.datetime]:
    _, _, start, end = PERIODS[period]
    return (dt.datetime.combine(day, start, tzinfo=LOCAL_TZ), dt.datetime.combine(day, end, tzinfo=LOCAL_TZ))


def desk_hours(community: Community) -> dict[int, dict[str, int]]:
    """``[settings.hub.roster.desk_hours] mon = {am = 2, pm = 1}`` or the default above."""
    configured = ((community.setting("hub", {}) or {}).get("roster", {}) or {}).get("desk_hours")
    if not configured:
        return DEFAULT_DESK_HOURS
    return {WEEKDAY_CODES.index(code): {p: int(n) for p, n in periods.items() if p in PERIODS}
            for code, periods in configured.items() if code in WEEKDAY_CODES}


def desk_open(community: Community, day: dt.date, period: str) -> int:
    """How many people the desk needs in that period (0: closed)."""
    return desk_hours(community).get(day.weekday(), {}).get(period, 0)


# --- access -----------------------------------------------------------------------------------


def require_manager(actor: Identity | None, community_id: str) -> None:
    if actor is None:
        return
    if not actor.has_role("manager"):
        raise Forbidden("Only the committee's manager does this.", code="missing_role")
    actor.require_community(community_id)


def _community(community_id: str) -> Community:
    return service_state().communities.require(community_id)


# --- staff and lines --------------------------------------------------------------------------


def add_staff(actor: Identity | None, *, community_id: str, display_name: str, account_id: str | None = None,
              phone: str | None = None) -> StaffMember:
    _community(community_id)
    require_manager(actor, community_id)
    if account_id is not None and db.session.scalar(sa.select(StaffMember.id).where(
            StaffMember.community_id == community_id, StaffMember.account_id == account_id)) is not None:
        raise Conflict("This account is on the staff already.", code="staff_exists")
    member = StaffMember(community_id=community_id, display_name=display_name, account_id=account_id, phone=phone)
    db.session.add(member)
    db.session.commit()
    return member


def list_staff(actor: Identity | None, community_id: str, *, include_inactive: bool = False) -> list[StaffMember]:
    _community(community_id)
    require_staff(actor, community_id)
    query = sa.select(StaffMember).where(StaffMember.community_id == community_id).order_by(StaffMember.id)
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    return list(db.session.scalars(query))


def staff_member(community_id: str, staff_id: int, *, active: bool = True) -> StaffMember:
    """A staff member of the community, or 422 ``unknown_staff`` (input that names nobody we know)."""
    member = db.session.get(StaffMember, staff_id)
    if member is None or member.community_id != community_id or (active and not member.active):
        raise Unprocessable(f"No active staff member {staff_id} in this community.", code="unknown_staff")
    return member


def staff_for_account(community_id: str, account_id: str) -> StaffMember | None:
    return db.session.scalars(sa.select(StaffMember).where(
        StaffMember.community_id == community_id, StaffMember.account_id == account_id)).first()


def create_line(actor: Identity | None, *, community_id: str, code: str, name_zh: str, a_staff_id: int,
                b_staff_id: int, name_en: str = "") -> WorkLine:
    _community(community_id)
    require_manager(actor, community_id)
    staff_member(community_id, a_staff_id)
    staff_member(community_id, b_staff_id)
    if a_staff_id == b_staff_id:
        raise Unprocessable("A and B of a line must be two different people.", code="same_staff")
    if db.session.scalar(sa.select(WorkLine.id).where(WorkLine.community_id == community_id,
                                                      WorkLine.code == code)) is not None:
        raise Conflict(f"The line '{code}' exists already.", code="line_exists")
    line = WorkLine(community_id=community_id, code=code, name_zh=name_zh, name_en=name_en,
                    a_staff_id=a_staff_id, b_staff_id=b_staff_id)
    db.session.add(line)
    db.session.commit()
    return line


def list_lines(community_id: str) -> list[WorkLine]:
    return list(db.session.scalars(sa.select(WorkLine).where(WorkLine.community_id == community_id)
                                   .order_by(WorkLine.id)))


# --- the weekly roster ------------------------------------------------------------------------


def rotation(staff_ids: Sequence[int], monday: dt.date, day_index: int, period_index: int, count: int) -> list[int]:
    """Who sits at the desk: a rotation over the staff that moves on every period and every week."""
    n = len(staff_ids)
    iso = monday.isocalendar()
    start = (iso.year * 53 + iso.week) * 3 + day_index * len(PERIODS) + period_index
    return [staff_ids[(start + j) % n] for j in range(min(count, n))]


def generate_week(actor: Identity | None, community_id: str, monday: dt.date) -> list[RosterCell]:
    """Fill the week from the template: desk by rotation, the others out visiting (Monday morning's
    meeting 例会 and Thursday afternoon's training 培训 for those not at the desk). Cells that
    exist are kept, so running it twice changes nothing."""
    community = _community(community_id)
    require_staff(actor, community_id)
    if monday.weekday() != 0:
        raise Unprocessable("A roster week starts on a Monday.", code="not_a_monday")
    staff_ids = [m.id for m in db.session.scalars(sa.select(StaffMember).where(
        StaffMember.community_id == community_id, StaffMember.active.is_(True)).order_by(StaffMember.id))]
    hours = desk_hours(community)
    needed = max((n for periods in hours.values() for n in periods.values()), default=0)
    if len(staff_ids) < max(needed, 1):
        raise Unprocessable("Not enough active staff to keep the front desk.", code="not_enough_staff")
    days = week_days(monday)
    existing = {(c.staff_id, c.day, c.period) for c in db.session.scalars(sa.select(RosterCell).where(
        RosterCell.community_id == community_id, RosterCell.day.between(days[0], days[-1])))}
    subject = actor.subject if actor else "system"
    for day_index, day in enumerate(days):
        for period_index, period in enumerate(PERIODS):
            count = hours.get(day.weekday(), {}).get(period, 0)
            if not count:
                continue
            desk = set(rotation(staff_ids, monday, day_index, period_index, count))
            for staff_id in staff_ids:
                if (staff_id, day, period) in existing:
                    continue
                if staff_id in desk:
                    duty = "front_desk"
                elif period == "late" or day.weekday() >= 5:
                    duty = "off"
                elif day.weekday() == 0 and period == "am":
                    duty = "meeting"
                elif day.weekday() == 3 and period == "pm":
                    duty = "training"
                else:
                    duty = "visiting"
                db.session.add(RosterCell(community_id=community_id, staff_id=staff_id, day=day, period=period,
                                          duty=duty, updated_by=subject))
    db.session.commit()
    return week_cells(community_id, monday)


def week_cells(community_id: str, monday: dt.date) -> list[RosterCell]:
    return list(db.session.scalars(sa.select(RosterCell).where(
        RosterCell.community_id == community_id, RosterCell.day.between(monday, monday + dt.timedelta(days=6)))
        .order_by(RosterCell.day, RosterCell.staff_id)))


def _lock_period(community_id: str, day: dt.date, period: str) -> list[RosterCell]:
    return list(db.session.scalars(lock_for_update(sa.select(RosterCell).where(
        RosterCell.community_id == community_id, RosterCell.day == day, RosterCell.period == period)
        .order_by(RosterCell.id))))


def set_cell(actor: Identity, *, community_id: str, staff_id: int, day: dt.date, period: str, duty: str,
             place: str = "", version: int | None = None) -> RosterCell:
    """Set one staff member's duty in one period: create it (no ``version``) or change the version
    the editor saw. Refused when the front desk would be left empty in a period it is open."""
    community = _community(community_id)
    require_staff(actor, community_id)
    staff_member(community_id, staff_id)
    if period not in PERIODS or duty not in DUTIES:
        raise Unprocessable("Unknown period or duty.", code="bad_duty")
    needed = desk_open(community, day, period)
    if duty == "front_desk" and not needed:
        raise Unprocessable("The front desk is closed in that period.", code="desk_closed")
    cells = _lock_period(community_id, day, period)
    cell = next((c for c in cells if c.staff_id == staff_id), None)
    if cell is None:
        if version is not None:
            db.session.rollback()
            raise Conflict("This roster cell was removed meanwhile.", code="stale_cell")
        cell = RosterCell(community_id=community_id, staff_id=staff_id, day=day, period=period, duty=duty,
                          place=place, updated_by=actor.subject)
        db.session.add(cell)
        cells.append(cell)
    else:
        if version != cell.version:
            db.session.rollback()
            raise Conflict("Someone changed this roster cell meanwhile; reload it.", code="stale_cell",
                           current_version=cell.version)
        cell.duty, cell.place, cell.updated_by = duty, place, actor.subject
        cell.version += 1
    if needed and cells and not any(c.duty == "front_desk" for c in cells):
        db.session.rollback()
        raise Unprocessable("Nobody would be at the front desk in that period.", code="no_front_desk",
                            day=day.isoformat(), period=period)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same cell created twice at once
        db.session.rollback()
        raise Conflict("Someone created this roster cell meanwhile; reload it.", code="stale_cell") from None
    return cell


# --- absences and who covers ------------------------------------------------------------------


def add_absence(actor: Identity, *, community_id: str, staff_id: int, starts_on: dt.date, ends_on: dt.date,
                kind: str, note: str = "") -> Absence:
    """Record leave, sickness or training away; lines left with neither A nor B are reported."""
    _community(community_id)
    require_staff(actor, community_id)
    staff_member(community_id, staff_id)
    if kind not in ABSENCE_KINDS:
        raise Unprocessable("Unknown kind of absence.", code="bad_absence")
    if ends_on < starts_on or (ends_on - starts_on).days >= MAX_ABSENCE_DAYS:
        raise Unprocessable("The absence must end after it starts, within three months.", code="bad_absence")
    lines = list(db.session.scalars(lock_for_update(sa.select(WorkLine).where(
        WorkLine.community_id == community_id,
        sa.or_(WorkLine.a_staff_id == staff_id, WorkLine.b_staff_id == staff_id)).order_by(WorkLine.id))))
    absence = Absence(community_id=community_id, staff_id=staff_id, starts_on=starts_on, ends_on=ends_on,
                      kind=kind, note=note, created_by=actor.subject)
    db.session.add(absence)
    db.session.flush()
    for line in lines:
        partner = line.b_staff_id if line.a_staff_id == staff_id else line.a_staff_id
        for day in _absent_days(partner, starts_on, ends_on):
            _alert_uncovered(line, day)
    db.session.commit()
    return absence


def _absent_days(staff_id: int, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    days: set[dt.date] = set()
    for absence in db.session.scalars(sa.select(Absence).where(
            Absence.staff_id == staff_id, Absence.starts_on <= ends_on, Absence.ends_on >= starts_on)):
        day = max(absence.starts_on, starts_on)
        while day <= min(absence.ends_on, ends_on):
            days.add(day)
            day += dt.timedelta(days=1)
    return sorted(days)


def _alert_uncovered(line: WorkLine, day: dt.date) -> None:
    if db.session.scalar(sa.select(UncoveredAlert.id).where(UncoveredAlert.line_id == line.id,
                                                            UncoveredAlert.day == day)) is not None:
        return
    db.session.add(UncoveredAlert(community_id=line.community_id, line_id=line.id, day=day))
    publish("hub.roster.line_uncovered", {"line_id": line.id, "line_code": line.code, "line_name": line.name_zh,
                                          "day": day.isoformat(), "a_staff_id": line.a_staff_id,
                                          "b_staff_id": line.b_staff_id}, community_id=line.community_id)


def absences_between(community_id: str, first: dt.date, last: dt.date) -> list[Absence]:
    return list(db.session.scalars(sa.select(Absence).where(
        Absence.community_id == community_id, Absence.starts_on <= last, Absence.ends_on >= first)
        .order_by(Absence.starts_on, Absence.id)))


@dataclass
class DeskSeat:
    staff: StaffMember
    covering_for: StaffMember | None = None  # set when this person sits in for an absent colleague


@dataclass
class PeriodBoard:
    period: str
    needed: int
    seats: list[DeskSeat] = field(default_factory=list)
    out: list[tuple[StaffMember, str, str]] = field(default_factory=list)  # (who, duty, place)

    @property
    def uncovered(self) -> bool:
        return self.needed > 0 and not self.seats


@dataclass
class LineBoard:
    line: WorkLine
    a: StaffMember
    b: StaffMember
    holder: StaffMember | None  # who looks after the line that day

    @property
    def covered_by_b(self) -> bool:
        return self.holder is not None and self.holder.id == self.b.id

    @property
    def uncovered(self) -> bool:
        return self.holder is None


@dataclass
class DayBoard:
    day: dt.date
    periods: list[PeriodBoard]
    lines: list[LineBoard]
    absent: dict[int, Absence]

    @property
    def flags(self) -> list[str]:
        flags = [f"line:{lb.line.code}" for lb in self.lines if lb.uncovered]
        return flags + [f"desk:{pb.period}" for pb in self.periods if pb.uncovered]


def day_boards(actor: Identity | None, community_id: str, days: Iterable[dt.date]) -> list[DayBoard]:
    """Who is at the desk, who is out and where, and who holds each line, for each day."""
    community = _community(community_id)
    require_staff(actor, community_id)
    days = sorted(days)
    staff = {m.id: m for m in db.session.scalars(sa.select(StaffMember).where(
        StaffMember.community_id == community_id))}
    lines = list_lines(community_id)
    cells = list(db.session.scalars(sa.select(RosterCell).where(
        RosterCell.community_id == community_id, RosterCell.day.between(days[0], days[-1]))
        .order_by(RosterCell.staff_id)))
    absences = absences_between(community_id, days[0], days[-1])
    boards = []
    for day in days:
        absent = {a.staff_id: a for a in absences if a.starts_on <= day <= a.ends_on}
        absent.update({m.id: Absence(staff_id=m.id, kind="left", starts_on=day, ends_on=day)
                       for m in staff.values() if not m.active})
        present = [sid for sid in staff if sid not in absent]
        line_boards = []
        for line in lines:
            holder = next((sid for sid in (line.a_staff_id, line.b_staff_id) if sid in present), None)
            line_boards.append(LineBoard(line, staff[line.a_staff_id], staff[line.b_staff_id],
                                         staff[holder] if holder else None))
        periods = []
        for period in PERIODS:
            here = [c for c in cells if c.day == day and c.period == period]
            board = PeriodBoard(period, desk_open(community, day, period))
            if not here and not board.needed:
                continue
            desk = [c.staff_id for c in here if c.duty == "front_desk"]
            busy = {sid for sid in desk if sid not in absent}
            board.seats = [DeskSeat(staff[sid]) for sid in desk if sid not in absent]
            for sid in (s for s in desk if s in absent):
                cover = _desk_cover(sid, lines, here, absent, busy)
                if cover is not None:
                    busy.add(cover)
                    board.seats.append(DeskSeat(staff[cover], covering_for=staff[sid]))
            board.out = [(staff[c.staff_id], c.duty, c.place) for c in here
                         if c.staff_id not in busy and c.staff_id not in absent and c.duty != "off"]
            periods.append(board)
        boards.append(DayBoard(day, periods, line_boards, absent))
    return boards


def _desk_cover(absent_id: int, lines: list[WorkLine], cells: list[RosterCell], absent: dict[int, Absence],
                busy: set[int]) -> int | None:
    """Who sits in at the desk for an absent colleague: their B partners first (AB角, even in the
    extended hours they were not rostered for), then anyone rostered in that period who is not at
    the desk (out visiting before meetings and training), then anyone present at all."""
    partners = [ln.b_staff_id for ln in lines if ln.a_staff_id == absent_id]
    partners += [ln.a_staff_id for ln in lines if ln.b_staff_id == absent_id]
    duty_of = {c.staff_id: c.duty for c in cells}
    order = {"visiting": 0, "meeting": 1, "training": 2, "off": 3}
    others = sorted((sid for sid, duty in duty_of.items() if duty != "front_desk"),
                    key=lambda sid: (order.get(duty_of[sid], 3), sid))
    for sid in [*partners, *others]:
        if sid not in absent and sid not in busy:
            return sid
    return None


# --- swaps ------------------------------------------------------------------------------------


def request_swap(actor: Identity, *, community_id: str, cell_a_id: int, cell_b_id: int, reason: str = "") -> DutySwap:
    """Two staff of the same period exchange their duties, once the manager approves."""
    _community(community_id)
    require_staff(actor, community_id)
    cell_a, cell_b = db.session.get(RosterCell, cell_a_id), db.session.get(RosterCell, cell_b_id)
    if (cell_a is None or cell_b is None or cell_a.community_id != community_id
            or cell_b.community_id != community_id):
        raise Unprocessable("Both roster cells must be of this community.", code="unknown_cell")
    if (cell_a.day, cell_a.period) != (cell_b.day, cell_b.period) or cell_a.staff_id == cell_b.staff_id:
        raise Unprocessable("A swap is between two people in the same period.", code="swap_not_same_period")
    if cell_a.duty == cell_b.duty:
        raise Unprocessable("Both have the same duty already.", code="nothing_to_swap")
    swap = DutySwap(community_id=community_id, cell_a_id=cell_a.id, cell_b_id=cell_b.id, reason=reason,
                    requested_by=actor.subject)
    db.session.add(swap)
    db.session.commit()
    return swap


def decide_swap(actor: Identity, swap_id: int, *, approve: bool) -> DutySwap:
    swap = db.session.scalars(lock_for_update(sa.select(DutySwap).where(DutySwap.id == swap_id))).first()
    if swap is None:
        raise NotFound(f"No swap {swap_id}.", code="swap_not_found")
    require_manager(actor, swap.community_id)
    if swap.state != "pending":
        db.session.rollback()
        raise Conflict(f"This swap was {swap.state} already.", code="swap_decided")
    if approve:
        cells = list(db.session.scalars(lock_for_update(sa.select(RosterCell).where(
            RosterCell.id.in_((swap.cell_a_id, swap.cell_b_id))).order_by(RosterCell.id))))
        a, b = cells if cells[0].id == swap.cell_a_id else cells[::-1]
        (a.duty, a.place), (b.duty, b.place) = (b.duty, b.place), (a.duty, a.place)
        a.version += 1
        b.version += 1
        a.updated_by = b.updated_by = actor.subject
    swap.state = "approved" if approve else "rejected"
    swap.decided_by, swap.decided_at = actor.subject, utcnow()
    db.session.commit()
    return swap


def list_swaps(actor: Identity, community_id: str, state: str | None = "pending") -> list[DutySwap]:
    require_staff(actor, community_id)
    query = sa.select(DutySwap).where(DutySwap.community_id == community_id).order_by(DutySwap.id)
    if state:
        query = query.where(DutySwap.state == state)
    return list(db.session.scalars(query))


# --- calendar and periodic work ---------------------------------------------------------------


def cells_of(staff_id: int, first: dt.date, last: dt.date) -> list[RosterCell]:
    return list(db.session.scalars(sa.select(RosterCell).where(
        RosterCell.staff_id == staff_id, RosterCell.day.between(first, last), RosterCell.duty != "off")
        .order_by(RosterCell.day, RosterCell.period)))


def staff_by_feed_token(token: str) -> StaffMember | None:
    return db.session.scalars(sa.select(StaffMember).where(StaffMember.feed_token == token)).first()


def tick(now: dt.datetime | None = None) -> dict[str, Any]:
    """Generate this week's and next week's roster where a community has staff and none yet."""
    monday = monday_of(local_today(now))
    made = 0
    for community in service_state().communities.values():
        staff = db.session.scalar(sa.select(sa.func.count()).select_from(StaffMember).where(
            StaffMember.community_id == community.id, StaffMember.active.is_(True))) or 0
        if staff < 2:
            continue
        for week in (monday, monday + dt.timedelta(days=7)):
            if not week_cells(community.id, week):
                generate_week(None, community.id, week)
                made += 1
    return {"roster_weeks_generated": made}
