"""Daily stock per meal service, in whole units (a full portion = 2 units, a half = 1)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.canteen.extensions import db


class DishStock(db.Model):  # type: ignore[name-defined]
    """A dish offered at a meal service, with planned and remaining units. Its existence = "on the menu"."""

    __tablename__ = "canteen_dish_stock"
    __table_args__ = (
        sa.UniqueConstraint("meal_service_id", "dish_id"),
        sa.CheckConstraint("remaining_units >= 0", name="remaining_nonneg"),
        sa.CheckConstraint("planned_units >= 0", name="planned_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    meal_service_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_meal_service.id", ondelete="CASCADE"))
    dish_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_dish.id"), index=True)
    planned_units: Mapped[int] = mapped_column(sa.Integer)
    remaining_units: Mapped[int] = mapped_column(sa.Integer)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(sa.Integer, default=0)  # +1 on every change: the menu's ETag


class SetMealStock(db.Model):  # type: ignore[name-defined]
    """A set meal offered at a meal service with its daily limit."""

    __tablename__ = "canteen_set_meal_stock"
    __table_args__ = (
        sa.UniqueConstraint("meal_service_id", "set_meal_id"),
        sa.CheckConstraint("remaining >= 0", name="remaining_nonneg"),
        sa.CheckConstraint("daily_limit >= 0", name="limit_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    meal_service_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_meal_service.id", ondelete="CASCADE"))
    set_meal_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_set_meal.id"), index=True)
    daily_limit: Mapped[int] = mapped_column(sa.Integer)
    remaining: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer, default=0)
