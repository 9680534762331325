"""Menu (菜单): dishes with full and half portions, set meals (套餐), retail goods (老字号), meal services (餐次)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.canteen.extensions import db
from linli.shared.db import utcnow

MEAL_KINDS = ("breakfast", "lunch", "dinner", "raw_takeaway")
PORTIONS = ("full", "half")
# A full portion draws two stock units, a half portion one.
UNITS_PER_PORTION = {"full": 2, "half": 1}


class Dish(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_dish"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "code"),
        sa.CheckConstraint("full_price_fen >= 0", name="full_price_nonneg"),
        sa.CheckConstraint("half_price_fen IS NULL OR half_price_fen >= 0", name="half_price_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(32), default="main")  # meat|vegetable|staple|soup|breakfast|...
    allergens: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # health, guest_chef, solar:小雪, ...
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    full_price_fen: Mapped[int] = mapped_column(sa.Integer)
    half_price_fen: Mapped[int | None] = mapped_column(sa.Integer)  # None: no half portion sold
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def has_half(self) -> bool:
        return self.half_price_fen is not None

    def price_fen(self, portion: str) -> int | None:
        return self.full_price_fen if portion == "full" else self.half_price_fen


class SetMeal(db.Model):  # type: ignore[name-defined]
    """A bundle at one price: groups of items, each group fixed (one option) or a choice (pick n)."""

    __tablename__ = "canteen_set_meal"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "code"),
        sa.CheckConstraint("price_fen >= 0", name="price_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    price_fen: Mapped[int] = mapped_column(sa.Integer)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    groups: Mapped[list[SetMealGroup]] = relationship(
        back_populates="set_meal", order_by="SetMealGroup.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SetMealGroup(db.Model):  # type: ignore[name-defined]
    """"One meat" / "two vegetables" / "rice": ``choose`` items out of ``options`` (distinct)."""

    __tablename__ = "canteen_set_meal_group"
    __table_args__ = (sa.CheckConstraint("choose >= 1", name="choose_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_meal_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_set_meal.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    choose: Mapped[int] = mapped_column(default=1)

    set_meal: Mapped[SetMeal] = relationship(back_populates="groups")
    options: Mapped[list[SetMealOption]] = relationship(
        back_populates="group", order_by="SetMealOption.id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def fixed(self) -> bool:
        return len(self.options) == self.choose


class SetMealOption(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_set_meal_option"
    __table_args__ = (sa.UniqueConstraint("group_id", "dish_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_set_meal_group.id", ondelete="CASCADE"), index=True)
    dish_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_dish.id"))
    portion: Mapped[str] = mapped_column(sa.String(8), default="full")

    group: Mapped[SetMealGroup] = relationship(back_populates="options")
    dish: Mapped[Dish] = relationship(lazy="joined")


class RetailItem(db.Model):  # type: ignore[name-defined]
    """Time-honoured brand goods (老字号) with their own stock, sold at any meal service."""

    __tablename__ = "canteen_retail_item"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "code"),
        sa.CheckConstraint("stock_remaining >= 0", name="stock_nonneg"),
        sa.CheckConstraint("price_fen >= 0", name="price_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    brand: Mapped[str] = mapped_column(sa.String(120), default="")
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    price_fen: Mapped[int] = mapped_column(sa.Integer)
    stock_remaining: Mapped[int] = mapped_column(sa.Integer, default=0)
    version: Mapped[int] = mapped_column(sa.Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class MealService(db.Model):  # type: ignore[name-defined]
    """One meal service (餐次) on one date: hours, order cut-off, dine-in/takeaway."""

    __tablename__ = "canteen_meal_service"
    __table_args__ = (sa.UniqueConstraint("community_id", "service_date", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    service_date: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(16))  # MEAL_KINDS
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    order_cutoff_at: Mapped[dt.datetime] = mapped_column()
    dine_in: Mapped[bool] = mapped_column(default=True)
    takeaway: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    def modes(self) -> list[str]:
        return [m for m, on in (("dine_in", self.dine_in), ("takeaway", self.takeaway)) if on]


class MenuRevision(db.Model):  # type: ignore[name-defined]
    """Bumped by every change to a community's menu (dishes, set meals, services, offers): part of the ETag."""

    __tablename__ = "canteen_menu_revision"

    community_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.Integer, default=0)
