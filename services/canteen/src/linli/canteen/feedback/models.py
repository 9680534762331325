"""Feedback on an order: ratings of its dishes (1–5) and a comment; a comment may be a complaint,
which, once raised, is followed to the case the residents' committee opened for it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.canteen.extensions import db
from linli.shared.db import utcnow

CHANNELS = ("kiosk", "phone", "counter", "survey")
COMPLAINT_STATES = ("raised", "taken_up")


class Feedback(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_feedback"
    __table_args__ = (
        sa.CheckConstraint("channel IN (" + ", ".join(f"'{c}'" for c in CHANNELS) + ")", name="channel_known"),
        sa.CheckConstraint("complaint_state IS NULL OR complaint_state IN ('raised', 'taken_up')",
                           name="complaint_state_known"),
        sa.Index("ix_canteen_feedback_community_created", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(sa.String(32), unique=True)  # the diner's receipt: status page link
    community_id: Mapped[str] = mapped_column(sa.String(64))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_order.id"), unique=True)  # one per order
    survey_answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_survey_answer.id"), unique=True)
    diner_id: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    is_complaint: Mapped[bool] = mapped_column(default=False)
    dish_id: Mapped[int | None] = mapped_column(sa.ForeignKey("canteen_dish.id"))  # what the complaint is about
    entered_by: Mapped[str | None] = mapped_column(sa.String(120))  # counter staff typing a card
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    complaint_state: Mapped[str | None] = mapped_column(sa.String(12))
    complaint_event_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    raised_at: Mapped[dt.datetime | None] = mapped_column()
    raised_by: Mapped[str | None] = mapped_column(sa.String(120))
    case_id: Mapped[str | None] = mapped_column(sa.String(64))
    case_reference: Mapped[str | None] = mapped_column(sa.String(64))
    case_state: Mapped[str | None] = mapped_column(sa.String(32))
    taken_up_at: Mapped[dt.datetime | None] = mapped_column()

    ratings: Mapped[list[DishRating]] = relationship(back_populates="feedback", order_by="DishRating.id",
                                                     lazy="selectin", cascade="all, delete-orphan")


class DishRating(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_dish_rating"
    __table_args__ = (
        sa.UniqueConstraint("feedback_id", "dish_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.Index("ix_canteen_dish_rating_dish", "community_id", "dish_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_feedback.id", ondelete="CASCADE"))
    community_id: Mapped[str] = mapped_column(sa.String(64))
    dish_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_dish.id"))
    rating: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    feedback: Mapped[Feedback] = relationship(back_populates="ratings")
