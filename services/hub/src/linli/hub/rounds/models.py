"""Booking rounds: fair allocation of contested slots instead of first-click-wins (秒占).

A round offers slots (room + time) of a period; teams submit ranked requests while it is open;
when it closes the ``allocate_slots`` hook decides, and every decision is kept with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.hub.extensions import db
from linli.shared.db import utcnow

ROUND_STATES = ("open", "allocated", "cancelled")
OUTCOMES = ("won", "lost", "quota", "unavailable")


class BookingRound(db.Model):  # type: ignore[name-defined]
    __tablename__ = "booking_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    closes_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    weekly_quota: Mapped[int] = mapped_column(default=1)
    policy: Mapped[str | None] = mapped_column(sa.String(64))  # which plugin decided
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    allocated_at: Mapped[dt.datetime | None]

    slots: Mapped[list[RoundSlot]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                  order_by="RoundSlot.starts_at, RoundSlot.room_id")


class RoundSlot(db.Model):  # type: ignore[name-defined]
    __tablename__ = "round_slot"
    __table_args__ = (sa.UniqueConstraint("round_id", "room_id", "starts_at"),
                      sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("booking_round.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    winner_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="SET NULL"))
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id", ondelete="SET NULL"))


class RoundRequest(db.Model):  # type: ignore[name-defined]
    """One team asking for one slot; rank 1 is the team's first choice."""

    __tablename__ = "round_request"
    __table_args__ = (sa.UniqueConstraint("round_id", "team_id", "slot_id"),
                      sa.UniqueConstraint("round_id", "team_id", "rank"),
                      sa.CheckConstraint("rank >= 1", name="rank_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("booking_round.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("round_slot.id", ondelete="CASCADE"))
    rank: Mapped[int]
    submitted_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RoundDecision(db.Model):  # type: ignore[name-defined]
    """The outcome of one request, with the reason shown to the team."""

    __tablename__ = "round_decision"
    __table_args__ = (sa.UniqueConstraint("request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("booking_round.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("round_request.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("round_slot.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
