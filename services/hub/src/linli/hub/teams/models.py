"""Resident teams (团队), e.g. the hulusi band (葫芦丝乐队) or the opera class (戏曲班)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.hub.extensions import db
from linli.shared.db import utcnow


class Team(db.Model):  # type: ignore[name-defined]
    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("community_id", "name_zh"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    lead_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    members: Mapped[list[TeamMember]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     order_by="TeamMember.id")

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


class TeamMember(db.Model):  # type: ignore[name-defined]
    __tablename__ = "team_member"
    __table_args__ = (sa.UniqueConstraint("team_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
