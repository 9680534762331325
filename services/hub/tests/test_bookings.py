import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa

from linli.hub.bookings.models import Booking
from linli.hub.extensions import db
from linli.hub.rooms.models import Room
from linli.hub.testing import local, make_world, next_weekday


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def lead(auth, world):
    return auth("team_lead", communities=[world["community"]], sub=str(world["lead"]))


@pytest.fixture
def staff(auth, world):
    return auth("staff", communities=[world["community"]], sub=str(world["staff"]))


def body(world, day, start=(19, 0), end=(21, 0), **extra):
    return {"room_id": world["room"], "team_id": world["team"], "title": "排练",
            "starts_at": local(day, *start).isoformat(), "ends_at": local(day, *end).isoformat(), **extra}


def count_bookings(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Booking))


def test_book_cancel_and_book_again(app, client, world, lead, auth):
    friday = next_weekday(4)
    first = client.post("/api/bookings", json=body(world, friday), headers=lead)
    assert first.status_code == 201, first.json
    booking_id = first.json["bookings"][0]["id"]
    other = auth("team_lead", communities=[world["community"]], sub=str(world["other_lead"]))
    clash = client.post("/api/bookings", json=body(world, friday, (20, 0), (21, 0), team_id=world["other_team"]),
                        headers=other)
    assert clash.status_code == 409 and clash.json["code"] == "slot_taken"
    assert clash.content_type == "application/problem+json"
    assert client.post(f"/api/bookings/{booking_id}/cancel", headers=lead).json["status"] == "cancelled"
    again = client.post("/api/bookings", json=body(world, friday, (20, 0), (21, 0), team_id=world["other_team"]),
                        headers=other)
    assert again.status_code == 201


def test_adjacent_bookings_do_not_overlap(client, world, lead):
    friday = next_weekday(4)
    assert client.post("/api/bookings", json=body(world, friday, (17, 0), (19, 0)), headers=lead).status_code == 201
    assert client.post("/api/bookings", json=body(world, friday, (19, 0), (21, 0)), headers=lead).status_code == 201


def test_weekly_recurring_skips_conflicts_and_reports_them(app, client, world, lead, staff):
    tuesday = next_weekday(1)
    taken = client.post("/api/bookings", headers=staff,
                        json={**body(world, tuesday + dt.timedelta(weeks=2)), "team_id": None})
    assert taken.status_code == 201
    with app.app_context():
        from linli.hub.rooms.service import add_blackout
        from linli.shared.auth import Identity

        add_blackout(Identity("s", frozenset({"staff"}), frozenset({world["community"]})), world["room"],
                     starts_at=local(tuesday + dt.timedelta(weeks=3), 0), ends_at=local(tuesday + dt.timedelta(weeks=3), 23),
                     reason="消毒 disinfection")
    response = client.post("/api/bookings", json=body(world, tuesday, weeks=5), headers=lead)
    assert response.status_code == 201, response.json
    assert len(response.json["bookings"]) == 3
    assert [s["code"] for s in response.json["skipped"]] == ["slot_taken", "in_blackout"]
    assert len({b["series_id"] for b in response.json["bookings"]}) == 1


def test_room_needing_approval_makes_pending_booking(client, world, lead, staff):
    response = client.post("/api/bookings", json=body(world, next_weekday(2), room_id=world["approval_room"]),
                           headers=lead)
    booking = response.json["bookings"][0]
    assert booking["status"] == "pending"
    assert client.post(f"/api/bookings/{booking['id']}/approve", headers=lead).status_code == 403
    assert client.post(f"/api/bookings/{booking['id']}/approve", headers=staff).json["status"] == "confirmed"


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"start": (20, 0), "end": (19, 0)}, 422, "validation_error"),  # end before start
    ({"start": (6, 0), "end": (8, 0)}, 422, "outside_opening_hours"),
    ({"start": (20, 0), "end": (22, 0)}, 422, "outside_opening_hours"),
    ({"room": "elsewhere"}, 403, "wrong_community"),  # a room of another community
    ({"room": "missing"}, 404, "room_not_found"),
    ({"extra": {"weeks": 0}}, 422, "validation_error"),
    ({"extra": {"starts_at": "2026-12-04T19:00:00"}}, 422, "validation_error"),  # naive time
    ({"extra": {"color": "red"}}, 422, "validation_error"),  # unknown field
])
def test_bad_input_changes_nothing(app, client, world, lead, change, status, code):
    day = next_weekday(4)
    data = body(world, day, change.get("start", (19, 0)), change.get("end", (21, 0)), **change.get("extra", {}))
    if change.get("room") == "elsewhere":
        data["room_id"] = world["elsewhere"]
    if change.get("room") == "missing":
        data["room_id"] = 9999
    response = client.post("/api/bookings", json=data, headers=lead)
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == code
    assert count_bookings(app) == 0


def test_room_of_another_community_for_the_team(app, client, world, auth):
    staff_both = auth("staff", communities=[world["community"], "north-bund"])
    data = body(world, next_weekday(4), room_id=world["elsewhere"])
    response = client.post("/api/bookings", json=data, headers=staff_both)
    assert response.status_code == 422 and response.json["code"] == "room_other_community"
    assert count_bookings(app) == 0


def test_booking_in_blackout_is_refused(app, client, world, lead, staff):
    day = next_weekday(3)
    blackout = {"starts_at": local(day, 0).isoformat(), "ends_at": local(day + dt.timedelta(days=1), 0).isoformat(),
                "reason": "换届选举 election"}
    assert client.post(f"/api/rooms/{world['room']}/blackouts", json=blackout, headers=staff).status_code == 201
    response = client.post("/api/bookings", json=body(world, day), headers=lead)
    assert response.status_code == 422 and response.json["code"] == "in_blackout"
    assert count_bookings(app) == 0


@pytest.mark.parametrize("capacity", [-1, "many"])
def test_room_capacity_below_zero_is_refused(app, client, world, staff, capacity):
    data = {"community_id": world["community"], "name_zh": "新活动室", "kind": "activity", "capacity": capacity}
    response = client.post("/api/rooms", json=data, headers=staff)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert "capacity" in response.json["errors"]["json"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 3


def test_room_in_another_community_cannot_be_created(app, client, world, staff):
    data = {"community_id": "north-bund", "name_zh": "X", "kind": "activity", "capacity": 5}
    response = client.post("/api/rooms", json=data, headers=staff)
    assert response.status_code == 403 and response.json["code"] == "wrong_community"


def test_ical_feed_parses_back_with_the_bookings(client, world, lead, staff):
    friday = next_weekday(4)
    client.post("/api/bookings", json=body(world, friday), headers=lead)
    cancelled = client.post("/api/bookings", json=body(world, friday, (9, 0), (10, 0)), headers=lead)
    client.post(f"/api/bookings/{cancelled.json['bookings'][0]['id']}/cancel", headers=lead)
    client.post("/api/bookings", json=body(world, friday + dt.timedelta(days=1), (10, 0), (11, 30), title="公开课"),
                headers=lead)
    response = client.get(f"/api/rooms/{world['room']}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == 2
    assert events[0].decoded("dtstart") == local(friday, 19, 0)
    assert events[0].decoded("dtend") == local(friday, 21, 0)
    assert "葫芦丝乐队" in str(events[0]["summary"])
    assert "公开课" in str(events[1]["summary"])
    assert str(events[0]["location"]) == "活动室"


@pytest.mark.engines("postgresql")
def test_postgresql_exclusion_constraint_refuses_overlap_without_the_service_check(app, world):
    from sqlalchemy.exc import IntegrityError

    from linli.hub.bookings.service import insert_booking
    from linli.shared.errors import Conflict

    day = next_weekday(4)

    def booking(start, end, status="confirmed"):
        return Booking(room_id=world["room"], community_id=world["community"], starts_at=local(day, *start),
                       ends_at=local(day, *end), status=status, booked_by="t")

    with app.app_context():
        db.session.add(booking((19, 0), (21, 0)))
        db.session.commit()
        db.session.add(booking((20, 0), (20, 30)))
        with pytest.raises(IntegrityError, match="booking_no_overlap"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(Conflict):
            insert_booking(booking((18, 0), (19, 30)))
        db.session.rollback()
        db.session.add(booking((19, 0), (21, 0), status="cancelled"))  # only active bookings hold the time
        db.session.commit()
        assert count_bookings(app) == 2
