"""Room bookings. A room is never double-booked:

- PostgreSQL: an exclusion constraint (btree_gist) over ``(room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)``
  for active bookings; a violation becomes a 409 problem.
- SQLite: writers are serialised (``BEGIN IMMEDIATE``) and the service checks overlap in the same transaction.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

ACTIVE_STATES = ("pending", "confirmed")
BOOKING_STATES = ("pending", "confirmed", "cancelled", "rejected")
EXCLUSION_NAME = "booking_no_overlap"


class Booking(db.Model):  # type: ignore[name-defined]
    __tablename__ = "booking"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.Index("ix_booking_room_time", "room_id", "starts_at"),
        ExcludeConstraint(
            ("room_id", "="),
            (sa.func.tstzrange(sa.column("starts_at"), sa.column("ends_at")), "&&"),
            name=EXCLUSION_NAME,
            using="gist",
            where=sa.text("status IN ('pending', 'confirmed')"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"))
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default="confirmed")
    booked_by: Mapped[str] = mapped_column(sa.String(64))
    series_id: Mapped[str | None] = mapped_column(sa.String(32), index=True)  # weekly recurring bookings
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking_round.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(64))  # staff who approved/rejected
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATES


# the exclusion constraint needs btree_gist for "room_id WITH ="
sa.event.listen(
    Booking.__table__,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
