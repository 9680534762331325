"""The daily clearance board (日日清): every open case's next milestone with its SLA timer, today's
appointments, and the weekly counts the Monday meeting reads. Callable without HTTP.

The timers are computed from the :class:`Deadline` rows at the moment the board is read (never
from a job that may not have run): overdue once the due time has passed, due soon within 24 hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from linli.cases.appointments import service as appointments
from linli.cases.appointments.models import ACTIVE_STATES
from linli.cases.casework import sla
from linli.cases.casework.models import Case, Deadline, TimelineEntry
from linli.cases.casework.service import require_staff
from linli.cases.extensions import db
from linli.shared.auth import Identity
from linli.shared.db import utcnow
from linli.shared.state import service_state

BOARD_ROWS = 200


@dataclass
class Board:
    community_id: str
    now: dt.datetime
    counts: dict[str, int]
    rows: list[dict[str, Any]]
    appointments: list[dict[str, Any]]
    staff: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"community_id": self.community_id, "now": self.now, "counts": self.counts, "rows": self.rows,
                "appointments": self.appointments, "staff": self.staff}


def board(identity: Identity, community_id: str, *, assigned_to: str | None = None, limit: int = BOARD_ROWS,
          now: dt.datetime | None = None) -> Board:
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    return read_board(community_id, assigned_to=assigned_to, limit=limit, now=now)


def read_board(community_id: str, *, assigned_to: str | None = None, limit: int = BOARD_ROWS,
               now: dt.datetime | None = None) -> Board:
    now = now or utcnow()
    soon = now + sla.DUE_SOON
    # a closed case has every milestone met (lifecycle closes them), so open milestones are open cases
    where = [Deadline.community_id == community_id, Deadline.met_at.is_(None)]
    if assigned_to:  # through the open milestones to their cases (a few thousand), not all of theirs
        where.append(sa.exists().where(Case.id == Deadline.case_id, Case.assigned_to == assigned_to))
    totals = db.session.execute(
        sa.select(sa.func.count(),
                  sa.func.count().filter(Deadline.due_at < now),
                  sa.func.count().filter(Deadline.due_at >= now, Deadline.due_at <= soon))
        .select_from(Deadline).where(*where)).one()
    counts = {"open": totals[0], "overdue": totals[1], "due_soon": totals[2],
              "on_time": totals[0] - totals[1] - totals[2]}
    urgent = sa.select(Deadline.case_id, Deadline.milestone, Deadline.due_at).where(*where) \
        .order_by(Deadline.due_at, Deadline.id).limit(limit).subquery()
    joined = (sa.select(Case.id, Case.reference, Case.title, Case.category, Case.state, Case.assigned_to,
                        urgent.c.milestone, urgent.c.due_at)
              .join(urgent, urgent.c.case_id == Case.id).order_by(urgent.c.due_at, Case.id))
    rows = []
    for row in db.session.execute(joined):
        rows.append({"case_id": row.id, "reference": row.reference, "title": row.title, "category": row.category,
                     "state": row.state, "assigned_to": row.assigned_to, "milestone": row.milestone,
                     "due_at": row.due_at, "timer": sla.timer(row.due_at, now),
                     "minutes_left": int((row.due_at - now).total_seconds() // 60)})
    today = sla.local_date(now)
    visits = [{"appointment_id": a.id, "item_code": a.item_code, "mode": a.mode, "state": a.state,
               "resident_name": a.resident_name, "starts_at": s.starts_at, "ends_at": s.ends_at,
               "staff_member": s.staff_member, "delegated": a.delegated}
              for a, s in appointments.todays(community_id, today, ACTIVE_STATES)
              if not assigned_to or s.staff_member == assigned_to]
    open_cases = sa.select(Deadline.case_id).where(Deadline.community_id == community_id, Deadline.met_at.is_(None))
    staff = sorted(name for name in db.session.scalars(  # whoever holds an open milestone (the filter's choices)
        sa.select(Case.assigned_to).where(Case.id.in_(open_cases), Case.assigned_to.is_not(None)).distinct()) if name)
    return Board(community_id, now, counts, rows, visits, staff)


def weekly(identity: Identity, community_id: str, *, weeks: int = 8, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per week (Monday to Sunday, Shanghai): cases opened, resolved, and milestones missed."""
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    return weekly_counts(community_id, weeks=weeks, now=now)


def weekly_counts(community_id: str, *, weeks: int = 8, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or utcnow()
    first = sla.week_start(sla.local_date(now)) - dt.timedelta(weeks=weeks - 1)
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    since, until = sla.local_midnight(first), sla.local_midnight(starts[-1] + dt.timedelta(weeks=1))
    buckets: dict[dt.date, dict[str, Any]] = {
        start: {"week_start": start, "opened": 0, "resolved": 0, "overdue": 0} for start in starts}

    def add(moments: list[dt.datetime], key: str) -> None:
        for moment in moments:
            bucket = buckets.get(sla.week_start(sla.local_date(moment)))
            if bucket is not None:
                bucket[key] += 1

    add(list(db.session.scalars(sa.select(Case.created_at).where(
        Case.community_id == community_id, Case.created_at >= since, Case.created_at < until))), "opened")
    add(list(db.session.scalars(sa.select(TimelineEntry.at).join(Case, Case.id == TimelineEntry.case_id).where(
        Case.community_id == community_id, TimelineEntry.action == "resolve", TimelineEntry.at >= since,
        TimelineEntry.at < until))), "resolved")
    add(list(db.session.scalars(sa.select(Deadline.due_at).where(
        Deadline.community_id == community_id, Deadline.due_at >= since, Deadline.due_at < min(until, now),
        sa.or_(Deadline.met_at.is_(None), Deadline.met_at > Deadline.due_at)))), "overdue")
    return list(buckets.values())
