"""Routes of appointments: slots, booking, the day's list, pre-review, uploads, delegated originals."""

from __future__ import annotations

from typing import Any

from flask import Response, request, send_file
from flask_smorest import Blueprint

from linli.cases.appointments import service
from linli.cases.appointments.schemas import (
    AppointmentDetailSchema,
    AppointmentSchema,
    BookingSchema,
    ChangeSchema,
    ChecklistSchema,
    DayEntrySchema,
    DayQuerySchema,
    OriginalsSchema,
    SlotCreateSchema,
    SlotQuerySchema,
    SlotSchema,
    UploadedDocumentSchema,
    UploadFileSchema,
    UploadFormSchema,
)
from linli.cases.casework.sla import local_date
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.db import utcnow
from linli.shared.inputs import allow_body_bytes

blp = Blueprint("appointments", __name__, url_prefix="/api/appointments",
                description="Appointments, pre-review (网上预审) and delegated processing (委托办理)")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("/slots")
@blp.arguments(SlotCreateSchema)
@blp.response(201, SlotSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def create_slot(data: dict[str, Any]) -> Any:
    """Open a time for appointments at the desk, or for door-to-door visits."""
    return service.create_slot(require_identity(), **data)


@blp.get("/slots")
@blp.arguments(SlotQuerySchema, location="query")
@blp.response(200, SlotSchema(many=True))
def list_slots(query: dict[str, Any]) -> Any:
    """Coming slots with their places left (public)."""
    return service.list_slots(**query)


@blp.post("/slots/<int:slot_id>/bookings")
@blp.arguments(BookingSchema)
@blp.response(201, AppointmentDetailSchema)
@blp.doc(security=BEARER)
def book(data: dict[str, Any], slot_id: int) -> Any:
    """Book a place for a service item and a mode (409 slot_full when taken)."""
    identity = require_identity()
    appointment = service.book(identity, slot_id, **data)
    return service.get_appointment(identity, appointment.id).as_dict()


@blp.get("/mine")
@blp.response(200, AppointmentSchema(many=True))
@blp.doc(security=BEARER)
def my_appointments() -> Any:
    """Your own appointments."""
    return service.my_appointments(require_identity())


@blp.get("/day")
@blp.arguments(DayQuerySchema, location="query")
@blp.response(200, DayEntrySchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def day_list(query: dict[str, Any]) -> Any:
    """The day's appointments of a community, by start time."""
    day = query["day"] or local_date(utcnow())
    rows = service.day_list(require_identity(), query["community_id"], day)
    return [{**service.detail(a).as_dict(), "starts_at": s.starts_at, "ends_at": s.ends_at} for a, s in rows]


@blp.get("/<int:appointment_id>")
@blp.response(200, AppointmentDetailSchema)
@blp.doc(security=BEARER)
def get_appointment(appointment_id: int) -> Any:
    """An appointment with its checklist and documents (its resident, or staff)."""
    return service.get_appointment(require_identity(), appointment_id).as_dict()


@blp.post("/<int:appointment_id>/changes")
@blp.arguments(ChangeSchema)
@blp.response(200, AppointmentSchema)
@blp.doc(security=BEARER)
def change(data: dict[str, Any], appointment_id: int) -> Any:
    """start_review, complete, no_show (staff); cancel (the resident too; frees the place)."""
    return service.change(require_identity(), appointment_id, data["action"])


@blp.post("/<int:appointment_id>/checklist")
@blp.arguments(ChecklistSchema)
@blp.response(200, AppointmentDetailSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def check_documents(data: dict[str, Any], appointment_id: int) -> Any:
    """Tick documents: all passed → ready; any missing or needing correction → needs_more."""
    return service.check_documents(require_identity(), appointment_id, data["checks"]).as_dict()


@blp.post("/<int:appointment_id>/originals")
@blp.arguments(OriginalsSchema)
@blp.response(200, AppointmentSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def record_originals(data: dict[str, Any], appointment_id: int) -> Any:
    """Delegated items: who carries the originals, when collected and returned (一趟也不跑)."""
    return service.record_originals(require_identity(), appointment_id, **data)


@blp.post("/<int:appointment_id>/documents")
@allow_body_bytes(lambda: service.max_upload_bytes() + 64 * 1024)  # room for the multipart envelope
@blp.arguments(UploadFormSchema, location="query")
@blp.arguments(UploadFileSchema, location="files")
@blp.response(201, UploadedDocumentSchema)
@blp.doc(security=BEARER)
def upload(form: dict[str, Any], files: dict[str, Any], appointment_id: int) -> Any:
    """Upload a document of the checklist: `?document_code=` names it, the multipart body's `file`
    part holds it (JPEG, PNG or PDF; 413 over the size limit, 415 otherwise). The code is in the
    query because OpenAPI 3 documents one request body per operation."""
    file = files["file"]
    return service.upload(require_identity(), appointment_id, document_code=form["document_code"],
                          filename=file.filename or "", stream=file.stream)


@blp.get("/<int:appointment_id>/documents/<int:document_id>")
@blp.response(200, content_type="application/octet-stream")
@blp.doc(security=BEARER)
def download(appointment_id: int, document_id: int) -> Response:
    """A document's file (its resident, or staff of the community)."""
    document, path = service.document_file(require_identity(), appointment_id, document_id)
    return send_file(path, mimetype=document.content_type, download_name=document.original_name)


@blp.before_request
def refuse_oversized_bodies() -> None:
    """An upload far over the limit is refused before its body is read (nothing is stored)."""
    limit = service.max_upload_bytes() + 64 * 1024  # room for the multipart envelope
    if request.content_length is not None and request.content_length > limit:
        raise service.TooLarge(f"Files up to {service.max_upload_bytes() // 1024} KiB are accepted.",
                               limit_bytes=service.max_upload_bytes())
