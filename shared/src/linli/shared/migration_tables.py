"""The tables every service keeps in its own database (outbox, inbox, idempotency, audit log),
as Alembic operations that each service's first migration calls: one definition, three databases.

The DDL is exactly what the services' first migrations always created, so a database migrated
before this helper existed is already at that revision and upgrades as before.
A later change to ``linli.shared.models`` gets a new function here and a new migration per service.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from linli.shared.db import UTCDateTime


def create_shared_tables() -> None:
    op.create_table(
        "linli_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linli_audit_log")),
    )
    with op.batch_alter_table("linli_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_linli_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "linli_idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linli_idempotency_record")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_linli_idempotency_record_scope_key")),
    )
    op.create_table(
        "linli_inbox_event",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linli_inbox_event")),
    )
    op.create_table(
        "linli_outbox_event",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linli_outbox_event")),
    )
    op.create_table(
        "linli_outbox_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("subscriber", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["linli_outbox_event.id"],
            name=op.f("fk_linli_outbox_delivery_event_id_linli_outbox_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linli_outbox_delivery")),
        sa.UniqueConstraint(
            "event_id", "subscriber", name=op.f("uq_linli_outbox_delivery_event_id_subscriber")
        ),
    )
    with op.batch_alter_table("linli_outbox_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_linli_outbox_delivery_due", ["status", "next_attempt_at"], unique=False
        )


def drop_shared_tables() -> None:
    with op.batch_alter_table("linli_outbox_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_linli_outbox_delivery_due")

    op.drop_table("linli_outbox_delivery")
    op.drop_table("linli_outbox_event")
    op.drop_table("linli_inbox_event")
    op.drop_table("linli_idempotency_record")
    with op.batch_alter_table("linli_audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linli_audit_log_at"))

    op.drop_table("linli_audit_log")


def add_idempotency_caller() -> None:
    """2026-12-02: an idempotency record remembers the anonymous caller it may be replayed to."""
    with op.batch_alter_table("linli_idempotency_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caller", sa.String(length=64), nullable=True))


def drop_idempotency_caller() -> None:
    with op.batch_alter_table("linli_idempotency_record", schema=None) as batch_op:
        batch_op.drop_column("caller")
