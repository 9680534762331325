"""Rooms of a hub: kind, capacity, equipment, opening hours, blackout periods, approval."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.hub.extensions import db
from linli.shared.db import utcnow

# kind -> (zh, en)
ROOM_KINDS: dict[str, tuple[str, str]] = {
    "activity": ("活动室", "activity room"),
    "multi_purpose": ("多功能室", "multi-purpose room"),
    "talk": ("谈心室", "talk room"),
    "parent_child": ("亲子活动室", "parent–child room"),
    "elderly_service": ("为老服务活动室", "elderly-service room"),
}


class Room(db.Model):  # type: ignore[name-defined]
    """Opening hours are local (Asia/Shanghai) times on the listed weekdays (0 = Monday)."""

    __tablename__ = "room"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
        sa.UniqueConstraint("community_id", "name_zh"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    kind: Mapped[str] = mapped_column(sa.String(32))
    capacity: Mapped[int] = mapped_column(default=0)
    equipment: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    open_weekdays: Mapped[list[int]] = mapped_column(sa.JSON, default=lambda: [0, 1, 2, 3, 4, 5, 6])
    opens_at: Mapped[dt.time] = mapped_column(sa.Time, default=dt.time(8, 0))
    closes_at: Mapped[dt.time] = mapped_column(sa.Time, default=dt.time(21, 0))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    blackouts: Mapped[list[RoomBlackout]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                         order_by="RoomBlackout.starts_at")

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


class RoomBlackout(db.Model):  # type: ignore[name-defined]
    """A period the room cannot be booked (cleaning, repairs, an election, a holiday)."""

    __tablename__ = "room_blackout"
    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
