"""Diner profiles and meal cards (stored value, kept as a ledger)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.canteen.extensions import db
from linli.shared.db import utcnow

# special groups (特殊群体) a diner may belong to
GROUPS = ("elderly_alone", "disabled")  # 孤老, 残疾人
ENTRY_KINDS = ("top_up", "charge", "refund")
DINER_ID_MAX = 120


class DinerProfile(db.Model):  # type: ignore[name-defined]
    """A diner's canteen profile in one community; ``diner_id`` is the account subject."""

    __tablename__ = "canteen_diner"
    __table_args__ = (sa.UniqueConstraint("community_id", "diner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    diner_id: Mapped[str] = mapped_column(sa.String(120))
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(32), index=True)  # digits only; for the counter's lookup
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    subsidy_eligible: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(16), default="staff")  # staff|hub
    updated_by: Mapped[str] = mapped_column(sa.String(120), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MealCard(db.Model):  # type: ignore[name-defined]
    """A stored-value meal card; the balance is the sum of its ledger and never below zero."""

    __tablename__ = "canteen_meal_card"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "diner_id"),
        sa.CheckConstraint("balance_fen >= 0", name="balance_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    diner_id: Mapped[str] = mapped_column(sa.String(120))
    balance_fen: Mapped[int] = mapped_column(sa.Integer, default=0)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MealCardEntry(db.Model):  # type: ignore[name-defined]
    """One ledger line: + top-up / refund, - charge; ``balance_after_fen`` as the UPDATE left it."""

    __tablename__ = "canteen_meal_card_entry"
    __table_args__ = (
        sa.CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
        sa.CheckConstraint("balance_after_fen >= 0", name="balance_after_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_meal_card.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # ENTRY_KINDS
    amount_fen: Mapped[int] = mapped_column(sa.Integer)  # signed
    balance_after_fen: Mapped[int] = mapped_column(sa.Integer)
    payment_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    request_ref: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # a form's one-time token
    created_by: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "amount_fen": self.amount_fen,
                "balance_after_fen": self.balance_after_fen, "payment_id": self.payment_id,
                "created_at": self.created_at}


class KioskCard(db.Model):  # type: ignore[name-defined]
    """A diner's card number and PIN for the kiosk (see ``diners.kiosk_card``)."""

    __tablename__ = "canteen_kiosk_card"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "card_number"),
        sa.UniqueConstraint("community_id", "diner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    diner_id: Mapped[str] = mapped_column(sa.String(DINER_ID_MAX))
    card_number: Mapped[str] = mapped_column(sa.String(16))
    pin_hash: Mapped[str] = mapped_column(sa.String(200))
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    issued_by: Mapped[str] = mapped_column(sa.String(120))
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
