import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa

from linli.hub.activities import service
from linli.hub.activities.models import Activity, ActivitySession, Registration
from linli.hub.extensions import db, shared_models
from linli.hub.rooms.models import Room
from linli.shared.auth import Identity

START = dt.datetime(2030, 3, 4, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai, a Monday


def make_room(app, community_id: str = "north-bund", name: str = "活动室一") -> int:
    with app.app_context():
        room = Room(community_id=community_id, name_zh=name, name_en="Activity room 1", kind="activity",
                    capacity=40)
        db.session.add(room)
        db.session.commit()
        return room.id


def activity_body(room_id: int, **overrides) -> dict:
    body = {
        "community_id": "north-bund", "title_zh": "书法班", "title_en": "Calligraphy class",
        "kind": "class", "organiser_kind": "volunteer", "organiser_name": "王老师", "capacity": 2,
        "room_id": room_id, "starts_at": START.isoformat(), "ends_at": (START + dt.timedelta(hours=2)).isoformat(),
    }
    body.update(overrides)
    return body


def create_session(client, auth, room_id: int, **overrides) -> int:
    response = client.post("/api/activities", json=activity_body(room_id, **overrides), headers=auth("staff"))
    assert response.status_code == 201, response.get_data(as_text=True)
    sessions = client.get("/api/activities/sessions?community_id=north-bund").json
    return [s for s in sessions if s["activity_id"] == response.json["id"]][0]["id"]

NOW = START - dt.timedelta(days=2)


def person(sub: str, *roles: str, community: str = "north-bund") -> Identity:
    return Identity(subject=sub, roles=frozenset(roles or ("diner",)), communities=frozenset({community}))


def statuses(app, session_id):
    with app.app_context():
        rows = db.session.scalars(sa.select(Registration).where(Registration.session_id == session_id)
                                  .order_by(Registration.id)).all()
        return {r.account_id: (r.effective_status(NOW + dt.timedelta(hours=5)), r.position) for r in rows}


def offers_published():
    events = db.session.scalars(sa.select(shared_models.OutboxEvent).where(
        shared_models.OutboxEvent.event_type == "hub.activity.place_offered")).all()
    return sorted(e.payload["registration_id"] for e in events)


def test_signup_waitlist_cancel_promotes_and_unconfirmed_offer_passes_on(app, client, auth):
    session_id = create_session(client, auth, make_room(app), capacity=2)
    with app.test_request_context(method="POST"):
        regs = {name: service.sign_up(person(name), session_id, now=NOW) for name in ("a", "b", "c", "d", "e")}
        assert [regs[n].status for n in "abcde"] == ["registered", "registered", "waitlisted", "waitlisted", "waitlisted"]
        assert [regs[n].position for n in "cde"] == [1, 2, 3]

        # a cancels: c (first waiting) is offered the place for LINLI_WAITLIST_CONFIRM_MINUTES
        service.cancel(person("a"), regs["a"].id, now=NOW)
        offered = db.session.get(Registration, regs["c"].id)
        assert offered.status == "offered"
        assert offered.offer_expires_at == NOW + dt.timedelta(minutes=120)
        assert offers_published() == [regs["c"].id]  # c is told (event to the other services)
        # a newcomer cannot jump the queue while the offer is open
        late = service.sign_up(person("f"), session_id, now=NOW)
        assert late.status == "waitlisted" and late.position == 4

        # c does not confirm: past expiry it reads as expired; tick passes the place to d, once
        later = NOW + dt.timedelta(minutes=121)
        assert db.session.get(Registration, regs["c"].id).effective_status(later) == "expired"
    assert service.tick(app, now=later) == {"activity_offers_expired": 1, "activity_offers_made": 1}
    assert service.tick(app, now=later) == {"activity_offers_expired": 0, "activity_offers_made": 0}
    with app.test_request_context(method="POST"):
        assert db.session.get(Registration, regs["c"].id).status == "expired"
        d = db.session.get(Registration, regs["d"].id)
        assert d.status == "offered"
        assert offers_published() == [regs["c"].id, regs["d"].id]
        with pytest.raises(Exception) as too_late:
            service.confirm_offer(person("c"), regs["c"].id, now=later)
        assert getattr(too_late.value, "code", None) == "no_offer"
        confirmed = service.confirm_offer(person("d"), d.id, now=later)
        assert confirmed.status == "registered"
        counts = service.session_counts(db.session.get(ActivitySession, session_id), later)
        assert (counts.registered, counts.offered, counts.waitlisted) == (2, 0, 2)


def test_expired_offer_is_passed_on_by_the_next_write_without_tick(app, client, auth):
    session_id = create_session(client, auth, make_room(app), capacity=1)
    with app.test_request_context(method="POST"):
        first = service.sign_up(person("a"), session_id, now=NOW)
        second = service.sign_up(person("b"), session_id, now=NOW)
        third = service.sign_up(person("c"), session_id, now=NOW)
        service.cancel(person("a"), first.id, now=NOW)
        later = NOW + dt.timedelta(hours=3)
        # b's offer expired unseen; d signing up first passes the place to c, d waits
        d = service.sign_up(person("d"), session_id, now=later)
        assert d.status == "waitlisted"
        assert db.session.get(Registration, second.id).status == "expired"
        assert db.session.get(Registration, third.id).status == "offered"


def test_no_offer_outlives_its_session(app, client, auth):
    """A place freed an hour before the end is offered until the end, not for the full confirm window;
    once the session is over, tick offers nobody a place in it (it used to, every two hours)."""
    session_id = create_session(client, auth, make_room(app), capacity=1)  # START to START + 2 h
    during = START + dt.timedelta(hours=1)
    with app.test_request_context(method="POST"):
        first = service.sign_up(person("a"), session_id, now=NOW)
        second = service.sign_up(person("b"), session_id, now=NOW)
        third = service.sign_up(person("c"), session_id, now=NOW)
        service.cancel(person("a"), first.id, now=during)
        assert db.session.get(Registration, second.id).offer_expires_at == START + dt.timedelta(hours=2)
    after = START + dt.timedelta(hours=5)
    assert service.tick(app, now=after) == {"activity_offers_expired": 1, "activity_offers_made": 0}
    with app.app_context():
        assert db.session.get(Registration, third.id).status == "waitlisted"
        assert offers_published() == [second.id]


def test_signup_api_confirm_cancel_and_check_in(app, client, auth):
    session_id = create_session(client, auth, make_room(app), capacity=1)
    url = f"/api/activities/sessions/{session_id}/registrations"
    first = client.post(url, json={}, headers=auth(sub="r1"))
    assert first.status_code == 201 and first.json["status"] == "registered"
    again = client.post(url, json={}, headers=auth(sub="r1"))
    assert again.status_code == 409 and again.json["code"] == "already_signed_up"
    second = client.post(url, json={}, headers=auth(sub="r2"))
    assert second.json["status"] == "waitlisted" and second.json["position"] == 1

    # someone else cannot cancel r1's place
    other = client.post(f"/api/activities/registrations/{first.json['id']}/cancel", headers=auth(sub="r2"))
    assert other.status_code == 403 and other.json["code"] == "not_yours"
    cancelled = client.post(f"/api/activities/registrations/{first.json['id']}/cancel", headers=auth(sub="r1"))
    assert cancelled.json["status"] == "cancelled"
    mine = client.get("/api/activities/registrations/mine", headers=auth(sub="r2")).json
    assert mine[0]["status"] == "offered" and mine[0]["offer_expires_at"]
    confirmed = client.post(f"/api/activities/registrations/{second.json['id']}/confirm", headers=auth(sub="r2"))
    assert confirmed.status_code == 200 and confirmed.json["status"] == "registered"

    denied = client.post(f"/api/activities/registrations/{second.json['id']}/check-in", headers=auth(sub="r1"))
    assert denied.status_code == 403
    checked = client.post(f"/api/activities/registrations/{second.json['id']}/check-in",
                          headers=auth("volunteer", sub="v1"))
    assert checked.status_code == 200 and checked.json["checked_in_at"]
    roster = client.get(url, headers=auth("staff")).json
    assert [(r["account_id"], r["status"]) for r in roster] == [("r1", "cancelled"), ("r2", "registered")]


def test_staff_signs_up_a_resident_on_their_behalf(app, client, auth):
    from linli.hub.people.models import Household, Resident

    with app.app_context():
        household = Household(community_id="north-bund", compound="瑞虹", building="3", unit="1", room="402")
        db.session.add(household)
        db.session.flush()
        resident = Resident(household_id=household.id, community_id="north-bund", name="张阿姨")
        db.session.add(resident)
        db.session.commit()
        resident_id = resident.id
    session_id = create_session(client, auth, make_room(app))
    url = f"/api/activities/sessions/{session_id}/registrations"
    assert client.post(url, json={"resident_id": resident_id}, headers=auth(sub="r9")).status_code == 403
    made = client.post(url, json={"resident_id": resident_id}, headers=auth("volunteer", sub="v1"))
    assert made.status_code == 201, made.json
    assert made.json["resident_id"] == resident_id and made.json["display_name"] == "张阿姨"
    assert made.json["account_id"] is None


def test_weekly_repeats_and_calendar_feed(app, client, auth):
    room_id = make_room(app)
    response = client.post("/api/activities", json=activity_body(room_id, repeat_weeks=3, title_zh="戏曲班",
                                                                     title_en="Opera class"), headers=auth("staff"))
    assert response.status_code == 201
    feed = client.get("/api/activities/calendar.ics?community_id=north-bund")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(feed.data)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["戏曲班"] * 4
    starts = [e.decoded("dtstart") for e in events]
    assert starts == [START + dt.timedelta(weeks=w) for w in range(4)]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(hours=2) for e in events)
    assert len({str(e["uid"]) for e in events}) == 4
    english = icalendar.Calendar.from_ical(
        client.get("/api/activities/calendar.ics?community_id=north-bund&lang=en").data)
    assert {str(e["summary"]) for e in english.walk("VEVENT")} == {"Opera class"}
    other = icalendar.Calendar.from_ical(
        client.get("/api/activities/calendar.ics?community_id=fenglin-huiyuan").data)
    assert other.walk("VEVENT") == []


def counts(app):
    with app.app_context():
        return (db.session.query(Activity).count(), db.session.query(ActivitySession).count(),
                db.session.query(Registration).count())


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"ends_at": (START - dt.timedelta(hours=1)).isoformat()}, 422, "validation_error"),
        ({"capacity": -1}, 422, "validation_error"),
        ({"starts_at": "2030-03-04T14:00:00"}, 422, "validation_error"),  # no time zone
        ({"community_id": "fenglin-huiyuan"}, 403, "wrong_community"),
        ({"room_id": "OTHER"}, 422, "room_not_in_community"),
        ({"colour": "red"}, 422, "validation_error"),
    ],
    ids=["end-before-start", "negative-capacity", "naive-time", "wrong-community", "other-community-room", "unknown-field"],
)
def test_bad_activity_is_a_problem_and_changes_nothing(app, client, auth, overrides, status, code):
    room_id = make_room(app)
    other_room = make_room(app, "fenglin-huiyuan", "汇园活动室")
    if overrides.get("room_id") == "OTHER":
        room_id, overrides = other_room, {}
    before = counts(app)
    response = client.post("/api/activities", json=activity_body(room_id, **overrides), headers=auth("staff"))
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert counts(app) == before


def test_signup_to_another_communitys_activity_is_refused(app, client, auth):
    room_id = make_room(app, "fenglin-huiyuan", "汇园活动室")
    response = client.post("/api/activities", json=activity_body(room_id, community_id="fenglin-huiyuan"),
                           headers=auth("staff", communities=["fenglin-huiyuan"]))
    assert response.status_code == 201
    session_id = client.get("/api/activities/sessions?community_id=fenglin-huiyuan").json[0]["id"]
    before = counts(app)
    refused = client.post(f"/api/activities/sessions/{session_id}/registrations", json={},
                          headers=auth(sub="r1", communities=["north-bund"]))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "wrong_community"
    missing = client.post("/api/activities/sessions/99999/registrations", json={}, headers=auth(sub="r1"))
    assert missing.status_code == 404 and missing.json["code"] == "session_not_found"
    assert counts(app) == before


def test_confirm_window_comes_from_linli_waitlist_confirm_minutes(service_app, auth):
    from linli.hub.app import create_app

    app = service_app("hub", create_app, LINLI_WAITLIST_CONFIRM_MINUTES=30)
    client = app.test_client()
    session_id = create_session(client, auth, make_room(app), capacity=1)
    with app.test_request_context(method="POST"):
        first = service.sign_up(person("a"), session_id, now=NOW)
        second = service.sign_up(person("b"), session_id, now=NOW)
        service.cancel(person("a"), first.id, now=NOW)
        assert db.session.get(Registration, second.id).offer_expires_at == NOW + dt.timedelta(minutes=30)
