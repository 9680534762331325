"""Appointments at the front desk or at home: slots with a capacity, the pre-review checklist
(网上预审), uploaded documents (files under the var dir, never in the database) and, for delegated
items (委托办理), who carries the originals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from linli.cases.extensions import db
from linli.shared.db import utcnow

APPOINTMENT_STATES = ("requested", "pre_review", "needs_more", "ready", "done", "cancelled", "no_show")
ACTIVE_STATES = ("requested", "pre_review", "needs_more", "ready")
CHECK_STATES = ("pending", "passed", "missing", "needs_correction")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Slot(db.Model):  # type: ignore[name-defined]
    """A time the front desk (or a staff member going door to door) can take appointments.

    ``booked`` never exceeds ``capacity``: bookings raise it with a conditional UPDATE and the
    database checks it too.
    """

    __tablename__ = "appointment_slot"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        sa.Index("ix_appointment_slot_community_start", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    capacity: Mapped[int] = mapped_column()
    booked: Mapped[int] = mapped_column(default=0)
    door_to_door: Mapped[bool] = mapped_column(default=False)  # a staff member goes out in this slot
    staff_member: Mapped[str] = mapped_column(sa.String(120), default="")
    created_by: Mapped[str] = mapped_column(sa.String(120))


class Appointment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "appointment"
    __table_args__ = (
        sa.CheckConstraint(_in("state", APPOINTMENT_STATES), name="state_known"),
        sa.Index("ix_appointment_community_state", "community_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[str] = mapped_column(sa.String(64))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_slot.id", ondelete="RESTRICT"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(64))
    mode: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(16), default="requested")
    resident_subject: Mapped[str] = mapped_column(sa.String(120), index=True)  # whose appointment it is
    resident_name: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")  # for door-to-door
    note: Mapped[str] = mapped_column(sa.Text, default="")
    booked_by: Mapped[str] = mapped_column(sa.String(120))
    delegated: Mapped[bool] = mapped_column(default=False)
    originals_carrier: Mapped[str | None] = mapped_column(sa.String(120))  # who carries the originals
    originals_collected_at: Mapped[dt.datetime | None] = mapped_column()
    originals_returned_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChecklistEntry(db.Model):  # type: ignore[name-defined]
    """One document the item needs, as the pre-review found it."""

    __tablename__ = "appointment_check"
    __table_args__ = (
        sa.UniqueConstraint("appointment_id", "document_code"),
        sa.CheckConstraint(_in("status", CHECK_STATES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id", ondelete="CASCADE"), index=True)
    document_code: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    checked_by: Mapped[str | None] = mapped_column(sa.String(120))
    checked_at: Mapped[dt.datetime | None] = mapped_column()


class Document(db.Model):  # type: ignore[name-defined]
    """An uploaded file: the row says where it lies under the upload directory, not its bytes."""

    __tablename__ = "appointment_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id", ondelete="CASCADE"), index=True)
    document_code: Mapped[str] = mapped_column(sa.String(32))
    original_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(200), unique=True)  # relative to the upload dir
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(sa.String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
