"""Appointments: booking a slot for an item and a mode, the pre-review checklist, uploads kept on the
filesystem with size and type limits, another resident's documents refused, delegated originals."""

import datetime as dt
import io

import sqlalchemy as sa

from linli.cases.appointments.models import Appointment, Document, Slot
from linli.cases.extensions import db

SOON = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 20


def make_slot(client, auth, capacity=3, door_to_door=False, community="north-bund"):
    response = client.post("/api/appointments/slots", headers=auth("staff", communities=[community]), json={
        "community_id": community, "starts_at": SOON.isoformat(),
        "ends_at": (SOON + dt.timedelta(minutes=30)).isoformat(), "capacity": capacity,
        "door_to_door": door_to_door, "staff_member": "顾老师"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def upload(client, headers, appointment_id, content, name="id.jpg", code="id_card"):
    return client.post(f"/api/appointments/{appointment_id}/documents", headers=headers,
                       query_string={"document_code": code},
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_pre_review_from_booking_to_done(app, client, auth, tmp_path):
    app.config["LINLI_CASES_UPLOAD_DIR"] = str(tmp_path / "uploads")
    slot_id = make_slot(client, auth)
    resident, stranger, staff = auth("diner", sub="wu"), auth("diner", sub="zhang"), auth("staff")
    booked = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=resident, json={
        "item_code": "senior-card", "mode": "on_site", "resident_name": "吴阿姨", "phone": "13800000000"})
    assert booked.status_code == 201, booked.json
    appointment_id = booked.json["id"]
    assert booked.json["state"] == "requested" and not booked.json["delegated"]
    assert [c["document_code"] for c in booked.json["checklist"]] == ["id_card", "photo"]

    document = upload(client, resident, appointment_id, JPEG)
    assert document.status_code == 201, document.json
    assert document.json["content_type"] == "image/jpeg" and document.json["size"] == len(JPEG)
    files = list((tmp_path / "uploads").rglob("*.jpg"))
    assert len(files) == 1 and files[0].read_bytes() == JPEG
    url = f"/api/appointments/{appointment_id}/documents/{document.json['id']}"
    assert client.get(url, headers=resident).data == JPEG
    assert client.get(url, headers=staff).status_code == 200
    for path in (url, f"/api/appointments/{appointment_id}"):
        refused = client.get(path, headers=stranger)
        assert refused.status_code == 403 and refused.json["code"] == "not_your_appointment"
    assert upload(client, stranger, appointment_id, JPEG).status_code == 403

    change = lambda action: client.post(f"/api/appointments/{appointment_id}/changes",  # noqa: E731
                                        json={"action": action}, headers=staff)
    checklist = lambda checks: client.post(f"/api/appointments/{appointment_id}/checklist",  # noqa: E731
                                           json={"checks": checks}, headers=staff)
    assert checklist([{"document_code": "id_card", "status": "passed"}]).json["code"] == "invalid_transition"
    assert change("start_review").json["state"] == "pre_review"
    reviewed = checklist([{"document_code": "id_card", "status": "passed"},
                          {"document_code": "photo", "status": "missing", "note": "请补一寸照"}])
    assert reviewed.json["state"] == "needs_more"
    assert {c["document_code"]: c["status"] for c in reviewed.json["checklist"]} == {"id_card": "passed",
                                                                                    "photo": "missing"}
    assert upload(client, resident, appointment_id, PDF, "photo.pdf", "photo").status_code == 201
    assert change("start_review").json["state"] == "pre_review"
    assert checklist([{"document_code": "photo", "status": "passed"}]).json["state"] == "ready"
    assert change("start_review").json["code"] == "invalid_transition"
    assert change("complete").json["state"] == "done"
    day = client.get(f"/api/appointments/day?community_id=north-bund&day={SOON.astimezone(dt.timezone(dt.timedelta(hours=8))).date()}",
                     headers=staff).json
    assert [(a["id"], a["state"]) for a in day] == [(appointment_id, "done")]


def test_uploads_over_the_limit_or_of_a_refused_type_store_nothing(app, client, auth, tmp_path):
    app.config.update(LINLI_CASES_UPLOAD_DIR=str(tmp_path / "uploads"), LINLI_CASES_UPLOAD_MAX_BYTES=1024)
    slot_id = make_slot(client, auth)
    resident = auth("diner", sub="wu")
    appointment_id = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=resident, json={
        "item_code": "senior-card", "mode": "on_site"}).json["id"]
    cases = [(JPEG + b"\x00" * 1024, "big.jpg", 413, "file_too_large"),
             (JPEG + b"\x00" * 200_000, "huge.jpg", 413, "file_too_large"),
             (b"MZ\x90\x00 not a photo", "virus.jpg", 415, "unsupported_file_type"),
             (b"<svg onload=alert(1)>", "x.png", 415, "unsupported_file_type"),
             (b"", "empty.jpg", 422, "empty_file")]
    for content, name, status, code in cases:
        response = upload(client, resident, appointment_id, content, name)
        assert response.status_code == status, (name, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json" and response.json["code"] == code
    wrong_code = upload(client, resident, appointment_id, JPEG, code="marriage")
    assert wrong_code.status_code == 422 and wrong_code.json["code"] == "not_on_checklist"
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").rglob("*.*"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_delegated_items_record_who_carries_the_originals(client, auth):
    slot_id = make_slot(client, auth)
    staff = auth("staff")
    white_collar = auth("diner", sub="li")
    booked = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=white_collar, json={
        "item_code": "residence-permit-renewal", "mode": "door_to_door", "address": "x"})
    assert booked.json["code"] == "wrong_slot_for_mode"
    booked = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=white_collar, json={
        "item_code": "residence-permit-renewal", "mode": "help_you_do"})
    assert booked.status_code == 201 and booked.json["delegated"] is True
    collected = dt.datetime.now(dt.UTC).replace(microsecond=0)
    recorded = client.post(f"/api/appointments/{booked.json['id']}/originals", headers=staff, json={
        "carrier": "居委干部 顾薇", "collected_at": collected.isoformat(),
        "returned_at": (collected + dt.timedelta(days=1)).isoformat()})
    assert recorded.status_code == 200 and recorded.json["originals_carrier"] == "居委干部 顾薇"
    backwards = client.post(f"/api/appointments/{booked.json['id']}/originals", headers=staff, json={
        "carrier": "x", "collected_at": collected.isoformat(), "returned_at": (collected - dt.timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422 and backwards.json["code"] == "returned_before_collected"
    plain = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=white_collar, json={
        "item_code": "senior-card", "mode": "on_site"}).json
    refused = client.post(f"/api/appointments/{plain['id']}/originals", headers=staff, json={
        "carrier": "x", "collected_at": collected.isoformat()})
    assert refused.status_code == 409 and refused.json["code"] == "not_delegated"


def test_door_to_door_for_a_bedridden_elder_and_phone_booking(app, client, auth):
    slot_id = make_slot(client, auth, capacity=1, door_to_door=True)
    staff = auth("staff")
    no_address = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=staff, json={
        "item_code": "long-term-care-insurance", "mode": "door_to_door", "on_behalf_of": "phone:13900000000"})
    assert no_address.status_code == 422 and no_address.json["code"] == "address_required"
    booked = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=staff, json={
        "item_code": "long-term-care-insurance", "mode": "door_to_door", "address": "东海小区5号楼302",
        "resident_name": "卧床的王老伯", "phone": "13900000000", "on_behalf_of": "phone:13900000000"})
    assert booked.status_code == 201 and booked.json["resident_subject"] == "phone:13900000000"
    full = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=staff, json={
        "item_code": "long-term-care-insurance", "mode": "door_to_door", "address": "y", "on_behalf_of": "phone:1"})
    assert full.status_code == 409 and full.json["code"] == "slot_full"
    not_offered = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=staff, json={
        "item_code": "legal-will-consult", "mode": "door_to_door", "address": "y"})
    assert not_offered.status_code == 422 and not_offered.json["code"] == "mode_not_offered"
    # cancelling frees the place
    cancelled = client.post(f"/api/appointments/{booked.json['id']}/changes", json={"action": "cancel"}, headers=staff)
    assert cancelled.json["state"] == "cancelled"
    with app.app_context():
        assert db.session.get(Slot, slot_id).booked == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1
    diner = client.post(f"/api/appointments/slots/{slot_id}/bookings", headers=auth("diner"), json={
        "item_code": "long-term-care-insurance", "mode": "door_to_door", "address": "y", "on_behalf_of": "someone"})
    assert diner.status_code == 403 and diner.json["code"] == "missing_role"


def test_a_multipart_part_without_a_name_is_not_a_500(client, auth):
    body = (b"--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n{}\r\n"
            b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n")
    response = client.post("/api/appointments/1/documents?document_code=id_card", data=body, headers=auth("diner"),
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code in (404, 422), response.get_data(as_text=True)
