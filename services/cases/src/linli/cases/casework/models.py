"""Cases the residents' committee takes up (约请制): discover → consult → resolve → follow up.

A case moves only through :mod:`linli.cases.casework.lifecycle` (one transition table); every change
is a :class:`TimelineEntry`. The parties invited, the consultation meetings, the agreed actions and
the residents' ratings are rows of their own. :class:`Deadline` rows are the SLA milestones the
daily clearance board (日日清) reads: one per milestone, met or not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.cases.extensions import db
from linli.shared.db import utcnow

CASE_STATES = ("reported", "taken_up", "parties_invited", "consultation", "actions_agreed", "resolved",
               "follow_up", "satisfaction", "closed")
OPEN_STATES = CASE_STATES[:-1]
CATEGORIES = ("food_safety", "facilities", "environment", "safety", "parking", "property", "neighbourhood",
              "services", "other")
SOURCES = ("staff", "resident", "event", "open311")
PARTY_KINDS = ("department", "property", "owners_committee", "unit", "company", "other")
ANSWERS = ("pending", "accepted", "declined", "no_answer")
ACTION_STATES = ("agreed", "in_progress", "done", "dropped")
MILESTONES = ("first_response", "consultation", "resolution", "follow_up")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(db.Model):  # type: ignore[name-defined]
    __tablename__ = "case"
    __table_args__ = (
        sa.Index("ix_case_community_state", "community_id", "state"),
        sa.Index("ix_case_community_created", "community_id", "created_at"),
        sa.CheckConstraint(_in("state", CASE_STATES), name="state_known"),
        # PostgreSQL full-text search over words and CJK bigrams (casework.search); SQLite uses LIKE
        sa.Index("ix_case_search_vector", "search_vector", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16), default="reported")
    opened_by: Mapped[str] = mapped_column(sa.String(120))
    source: Mapped[str] = mapped_column(sa.String(32), default="staff")  # staff|resident|event|open311
    source_ref: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # event id: one case per event
    source_event_type: Mapped[str | None] = mapped_column(sa.String(120))
    public: Mapped[bool] = mapped_column(default=True)  # listed in Open311; event cases may hold personal data
    assigned_to: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    long: Mapped[float | None] = mapped_column(sa.Float)
    resolution_summary: Mapped[str | None] = mapped_column(sa.Text)
    funded_by: Mapped[list[str] | None] = mapped_column(sa.JSON)  # e.g. self-governance fund, property company
    reopened_count: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")  # words and CJK bigrams (casework.search)
    # PostgreSQL: to_tsvector('simple', search_text), stored so that a filter need not compute it per row
    search_vector: Mapped[str | None] = mapped_column(sa.Text().with_variant(TSVECTOR(), "postgresql"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    timeline: Mapped[list[TimelineEntry]] = relationship(order_by="TimelineEntry.id", lazy="raise_on_sql",
                                                         viewonly=True)


class CaseResident(db.Model):  # type: ignore[name-defined]
    """A resident who reported the case or is affected by it: they follow its progress and rate it."""

    __tablename__ = "case_resident"
    __table_args__ = (sa.UniqueConstraint("case_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(120), index=True)  # token subject
    relation: Mapped[str] = mapped_column(sa.String(16), default="reporter")  # reporter|affected


class TimelineEntry(db.Model):  # type: ignore[name-defined]
    """One change of a case: who, when, what; ``public`` entries are what residents see."""

    __tablename__ = "case_timeline_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(120))
    action: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(16))
    to_state: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    public: Mapped[bool] = mapped_column(default=True)


class Invitation(db.Model):  # type: ignore[name-defined]
    """A party the committee invites (约请): a department, the property company, the owners' committee."""

    __tablename__ = "case_invitation"
    __table_args__ = (sa.CheckConstraint(_in("answer", ANSWERS), name="answer_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    party_kind: Mapped[str] = mapped_column(sa.String(32))
    party_name: Mapped[str] = mapped_column(sa.String(200))
    contact_person: Mapped[str] = mapped_column(sa.String(120), default="")
    answer_due_on: Mapped[dt.date] = mapped_column(sa.Date)
    answer: Mapped[str] = mapped_column(sa.String(16), default="pending")
    answer_note: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column()
    invited_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def effective_answer(self, today: dt.date) -> str:
        """No answer by the due date reads as ``no_answer`` wherever it is read."""
        if self.answer == "pending" and today > self.answer_due_on:
            return "no_answer"
        return self.answer


class Meeting(db.Model):  # type: ignore[name-defined]
    """A face-to-face consultation (面对面协商): when, where, who came, the minutes."""

    __tablename__ = "case_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    held_at: Mapped[dt.datetime] = mapped_column()
    place: Mapped[str] = mapped_column(sa.String(200))
    attendees: Mapped[list[str]] = mapped_column(sa.JSON)
    minutes: Mapped[str] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Action(db.Model):  # type: ignore[name-defined]
    """An agreed action: who does what by when, and the evidence that it was done."""

    __tablename__ = "case_action"
    __table_args__ = (sa.CheckConstraint(_in("state", ACTION_STATES), name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    responsible_party: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(16), default="agreed")
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    done_at: Mapped[dt.datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Rating(db.Model):  # type: ignore[name-defined]
    """A resident's satisfaction with how the case was handled: one per resident and case."""

    __tablename__ = "case_rating"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "rater"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    rater: Mapped[str] = mapped_column(sa.String(120))
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Deadline(db.Model):  # type: ignore[name-defined]
    """An SLA milestone of a case: due at, met at (None while open). The clearance board reads these."""

    __tablename__ = "case_deadline"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "milestone", "round"),
        sa.Index("ix_case_deadline_open", "community_id", "met_at", "due_at"),
        sa.Index("ix_case_deadline_due", "community_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    milestone: Mapped[str] = mapped_column(sa.String(16))
    round: Mapped[int] = mapped_column(default=0)  # a reopened case starts a new round of milestones
    due_at: Mapped[dt.datetime] = mapped_column()
    met_at: Mapped[dt.datetime | None] = mapped_column()
