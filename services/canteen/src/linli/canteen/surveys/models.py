"""Surveys: questions, one response per respondent (a diner, or a kiosk session when anonymous),
enforced by a unique key in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.canteen.extensions import db
from linli.shared.db import utcnow

QUESTION_KINDS = ("single", "multiple", "rating", "text")


class Survey(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_survey"
    __table_args__ = (sa.CheckConstraint("opens_on <= closes_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    intro_zh: Mapped[str] = mapped_column(sa.Text, default="")
    intro_en: Mapped[str] = mapped_column(sa.Text, default="")
    identified: Mapped[bool] = mapped_column(default=False)  # False: anonymous, one response per kiosk session
    opens_on: Mapped[dt.date] = mapped_column(sa.Date)
    closes_on: Mapped[dt.date] = mapped_column(sa.Date)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position", lazy="selectin", cascade="all, delete-orphan")


class SurveyQuestion(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_survey_question"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "position"),
        sa.CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in QUESTION_KINDS) + ")", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_survey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(12))
    text_zh: Mapped[str] = mapped_column(sa.String(300))
    text_en: Mapped[str] = mapped_column(sa.String(300))
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)  # [{value, label_zh, label_en}]
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_survey_response"
    __table_args__ = (sa.UniqueConstraint("survey_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_survey.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(sa.String(160))  # diner:<subject> or session:<kiosk session>
    diner_id: Mapped[str | None] = mapped_column(sa.String(120))  # only for identified surveys
    channel: Mapped[str] = mapped_column(sa.String(16), default="phone")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", order_by="SurveyAnswer.id",
                                                       lazy="selectin", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):  # type: ignore[name-defined]
    __tablename__ = "canteen_survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        sa.Index("ix_canteen_survey_answer_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("canteen_survey_question.id", ondelete="CASCADE"))
    choices: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    rating: Mapped[int | None] = mapped_column(sa.Integer)
    text: Mapped[str | None] = mapped_column(sa.Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
