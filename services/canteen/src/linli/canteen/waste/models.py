"""The waste log: one row per weighing. A correction is a new row that points at the one it replaces;
the replaced row keeps its values and only changes state (an audit trail, never an overwrite)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.canteen.extensions import db
from linli.shared.db import utcnow

WASTE_KINDS = ("preparation", "unserved", "plate")  # 备餐损耗, 剩余未售, 餐盘剩余
ENTRY_STATES = ("current", "corrected", "undone")
MAX_GRAMS = 500_000  # 500 kg: more than any canteen bin holds


class WasteEntry(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_waste_entry"
    __table_args__ = (
        sa.CheckConstraint(f"grams > 0 AND grams <= {MAX_GRAMS}", name="grams_in_range"),
        sa.CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in WASTE_KINDS) + ")", name="kind_known"),
        sa.CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in ENTRY_STATES) + ")", name="state_known"),
        # the KPI report reads the current entries of one canteen over a date range
        sa.Index("ix_canteen_waste_entry_current", "community_id", "service_date", "meal_service_id", "kind",
                 "grams", "edible", postgresql_where=sa.text("state = 'current'"), sqlite_where=sa.text("state = 'current'")),
        sa.Index("ix_canteen_waste_entry_meal_service", "meal_service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    meal_service_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_meal_service.id"))
    service_date: Mapped[dt.date] = mapped_column(sa.Date)  # the meal service's, kept here for the report
    meal_kind: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))  # WASTE_KINDS
    edible: Mapped[bool] = mapped_column(default=True)
    dish_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_dish.id"))
    grams: Mapped[int] = mapped_column(sa.Integer)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    weighed_by: Mapped[str] = mapped_column(sa.String(120))  # account subject
    weighed_at: Mapped[dt.datetime] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(12), default="current")
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_waste_entry.id"), unique=True)
    correction_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    undone_at: Mapped[dt.datetime | None] = mapped_column()
    undone_by: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
