"""Payments of an order, their refunds, and the Stripe events already handled."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.canteen.extensions import db
from linli.shared.db import utcnow

# created: row reserved, money not yet asked for; pending: waiting for confirmation (cash at the
# counter, a Stripe intent); succeeded: money received; failed / canceled: no money moved.
PAYMENT_STATES = ("created", "pending", "succeeded", "failed", "canceled")
OPEN_STATES = ("created", "pending")
REFUND_STATES = ("pending", "succeeded", "failed")


class Payment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_payment"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_pos"),
        sa.CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_within_amount"),
        # exactly one payment per order is the one whose success marked the order paid
        sa.UniqueConstraint("order_id", "completes_order"),
        sa.Index("ix_canteen_payment_community_confirmed", "community_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_order.id"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    diner_id: Mapped[str | None] = mapped_column(sa.String(120))
    provider: Mapped[str] = mapped_column(sa.String(32))
    amount_fen: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    state: Mapped[str] = mapped_column(sa.String(16), default="created")
    external_ref: Mapped[str | None] = mapped_column(sa.String(255), unique=True)  # Stripe PaymentIntent id
    refunded_fen: Mapped[int] = mapped_column(sa.Integer, default=0)
    failure_code: Mapped[str | None] = mapped_column(sa.String(64))
    completes_order: Mapped[bool | None] = mapped_column(sa.Boolean)  # True on one payment per order, else NULL
    needs_refund: Mapped[bool] = mapped_column(default=False)  # money arrived for an order that cannot be paid
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by: Mapped[str] = mapped_column(sa.String(120), default="anonymous")
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def refundable_fen(self) -> int:
        return self.amount_fen - self.refunded_fen if self.state == "succeeded" else 0


class PaymentRefund(db.Model):  # type: ignore[name-defined]
    """Money given back from one payment; ``refunded_fen`` on the payment counts pending ones too."""

    __tablename__ = "canteen_payment_refund"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_payment.id"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    provider: Mapped[str] = mapped_column(sa.String(32))
    amount_fen: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    external_ref: Mapped[str | None] = mapped_column(sa.String(255), unique=True)  # Stripe refund id
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column()


class StripeEvent(db.Model):  # type: ignore[name-defined]
    """A Stripe event id recorded in the same transaction as its work: a redelivery finds it here."""

    __tablename__ = "canteen_stripe_event"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    event_type: Mapped[str] = mapped_column(sa.String(120))
    payment_id: Mapped[int | None] = mapped_column(sa.Integer)
    outcome: Mapped[str] = mapped_column(sa.String(32), default="")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
