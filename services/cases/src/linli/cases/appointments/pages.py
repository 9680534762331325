"""Booking an appointment from a phone (or by the front desk for a resident who phoned), and the
booked appointment with its checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from linli.cases.appointments import service
from linli.cases.appointments.schemas import BookingSchema
from linli.cases.catalogue.items import DOCUMENTS
from linli.cases.catalogue.service import find_item
from linli.cases.pagekit import (
    act,
    community_or_404,
    is_en,
    is_staff_of,
    load_form,
    sign_in_page,
    signed_in,
)
from linli.shared.db import utcnow
from linli.shared.errors import Unprocessable

pages = Blueprint("appointment_pages", __name__, url_prefix="/appointments")

LABELS = {"item_code": "item", "mode": "mode", "resident_name": "name", "phone": "phone", "address": "address",
          "note": "note", "on_behalf_of": "on behalf of"}


@pages.get("/<community_id>/book/<item_code>")
def book_page(community_id: str, item_code: str) -> Any:
    community = community_or_404(community_id)
    identity = signed_in()
    if identity is None or not identity.belongs_to(community.id):
        return sign_in_page(community)
    item = find_item(community.id, item_code)
    slots = service.list_slots(community.id, start=utcnow(), end=utcnow() + dt.timedelta(days=21), free_only=True)
    return render_template("cases/book.html", community=community, item=item, slots=slots, en=is_en(),
                           documents=DOCUMENTS, staff=is_staff_of(identity, community.id))


@pages.post("/<community_id>/book/<item_code>")
def book(community_id: str, item_code: str) -> Any:
    community = community_or_404(community_id)
    identity = signed_in()
    if identity is None or not identity.belongs_to(community.id):
        return sign_in_page(community)
    back = url_for(".book_page", community_id=community.id, item_code=item_code)
    booked: dict[str, int] = {}

    def do() -> None:
        form = {k: v for k, v in request.form.items() if k in LABELS and v != ""}
        data = load_form(BookingSchema(), {**form, "item_code": item_code}, LABELS)
        slot_id = request.form.get("slot_id", "")
        if not slot_id.isdigit():
            raise Unprocessable(_("Please choose a time."), code="bad_form")
        booked["id"] = service.book(identity, int(slot_id), **data).id

    response = act(do, _("Booked. We will call you if anything is missing."), back)
    if "id" in booked:
        return redirect(url_for(".appointment_page", community_id=community.id, appointment_id=booked["id"]), 303)
    return response


@pages.get("/<community_id>/<int:appointment_id>")
def appointment_page(community_id: str, appointment_id: int) -> Any:
    community = community_or_404(community_id)
    identity = signed_in()
    if identity is None:
        return sign_in_page(community)
    detail = service.get_appointment(identity, appointment_id)
    item = find_item(detail.appointment.community_id, detail.appointment.item_code)
    return render_template("cases/appointment.html", community=community, detail=detail, item=item,
                           documents=DOCUMENTS, en=is_en())
