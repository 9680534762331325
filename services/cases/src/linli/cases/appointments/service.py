"""Appointments for service items, callable without HTTP: slots, booking, the pre-review checklist,
uploads, delegated originals, the day's list.

A slot is never overbooked: a booking raises ``booked`` with one conditional UPDATE
(``... WHERE booked < capacity``) and checks the row count; the table's CHECK backs it up.
An appointment moves through :data:`MOVES` (one table) and a wrong move is a 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app

from linli.cases.appointments.models import (
    ACTIVE_STATES,
    Appointment,
    ChecklistEntry,
    Document,
    Slot,
)
from linli.cases.casework.sla import local_midnight
from linli.cases.catalogue.service import find_item
from linli.cases.extensions import db
from linli.shared.auth import STAFF_ROLES, Identity
from linli.shared.db import changed_rows, lock_for_update, utcnow
from linli.shared.errors import Conflict, Forbidden, NotFound, Problem, Unprocessable
from linli.shared.state import service_state

DEFAULT_MAX_UPLOAD = 5 * 1024 * 1024
# what a file must start with to be what it says (the client's Content-Type is not trusted)
SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
              b"%PDF-": ("application/pdf", ".pdf")}

# action -> {from state: to state}
MOVES: dict[str, dict[str, str]] = {
    "start_review": {"requested": "pre_review", "needs_more": "pre_review"},
    "checked_ready": {"pre_review": "ready"},
    "checked_needs_more": {"pre_review": "needs_more"},
    "complete": {"ready": "done"},
    "cancel": {"requested": "cancelled", "pre_review": "cancelled", "needs_more": "cancelled", "ready": "cancelled"},
    "no_show": {"requested": "no_show", "ready": "no_show"},
}


class TooLarge(Problem):
    status, code, title = 413, "file_too_large", "Content too large"


class UnsupportedType(Problem):
    status, code, title = 415, "unsupported_file_type", "Unsupported media type"


def is_staff_of(identity: Identity, community_id: str) -> bool:
    return identity.is_staff_of(community_id)


def require_staff(identity: Identity, community_id: str) -> None:
    identity.require_community(community_id)
    if not identity.has_role(*STAFF_ROLES):
        raise Forbidden("Only the committee's staff do this.", code="missing_role")


def move(appointment: Appointment, action: str, now: dt.datetime) -> None:
    target = MOVES[action].get(appointment.state)
    if target is None:
        raise Conflict(f"An appointment that is {appointment.state} cannot '{action}'.", code="invalid_transition",
                       state=appointment.state, action=action,
                       allowed=[a for a, m in MOVES.items() if appointment.state in m])
    appointment.state = target
    appointment.updated_at = now


# --- slots -------------------------------------------------------------------------------------


def create_slot(identity: Identity, *, community_id: str, starts_at: dt.datetime, ends_at: dt.datetime,
                capacity: int, door_to_door: bool = False, staff_member: str = "") -> Slot:
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    slot = Slot(community_id=community_id, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                door_to_door=door_to_door, staff_member=staff_member, created_by=identity.subject)
    db.session.add(slot)
    db.session.commit()
    return slot


def list_slots(community_id: str, *, start: dt.datetime | None = None, end: dt.datetime | None = None,
               free_only: bool = False) -> list[Slot]:
    service_state().communities.require(community_id)
    start = start or utcnow()
    query = sa.select(Slot).where(Slot.community_id == community_id, Slot.ends_at > start)
    if end is not None:
        query = query.where(Slot.starts_at < end)
    if free_only:
        query = query.where(Slot.booked < Slot.capacity)
    return list(db.session.scalars(query.order_by(Slot.starts_at, Slot.id).limit(500)))


# --- booking -----------------------------------------------------------------------------------


def book(identity: Identity, slot_id: int, *, item_code: str, mode: str, resident_name: str = "", phone: str = "",
         address: str = "", note: str = "", on_behalf_of: str | None = None) -> Appointment:
    """Book a place in a slot for an item and a mode; staff book for a resident on the phone."""
    now = utcnow()
    slot = db.session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(f"No appointment slot {slot_id}.", code="slot_not_found")
    identity.require_community(slot.community_id)
    subject = identity.subject
    if on_behalf_of is not None:  # the front desk books for a resident who phoned (电话预约)
        require_staff(identity, slot.community_id)
        subject = on_behalf_of
    item = find_item(slot.community_id, item_code)
    if mode not in item.modes:
        raise Unprocessable(f"'{item.name_en}' is not offered {mode}.", code="mode_not_offered", modes=list(item.modes))
    if (mode == "door_to_door") != slot.door_to_door:
        raise Unprocessable("Door-to-door visits are booked in door-to-door slots, and only they.",
                            code="wrong_slot_for_mode")
    if mode == "door_to_door" and not address.strip():
        raise Unprocessable("A door-to-door visit needs the address.", code="address_required")
    if slot.starts_at <= now:
        raise Conflict("This slot has begun or is over.", code="slot_over")
    taken = changed_rows(db.session.execute(
        sa.update(Slot).where(Slot.id == slot.id, Slot.booked < Slot.capacity).values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)))
    if not taken:
        raise Conflict("This slot is fully booked.", code="slot_full")
    appointment = Appointment(
        community_id=slot.community_id, slot_id=slot.id, item_code=item.code, mode=mode, resident_subject=subject,
        resident_name=resident_name, phone=phone, address=address, note=note, booked_by=identity.subject,
        delegated=item.delegated, created_at=now, updated_at=now)
    db.session.add(appointment)
    db.session.flush()
    if item.online_prereview:
        for code in item.documents:
            db.session.add(ChecklistEntry(appointment_id=appointment.id, document_code=code))
    db.session.commit()
    return appointment


def _appointment(appointment_id: int, *, lock: bool = False) -> Appointment:
    query = sa.select(Appointment).where(Appointment.id == appointment_id)
    if lock:
        query = lock_for_update(query)
    appointment = db.session.scalars(query).first()
    if appointment is None:
        raise NotFound(f"No appointment {appointment_id}.", code="appointment_not_found")
    return appointment


def readable(identity: Identity, appointment_id: int, *, lock: bool = False) -> Appointment:
    """The resident's own appointment, or any of the community for its staff; else 403."""
    appointment = _appointment(appointment_id, lock=lock)
    if appointment.resident_subject != identity.subject and not is_staff_of(identity, appointment.community_id):
        raise Forbidden("This is someone else's appointment.", code="not_your_appointment")
    return appointment


@dataclass
class AppointmentDetail:
    appointment: Appointment
    slot: Slot
    checklist: list[ChecklistEntry]
    documents: list[Document]

    def as_dict(self) -> dict[str, Any]:
        a = self.appointment
        data = {prop.key: getattr(a, prop.key) for prop in sa.inspect(Appointment).column_attrs}
        return {**data, "starts_at": self.slot.starts_at, "ends_at": self.slot.ends_at,
                "checklist": self.checklist, "documents": self.documents}


def detail(appointment: Appointment) -> AppointmentDetail:
    return AppointmentDetail(
        appointment, db.session.get_one(Slot, appointment.slot_id),
        list(db.session.scalars(sa.select(ChecklistEntry).where(ChecklistEntry.appointment_id == appointment.id)
                                .order_by(ChecklistEntry.id))),
        list(db.session.scalars(sa.select(Document).where(Document.appointment_id == appointment.id)
                                .order_by(Document.id))))


def get_appointment(identity: Identity, appointment_id: int) -> AppointmentDetail:
    return detail(readable(identity, appointment_id))


def my_appointments(identity: Identity) -> list[Appointment]:
    return list(db.session.scalars(sa.select(Appointment).where(Appointment.resident_subject == identity.subject)
                                   .order_by(Appointment.id.desc())))


def day_list(identity: Identity, community_id: str, day: dt.date) -> list[tuple[Appointment, Slot]]:
    """The day's appointments (Shanghai day), by start time: what the front desk works through."""
    service_state().communities.require(community_id)
    require_staff(identity, community_id)
    return todays(community_id, day)


def todays(community_id: str, day: dt.date, states: tuple[str, ...] = ()) -> list[tuple[Appointment, Slot]]:
    query = (sa.select(Appointment, Slot).join(Slot, Slot.id == Appointment.slot_id)
             .where(Appointment.community_id == community_id, Slot.starts_at >= local_midnight(day),
                    Slot.starts_at < local_midnight(day + dt.timedelta(days=1))))
    if states:
        query = query.where(Appointment.state.in_(states))
    return [(a, s) for a, s in db.session.execute(query.order_by(Slot.starts_at, Appointment.id)).tuples()]


# --- the appointment's life --------------------------------------------------------------------


def change(identity: Identity, appointment_id: int, action: str) -> Appointment:
    """start_review, complete, no_show (staff); cancel (the resident too). Cancelling frees the place."""
    now = utcnow()
    appointment = readable(identity, appointment_id, lock=True)
    if action != "cancel":
        require_staff(identity, appointment.community_id)
    if action == "complete" and appointment.state == "requested":
        item = find_item(appointment.community_id, appointment.item_code)
        if not item.online_prereview:  # nothing to pre-review: straight to the desk
            appointment.state = "ready"
    move(appointment, action, now)
    if action == "cancel":
        db.session.execute(sa.update(Slot).where(Slot.id == appointment.slot_id, Slot.booked > 0)
                           .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))
    db.session.commit()
    return appointment


def check_documents(identity: Identity, appointment_id: int, checks: list[dict[str, str]]) -> AppointmentDetail:
    """Tick documents passed / missing / needs correction; all passed → ready, any refused → needs_more."""
    now = utcnow()
    appointment = _appointment(appointment_id, lock=True)
    require_staff(identity, appointment.community_id)
    if appointment.state != "pre_review":
        raise Conflict("Documents are checked while the appointment is in pre-review.", code="invalid_transition",
                       state=appointment.state, action="check_documents")
    entries = {e.document_code: e for e in db.session.scalars(
        sa.select(ChecklistEntry).where(ChecklistEntry.appointment_id == appointment.id))}
    for check in checks:
        entry = entries.get(check["document_code"])
        if entry is None:
            raise Unprocessable(f"This item does not need '{check['document_code']}'.", code="not_on_checklist")
        entry.status, entry.note = check["status"], check.get("note", "")
        entry.checked_by, entry.checked_at = identity.subject, now
    statuses = {e.status for e in entries.values()}
    if statuses & {"missing", "needs_correction"}:
        move(appointment, "checked_needs_more", now)
    elif statuses == {"passed"}:
        move(appointment, "checked_ready", now)
    db.session.commit()
    return detail(appointment)


def record_originals(identity: Identity, appointment_id: int, *, carrier: str, collected_at: dt.datetime,
                     returned_at: dt.datetime | None = None) -> Appointment:
    """A delegated item: who carries the resident's originals, when collected and returned."""
    appointment = _appointment(appointment_id, lock=True)
    require_staff(identity, appointment.community_id)
    if not appointment.delegated:
        raise Conflict("This item is not delegated; the resident brings the originals.", code="not_delegated")
    if appointment.state in ("cancelled", "no_show"):
        raise Conflict(f"The appointment is {appointment.state}.", code="invalid_transition", state=appointment.state)
    if returned_at is not None and returned_at < collected_at:
        raise Unprocessable("The originals cannot come back before they were collected.", code="returned_before_collected")
    appointment.originals_carrier = carrier
    appointment.originals_collected_at = collected_at
    appointment.originals_returned_at = returned_at
    appointment.updated_at = utcnow()
    db.session.commit()
    return appointment


# --- uploads -----------------------------------------------------------------------------------


def upload_dir() -> Path:
    configured = current_app.config.get("LINLI_CASES_UPLOAD_DIR") or os.environ.get("LINLI_CASES_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.config["LINLI_VAR_DIR"]) / "uploads" / "cases"


def max_upload_bytes() -> int:
    return int(current_app.config.get("LINLI_CASES_UPLOAD_MAX_BYTES")
               or os.environ.get("LINLI_CASES_UPLOAD_MAX_BYTES") or DEFAULT_MAX_UPLOAD)


def upload(identity: Identity, appointment_id: int, *, document_code: str, filename: str, stream: IO[bytes]) -> Document:
    """Keep a document for the pre-review: checked for size and kind before a byte is written to disk."""
    limit = max_upload_bytes()
    appointment = readable(identity, appointment_id, lock=True)
    if appointment.state not in ACTIVE_STATES:
        raise Conflict(f"The appointment is {appointment.state}.", code="invalid_transition", state=appointment.state)
    on_list = db.session.scalar(sa.select(ChecklistEntry.id).where(ChecklistEntry.appointment_id == appointment.id,
                                                                   ChecklistEntry.document_code == document_code))
    if on_list is None:
        raise Unprocessable(f"This item does not need '{document_code}'.", code="not_on_checklist")
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(f"Files up to {limit // 1024} KiB are accepted.", limit_bytes=limit)
    if not content:
        raise Unprocessable("The file is empty.", code="empty_file")
    kind = next((v for sig, v in SIGNATURES.items() if content.startswith(sig)), None)
    if kind is None:
        raise UnsupportedType("Send a photo (JPEG, PNG) or a PDF.", accepted=[v[0] for v in SIGNATURES.values()])
    content_type, suffix = kind
    stored = f"{appointment.community_id}/{appointment.id}/{uuid.uuid4().hex}{suffix}"
    document = Document(appointment_id=appointment.id, document_code=document_code,
                        original_name=Path(filename or "document").name[:200], stored_name=stored,
                        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=identity.subject)
    db.session.add(document)
    db.session.flush()
    path = upload_dir() / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(content)
    try:
        os.replace(temporary, path)
        db.session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)
        raise
    return document


def document_file(identity: Identity, appointment_id: int, document_id: int) -> tuple[Document, Path]:
    """A document and its file, for its resident or the community's staff (else 403)."""
    appointment = readable(identity, appointment_id)
    document = db.session.get(Document, document_id)
    if document is None or document.appointment_id != appointment.id:
        raise NotFound(f"Appointment {appointment_id} has no document {document_id}.", code="document_not_found")
    return document, upload_dir() / document.stored_name
