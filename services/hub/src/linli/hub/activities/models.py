"""Activities, their sessions, and who signed up (registered, waitlisted, offered a freed place)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

ORGANISER_KINDS = ("team", "partner", "volunteer", "staff")
ACTIVITY_KINDS = ("class", "rehearsal", "craft", "talk", "other")
# registration states; "offered" holds a place until offer_expires_at
ACTIVE_STATES = ("registered", "waitlisted", "offered")
REGISTRATION_STATES = (*ACTIVE_STATES, "cancelled", "expired", "declined")


class Activity(db.Model):  # type: ignore[name-defined]
    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.Index("ix_activity_community", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(16), default="class")
    organiser_kind: Mapped[str] = mapped_column(sa.String(16))
    organiser_ref: Mapped[str | None] = mapped_column(sa.String(120))  # team id, volunteer id, partner code
    organiser_name: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column()
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh


class ActivitySession(db.Model):  # type: ignore[name-defined]
    """One meeting of an activity, in a room; the row every sign-up locks."""

    __tablename__ = "activity_session"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.Index("ix_activity_session_community_start", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    capacity: Mapped[int] = mapped_column()
    cancelled: Mapped[bool] = mapped_column(default=False)


class Registration(db.Model):  # type: ignore[name-defined]
    """A person's place on a session: registered, waitlisted (position = arrival order) or offered."""

    __tablename__ = "activity_registration"
    __table_args__ = (
        # arrival order on the waitlist: one position per session, never reused
        sa.UniqueConstraint("session_id", "position", name="uq_activity_registration_session_position"),
        # one live registration per person and session
        sa.Index(
            "uq_activity_registration_live_person", "session_id", "person_key", unique=True,
            sqlite_where=sa.text("status IN ('registered', 'waitlisted', 'offered')"),
            postgresql_where=sa.text("status IN ('registered', 'waitlisted', 'offered')"),
        ),
        sa.CheckConstraint(
            "status IN ('registered', 'waitlisted', 'offered', 'cancelled', 'expired', 'declined')",
            name="status_known",
        ),
        sa.Index("ix_activity_registration_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("activity_session.id", ondelete="CASCADE"))
    community_id: Mapped[str] = mapped_column(sa.String(64))
    # who takes the place: an account (signed up themselves) or a resident (signed up by staff)
    person_key: Mapped[str] = mapped_column(sa.String(140))  # "account:<id>" | "resident:<id>"
    # the token subject; no FK: every suite token's subject signs up, not only hub accounts
    account_id: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resident.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    position: Mapped[int | None] = mapped_column()  # waitlist ticket, 1.. in arrival order
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column()
    signed_up_by: Mapped[str] = mapped_column(sa.String(120))
    checked_in_at: Mapped[dt.datetime | None] = mapped_column()
    checked_in_by: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def effective_status(self, now: dt.datetime) -> str:
        """An offer past its expiry is expired wherever it is read, before ``tick`` records it."""
        if self.status == "offered" and self.offer_expires_at is not None and self.offer_expires_at <= now:
            return "expired"
        return self.status
