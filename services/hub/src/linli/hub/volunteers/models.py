"""Volunteers, the shifts they sign up for, and the hours they log."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

ASSIGNMENT_STATES = ("signed_up", "attended", "no_show", "cancelled", "swapped_out")
HOLDS_PLACE = ("signed_up", "attended")  # states that count against the shift's headcount
HOUR_STATES = ("pending", "approved", "rejected")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Volunteer(db.Model):  # type: ignore[name-defined]
    """A volunteer's profile in one community; ``account_id`` is the token subject."""

    __tablename__ = "volunteer"
    __table_args__ = (sa.UniqueConstraint("community_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    account_id: Mapped[str] = mapped_column(sa.String(120))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # e.g. ["waste_sorting", "first_aid"]
    # 社区达人: [{"title_zh": "书法老师", "title_en": "calligraphy teacher"}]
    talents: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # [{"weekday": 0, "start": "07:00", "end": "12:00"}], local time
    availability: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    standby: Mapped[bool] = mapped_column(default=False)  # may be called in to backfill a no-show
    feed_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Shift(db.Model):  # type: ignore[name-defined]
    """One slot of duty, e.g. waste-sorting 07:00–09:00 on a day; the row every sign-up locks."""

    __tablename__ = "volunteer_shift"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "template_code", "starts_at"),  # generation is idempotent
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
        sa.Index("ix_volunteer_shift_community_start", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    template_code: Mapped[str] = mapped_column(sa.String(64))
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    location_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    location_en: Mapped[str] = mapped_column(sa.String(200), default="")
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"))
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    headcount: Mapped[int] = mapped_column()

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh

    def location(self, locale: str) -> str:
        return self.location_en if locale.startswith("en") and self.location_en else self.location_zh


class ShiftAssignment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "volunteer_shift_assignment"
    __table_args__ = (
        sa.Index(
            "uq_volunteer_shift_assignment_live", "shift_id", "volunteer_id", unique=True,
            sqlite_where=sa.text("status IN ('signed_up', 'attended')"),
            postgresql_where=sa.text("status IN ('signed_up', 'attended')"),
        ),
        sa.CheckConstraint(
            "status IN ('signed_up', 'attended', 'no_show', 'cancelled', 'swapped_out')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shift.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="signed_up")
    backfill_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteer_shift_assignment.id"))
    swapped_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteer_shift_assignment.id"))
    marked_by: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HourLog(db.Model):  # type: ignore[name-defined]
    """Hours a volunteer logged themselves; they count once staff approve them."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (
        sa.CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_in_a_day"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        sa.Index("ix_volunteer_hours_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    shift_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteer_shift.id", ondelete="SET NULL"))
    work_date: Mapped[dt.date] = mapped_column(sa.Date)
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(sa.String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ShiftSwap(db.Model):  # type: ignore[name-defined]
    """A volunteer offers their shift to another (hand-over) or offers to exchange shifts; the other
    volunteer accepts or declines. Staff swaps take effect at once."""

    __tablename__ = "volunteer_shift_swap"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shift_assignment.id", ondelete="CASCADE"),
                                               index=True)
    to_volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    exchange_assignment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_shift_assignment.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    requested_by: Mapped[str] = mapped_column(sa.String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
