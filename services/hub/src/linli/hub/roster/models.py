"""The committee's duty roster (值班表): staff, lines of work with A/B roles (AB角), roster cells,
absences and swaps.

A roster cell is one staff member's duty in one period of one day (e.g. 周二上午 前台接待). Who covers
a line of work or the front desk when someone is absent is computed (``roster.service.day_board``),
never stored, so it follows every absence as soon as it is entered.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

# duty code -> (zh, en)
DUTIES: dict[str, tuple[str, str]] = {
    "front_desk": ("前台接待", "Front desk"),
    "visiting": ("走访", "Visiting"),
    "meeting": ("调研开会", "Research and meetings"),
    "training": ("培训", "Training"),
    "off": ("休息", "Off"),
}
# period code -> (zh, en, start, end) in Asia/Shanghai; "late" is the extended hours (延时服务)
PERIODS: dict[str, tuple[str, str, dt.time, dt.time]] = {
    "am": ("上午", "Morning", dt.time(8, 30), dt.time(12, 0)),
    "pm": ("下午", "Afternoon", dt.time(13, 0), dt.time(17, 0)),
    "late": ("延时", "Extended hours", dt.time(17, 0), dt.time(19, 30)),
}
ABSENCE_KINDS: dict[str, tuple[str, str]] = {
    "leave": ("休假", "Leave"),
    "sick": ("病假", "Sick"),
    "training": ("外出培训", "Training away"),
}
SWAP_STATES = ("pending", "approved", "rejected")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class StaffMember(db.Model):  # type: ignore[name-defined]
    """A residents' committee worker (居委干部); ``account_id`` is their sign-in account when they have one."""

    __tablename__ = "staff_member"
    __table_args__ = (sa.UniqueConstraint("community_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    account_id: Mapped[str | None] = mapped_column(sa.String(64))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    active: Mapped[bool] = mapped_column(default=True)
    feed_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WorkLine(db.Model):  # type: ignore[name-defined]
    """A line of work (条线, e.g. 为老 elderly, 民政 civil affairs) with its A role and B role."""

    __tablename__ = "work_line"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "code"),
        sa.CheckConstraint("a_staff_id <> b_staff_id", name="a_and_b_differ"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    a_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"))
    b_staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"))

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") or not self.name_en else self.name_en


class RosterCell(db.Model):  # type: ignore[name-defined]
    """One staff member's duty in one period of one day. ``version`` guards against lost updates."""

    __tablename__ = "roster_cell"
    __table_args__ = (
        sa.UniqueConstraint("staff_id", "day", "period"),
        sa.Index("ix_roster_cell_community_day", "community_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    period: Mapped[str] = mapped_column(sa.String(8))
    duty: Mapped[str] = mapped_column(sa.String(16))
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Absence(db.Model):  # type: ignore[name-defined]
    """Leave, sickness or training away, whole days from ``starts_on`` to ``ends_on`` inclusive."""

    __tablename__ = "staff_absence"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
                      sa.Index("ix_staff_absence_staff_days", "staff_id", "starts_on", "ends_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id", ondelete="CASCADE"))
    starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DutySwap(db.Model):  # type: ignore[name-defined]
    """Two staff exchange two roster cells once the manager approves."""

    __tablename__ = "duty_swap"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    cell_a_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_cell.id", ondelete="CASCADE"))
    cell_b_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_cell.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    requested_by: Mapped[str | None] = mapped_column(sa.String(64))
    decided_by: Mapped[str | None] = mapped_column(sa.String(64))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UncoveredAlert(db.Model):  # type: ignore[name-defined]
    """The manager was told that a line of work has neither A nor B on a day (one event per line and day)."""

    __tablename__ = "roster_uncovered_alert"
    __table_args__ = (sa.UniqueConstraint("line_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("work_line.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
