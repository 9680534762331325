"""Cases the residents' committee takes up (约请制): discover → consult → resolve."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.cases.extensions import db
from linli.shared.db import utcnow

CASE_STATES = ("open", "consulting", "resolving", "resolved", "closed")


class Case(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "case"
    __table_args__ = (sa.Index("ix_case_community_state", "community_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16), default="open")
    opened_by: Mapped[str] = mapped_column(sa.String(120))
    source: Mapped[str] = mapped_column(sa.String(32), default="staff")  # staff|event|open311
    source_ref: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
