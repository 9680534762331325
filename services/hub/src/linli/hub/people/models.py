"""Households and residents: personal data, visible only to staff of the community.

Groups (``孤老`` elderly living alone, ``残疾人`` disabled, ...) are rows of
:class:`ResidentGroup` so that "special-group households" is a plain query on both engines.
Age bands (60+/70+/80+) are not stored: they follow from ``birth_date`` and the community's
settings (see ``people.ages.age_band``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.hub.extensions import db
from linli.shared.db import utcnow

# group code -> (zh, en); "special" groups are visited often and every read of their household is audited
GROUPS: dict[str, tuple[str, str]] = {
    "elderly_alone": ("孤老", "elderly living alone"),
    "disabled": ("残疾人", "disabled"),
    "low_income": ("低保", "low income"),
    "foreign": ("外籍", "foreign resident"),
}
SPECIAL_GROUPS = frozenset({"elderly_alone", "disabled"})


class Household(db.Model):  # type: ignore[name-defined]
    __tablename__ = "household"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "compound", "building", "unit", "room"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    compound: Mapped[str] = mapped_column(sa.String(120))  # 小区
    building: Mapped[str] = mapped_column(sa.String(32))  # 号楼
    unit: Mapped[str] = mapped_column(sa.String(32), default="")  # 单元
    room: Mapped[str] = mapped_column(sa.String(32))  # 室
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    residents: Mapped[list[Resident]] = relationship(back_populates="household", order_by="Resident.id")

    @property
    def address(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.compound}{self.building}号{unit}{self.room}室"


class Resident(db.Model):  # type: ignore[name-defined]
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    gender: Mapped[str | None] = mapped_column(sa.String(8))
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # e.g. ["zh", "shanghainese", "en"]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(back_populates="residents")
    group_rows: Mapped[list[ResidentGroup]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def groups(self) -> list[str]:
        return sorted(row.group for row in self.group_rows)


class ResidentGroup(db.Model):  # type: ignore[name-defined]
    __tablename__ = "resident_group"

    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True)
    group: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)
