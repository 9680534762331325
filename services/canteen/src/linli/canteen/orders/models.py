"""Orders (订单). ``Order`` is the contract with the payments module: see ``orders.service``
(``get_order``, ``lock_order``, ``mark_paid``, ``mark_refunded``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.canteen.extensions import db
from linli.canteen.orders.states import KITCHEN_STATES, ORDER_STATES  # noqa: F401  (KITCHEN_STATES: read from here too)
from linli.shared.db import utcnow

LINE_KINDS = ("dish", "set_meal", "retail")


class Order(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_order"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "pickup_date", "pickup_number"),
        sa.Index("ix_canteen_order_service_state", "meal_service_id", "state"),
        sa.Index("ix_canteen_order_state_expires", "state", "expires_at"),
        sa.CheckConstraint("total_fen >= 0", name="total_nonneg"),
        sa.CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in ORDER_STATES) + ")", name="state_known"),
        sa.CheckConstraint("pickup_number > 0", name="pickup_number_pos"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    diner_id: Mapped[str | None] = mapped_column(sa.String(120), index=True)  # account subject; None = anonymous
    meal_service_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_meal_service.id"))
    channel: Mapped[str] = mapped_column(sa.String(16), default="api")  # kiosk|phone|counter|api
    mode: Mapped[str] = mapped_column(sa.String(16), default="dine_in")  # dine_in|takeaway
    pickup_number: Mapped[int] = mapped_column(sa.Integer)
    pickup_date: Mapped[dt.date] = mapped_column(sa.Date)
    pickup_ref: Mapped[str] = mapped_column(sa.String(32), unique=True)
    pickup_time: Mapped[dt.datetime | None] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(20), default="pending_payment")
    subtotal_fen: Mapped[int] = mapped_column(sa.Integer)
    adjustments_fen: Mapped[int] = mapped_column(sa.Integer, default=0)
    total_fen: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    expires_at: Mapped[dt.datetime] = mapped_column()
    stock_released: Mapped[bool] = mapped_column(default=False)
    paid_at: Mapped[dt.datetime | None] = mapped_column()
    preparing_at: Mapped[dt.datetime | None] = mapped_column()
    ready_at: Mapped[dt.datetime | None] = mapped_column()
    collected_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()
    refunded_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", lazy="selectin", cascade="all, delete-orphan"
    )
    adjustments: Mapped[list[OrderAdjustment]] = relationship(
        back_populates="order", order_by="OrderAdjustment.id", lazy="selectin", cascade="all, delete-orphan"
    )

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        if self.state == "expired":
            return True
        return self.state == "pending_payment" and self.expires_at <= (now or utcnow())

    @property
    def effective_state(self) -> str:
        """The state as it is now: an unpaid order past ``expires_at`` is expired even before ``tick`` runs."""
        return "expired" if self.is_expired() else self.state


class OrderLine(db.Model):  # type: ignore[name-defined]
    """One line: a dish in a portion, a set meal with its chosen items, or a retail good."""

    __tablename__ = "canteen_order_line"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_pos"),
        sa.CheckConstraint("unit_price_fen >= 0", name="unit_price_nonneg"),
        sa.CheckConstraint("kind IN ('dish', 'set_meal', 'retail')", name="kind_known"),
        sa.CheckConstraint("portion IS NULL OR portion IN ('full', 'half')", name="portion_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # LINE_KINDS
    dish_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_dish.id"))
    portion: Mapped[str | None] = mapped_column(sa.String(8))
    set_meal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_set_meal.id"))
    retail_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_retail_item.id"))
    choices: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)  # [{dish_id, portion, name_zh, name_en}]
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    unit_price_fen: Mapped[int] = mapped_column(sa.Integer)
    line_total_fen: Mapped[int] = mapped_column(sa.Integer)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderAdjustment(db.Model):  # type: ignore[name-defined]
    """A price adjustment from the ``price_adjustments`` hook (negative = discount)."""

    __tablename__ = "canteen_order_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_order.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    label_zh: Mapped[str] = mapped_column(sa.String(120))
    label_en: Mapped[str] = mapped_column(sa.String(120))
    amount_fen: Mapped[int] = mapped_column(sa.Integer)

    order: Mapped[Order] = relationship(back_populates="adjustments")


class PickupCounter(db.Model):  # type: ignore[name-defined]
    """The last pickup number handed out per canteen (community) per day."""

    __tablename__ = "canteen_pickup_counter"

    community_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    pickup_date: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer, default=0)
