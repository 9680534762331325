"""Tables every service keeps in its own database: outbox, inbox, idempotency, audit log.

The shared library cannot know a service's ``db``, so :func:`define_shared_models` declares
these tables on the metadata it is given; each service calls it once in its models package.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from linli.shared.db import utcnow


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class SharedModels:
    OutboxEvent: Any
    OutboxDelivery: Any
    InboxEvent: Any
    IdempotencyRecord: Any
    AuditLogEntry: Any


def define_shared_models(db: SQLAlchemy) -> SharedModels:
    Model: Any = db.Model

    class OutboxEvent(Model):
        """An event written in the same transaction as the change it announces."""

        __tablename__ = "linli_outbox_event"
        id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
        event_type: Mapped[str] = mapped_column(sa.String(120))
        community_id: Mapped[str | None] = mapped_column(sa.String(64))
        payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
        created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    class OutboxDelivery(Model):
        """One event to one subscriber: retried with backoff until delivered or dead."""

        __tablename__ = "linli_outbox_delivery"
        __table_args__ = (
            sa.UniqueConstraint("event_id", "subscriber"),
            sa.Index("ix_linli_outbox_delivery_due", "status", "next_attempt_at"),
        )
        id: Mapped[int] = mapped_column(primary_key=True)
        event_id: Mapped[str] = mapped_column(sa.ForeignKey("linli_outbox_event.id", ondelete="CASCADE"))
        subscriber: Mapped[str] = mapped_column(sa.String(64))
        status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending|delivered|dead
        attempts: Mapped[int] = mapped_column(default=0)
        next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
        delivered_at: Mapped[dt.datetime | None]
        last_error: Mapped[str | None] = mapped_column(sa.Text)

    class InboxEvent(Model):
        """Event ids already handled: a duplicate delivery finds its id here and is dropped."""

        __tablename__ = "linli_inbox_event"
        id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
        source: Mapped[str] = mapped_column(sa.String(64))
        event_type: Mapped[str] = mapped_column(sa.String(120))
        received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    class IdempotencyRecord(Model):
        __tablename__ = "linli_idempotency_record"
        __table_args__ = (sa.UniqueConstraint("scope", "key"),)
        id: Mapped[int] = mapped_column(primary_key=True)
        scope: Mapped[str] = mapped_column(sa.String(255))
        key: Mapped[str] = mapped_column(sa.String(255))
        # an anonymous caller's session id: only that caller gets the stored response replayed
        caller: Mapped[str | None] = mapped_column(sa.String(64))
        fingerprint: Mapped[str] = mapped_column(sa.String(64))
        state: Mapped[str] = mapped_column(sa.String(16), default="processing")  # processing|done
        response_status: Mapped[int | None]
        response_headers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
        response_body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
        created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    class AuditLogEntry(Model):
        """Who read or changed personal data, when, and why it mattered."""

        __tablename__ = "linli_audit_log"
        id: Mapped[int] = mapped_column(primary_key=True)
        at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
        actor: Mapped[str] = mapped_column(sa.String(120))
        action: Mapped[str] = mapped_column(sa.String(64))
        subject_type: Mapped[str] = mapped_column(sa.String(64))
        subject_id: Mapped[str] = mapped_column(sa.String(64))
        community_id: Mapped[str | None] = mapped_column(sa.String(64))
        request_id: Mapped[str | None] = mapped_column(sa.String(64))
        detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    return SharedModels(OutboxEvent, OutboxDelivery, InboxEvent, IdempotencyRecord, AuditLogEntry)
