"""Accounts of residents, volunteers, team leads and staff; they sign in at the hub."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.hub.extensions import db
from linli.shared.db import utcnow

ACCOUNT_KINDS = ("resident", "volunteer", "team_lead", "staff")


class Account(db.Model):  # type: ignore[name-defined]
    """A person who signs in. ``roles`` and ``communities`` become the token's claims.

    ``resident_id`` links the account to a resident record (people.Resident) when there is one.
    """

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), default="resident")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    communities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resident.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    locale: Mapped[str] = mapped_column(sa.String(8), default="zh_CN")
    disabled: Mapped[bool] = mapped_column(default=False)
    disabled_at: Mapped[dt.datetime | None]
    disabled_by: Mapped[str | None] = mapped_column(sa.String(64))
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    @property
    def subject(self) -> str:
        """The token's ``sub``: the account id as a string."""
        return str(self.id)

    def claims(self) -> dict[str, Any]:
        return {"roles": list(self.roles), "communities": list(self.communities), "name": self.display_name}
