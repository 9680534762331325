"""Open311 GeoReport v2: the API keys clients post with, and what a posted request carried."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.cases.extensions import db
from linli.shared.db import utcnow


class ApiKey(db.Model):  # type: ignore[name-defined]
    """A client allowed to post requests for one jurisdiction (community); only a hash is kept."""

    __tablename__ = "open311_api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(120))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ServiceRequest(db.Model):  # type: ignore[name-defined]
    """A posted Open311 request: the case it opened, its token and what the client sent."""

    __tablename__ = "open311_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    service_code: Mapped[str] = mapped_column(sa.String(64))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("open311_api_key.id", ondelete="RESTRICT"))
    address_id: Mapped[str | None] = mapped_column(sa.String(120))
    zipcode: Mapped[str | None] = mapped_column(sa.String(16))
    media_url: Mapped[str | None] = mapped_column(sa.String(500))
    attributes: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    contact: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)  # email, names, phone as posted
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
