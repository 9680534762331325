"""Opinion solicitation (居民意愿征询): polls with options, one vote per household.

Households are the hub's: the hub announces each one with ``hub.household.changed`` and this
service keeps the few fields a poll needs in :class:`Household` (never typed in by hand).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.cases.extensions import db
from linli.shared.db import utcnow

POLL_KINDS = ("beautiful_home", "beautiful_stairway", "renovation", "other")


class Household(db.Model):  # type: ignore[name-defined]
    """A household as the hub last announced it (id = the hub's household id)."""

    __tablename__ = "household"
    __table_args__ = (sa.Index("ix_household_community_active", "community_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Poll(db.Model):  # type: ignore[name-defined]
    __tablename__ = "poll"
    __table_args__ = (sa.Index("ix_poll_community_closes", "community_id", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), default="other")
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    question: Mapped[str] = mapped_column(sa.Text, default="")
    closes_at: Mapped[dt.datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh


class PollOption(db.Model):  # type: ignore[name-defined]
    __tablename__ = "poll_option"
    __table_args__ = (sa.UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    label_zh: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200), default="")

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") and self.label_en else self.label_zh


class Vote(db.Model):  # type: ignore[name-defined]
    """One household's vote: the unique constraint is what makes it one."""

    __tablename__ = "poll_vote"
    __table_args__ = (sa.UniqueConstraint("poll_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("poll.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("poll_option.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    cast_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
