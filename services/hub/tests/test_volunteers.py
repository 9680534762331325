import datetime as dt
import sys
import types

import icalendar
import pytest

from linli.hub import hookimpl
from linli.hub.activities.models import Activity
from linli.hub.app import create_app
from linli.hub.extensions import db
from linli.hub.volunteers import service
from linli.hub.volunteers.models import HourLog, Shift, ShiftAssignment
from linli.shared.auth import Identity
from linli.shared.localtime import LOCAL_TZ, local_today

DAY = dt.date(2030, 3, 4)  # a Monday
SHANGHAI = LOCAL_TZ
API = "/api/volunteers"


def profile(client, auth, sub, name, **extra):
    body = {"community_id": "north-bund", "display_name": name, **extra}
    response = client.put(f"{API}/me", json=body, headers=auth("volunteer", sub=sub))
    assert response.status_code == 200, response.json
    return response.json


def generate(client, auth, days=1, start=DAY):
    response = client.post(f"{API}/shifts/generate", headers=auth("staff", sub="staff-1"), json={
        "community_id": "north-bund", "template_code": "waste-sorting", "start_date": start.isoformat(), "days": days})
    assert response.status_code == 201, response.json
    return response.json


def table_counts(app):
    with app.app_context():
        return tuple(db.session.query(m).count() for m in (Shift, ShiftAssignment, HourLog, Activity))


def test_waste_sorting_template_makes_three_shifts_a_day_once(app, client, auth):
    templates = client.get(f"{API}/templates?community_id=north-bund").json
    assert [t["code"] for t in templates] == ["waste-sorting"]
    made = generate(client, auth, days=7)
    assert len(made) == 21
    first_day = [s for s in made if dt.datetime.fromisoformat(s["starts_at"]).astimezone(SHANGHAI).date() == DAY]
    local = [(dt.datetime.fromisoformat(s["starts_at"]).astimezone(SHANGHAI).strftime("%H:%M"),
              dt.datetime.fromisoformat(s["ends_at"]).astimezone(SHANGHAI).strftime("%H:%M")) for s in first_day]
    assert local == [("07:00", "09:00"), ("11:00", "13:00"), ("18:00", "20:00")]
    assert all(s["headcount"] >= 1 and s["location_zh"] == "垃圾箱房" for s in made)
    assert generate(client, auth, days=7) == []  # idempotent
    start = dt.datetime.combine(DAY, dt.time(0), tzinfo=SHANGHAI).isoformat()
    end = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI).isoformat()
    listed = client.get(f"{API}/shifts", query_string={"community_id": "north-bund", "start": start, "end": end}).json
    assert len(listed) == 3


def test_tick_keeps_a_week_of_shifts_ahead_idempotently(app):
    now = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)
    # waste sorting in the three communities of communities.toml (North Bund, Huiyuan, Ruihong),
    # and Huiyuan's lunch delivery (its plugin) on five weekdays
    assert service.tick(app, now=now)["volunteer_shifts_generated"] == 21 * 3 + 5
    assert service.tick(app, now=now)["volunteer_shifts_generated"] == 0


def test_signup_never_above_headcount_and_full_shift_is_a_problem(app, client, auth):
    shift = generate(client, auth)[0]  # 07:00–09:00, headcount 2
    people = [profile(client, auth, f"v{i}", f"志愿者{i}") for i in range(3)]
    for person in people[:2]:
        response = client.post(f"{API}/shifts/{shift['id']}/assignments", json={},
                               headers=auth("volunteer", sub=person["account_id"]))
        assert response.status_code == 201
    again = client.post(f"{API}/shifts/{shift['id']}/assignments", json={}, headers=auth("volunteer", sub="v0"))
    assert again.status_code == 409 and again.json["code"] == "already_on_shift"
    before = table_counts(app)
    full = client.post(f"{API}/shifts/{shift['id']}/assignments", json={}, headers=auth("volunteer", sub="v2"))
    assert full.status_code == 409 and full.mimetype == "application/problem+json"
    assert full.json["code"] == "shift_full" and full.json["headcount"] == 2
    assert table_counts(app) == before
    other = client.post(f"{API}/shifts/{shift['id']}/assignments", json={},
                        headers=auth("volunteer", sub="v2", communities=["fenglin-huiyuan"]))
    assert other.status_code == 403 and other.json["code"] == "wrong_community"
    assert table_counts(app) == before


def test_no_show_is_backfilled_by_a_standby_volunteer(app, client, auth):
    shift = generate(client, auth)[1]  # 11:00–13:00, headcount 1
    profile(client, auth, "v1", "李阿姨")
    profile(client, auth, "v0", "周阿姨", standby=True,
            availability=[{"weekday": 0, "start": "07:00", "end": "09:00"}])  # not free at noon
    standby = profile(client, auth, "v2", "陈师傅", standby=True,
                      availability=[{"weekday": 0, "start": "10:00", "end": "14:00"}])  # free then: chosen
    assignment = client.post(f"{API}/shifts/{shift['id']}/assignments", json={},
                             headers=auth("volunteer", sub="v1")).json
    early = client.post(f"{API}/assignments/{assignment['id']}/no-show", json={}, headers=auth("staff"))
    assert early.status_code == 409 and early.json["code"] == "shift_not_started"
    assert client.post(f"{API}/assignments/{assignment['id']}/no-show", json={},
                       headers=auth("volunteer", sub="v2")).status_code == 403

    after_start = dt.datetime.fromisoformat(shift["starts_at"]) + dt.timedelta(minutes=20)
    staff = Identity("staff-1", frozenset({"staff"}), frozenset({"north-bund"}))
    with app.test_request_context(method="POST"):
        result = service.mark_no_show(staff, assignment["id"], now=after_start)
        assert result["no_show"].status == "no_show"
        backfill = result["backfill"]
        assert backfill is not None and backfill.volunteer_id == standby["id"]
        assert backfill.backfill_of_id == assignment["id"] and backfill.status == "signed_up"
        assert service.taken(shift["id"]) == 1  # the headcount, not above


def test_self_logged_hours_count_only_once_approved(app, client, auth):
    volunteer = profile(client, auth, "v1", "李阿姨")
    logged = client.post(f"{API}/hours", headers=auth("volunteer", sub="v1"), json={
        "community_id": "north-bund", "work_date": "2026-01-05", "minutes": 120, "note": "垃圾分类值守"})
    assert logged.status_code == 201 and logged.json["status"] == "pending"
    with app.app_context():
        assert service.hours_totals(service.get_volunteer(volunteer["id"])) == {
            "approved_minutes": 0, "pending_minutes": 120}
    own = client.post(f"{API}/hours/{logged.json['id']}/approve", headers=auth("volunteer", sub="v1"))
    assert own.status_code == 403
    # a staff member who logs hours as a volunteer cannot approve their own
    profile(client, auth, "staff-2", "王主任")
    mine = client.post(f"{API}/hours", headers=auth("staff", sub="staff-2"), json={
        "community_id": "north-bund", "work_date": "2026-01-05", "minutes": 30})
    assert client.post(f"{API}/hours/{mine.json['id']}/approve",
                       headers=auth("staff", sub="staff-2")).json["code"] == "own_hours"
    approved = client.post(f"{API}/hours/{logged.json['id']}/approve", headers=auth("staff", sub="staff-1"))
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    twice = client.post(f"{API}/hours/{logged.json['id']}/reject", headers=auth("staff", sub="staff-1"))
    assert twice.status_code == 409 and twice.json["code"] == "already_decided"
    with app.app_context():
        assert service.hours_totals(service.get_volunteer(volunteer["id"]))["approved_minutes"] == 120
    pending = client.get(f"{API}/hours?community_id=north-bund&status=pending", headers=auth("staff")).json
    assert [h["minutes"] for h in pending] == [30]


def test_hours_for_a_shift_need_the_volunteer_on_it_and_count_once(app, client, auth):
    shift = generate(client, auth)[0]
    profile(client, auth, "v1", "李阿姨")
    profile(client, auth, "v2", "陈师傅")
    client.post(f"{API}/shifts/{shift['id']}/assignments", json={}, headers=auth("volunteer", sub="v1"))
    body = {"community_id": "north-bund", "work_date": "2026-01-05", "minutes": 120, "shift_id": shift["id"]}
    not_there = client.post(f"{API}/hours", json=body, headers=auth("volunteer", sub="v2"))
    assert not_there.status_code == 422 and not_there.json["code"] == "not_on_shift"
    assert client.post(f"{API}/hours", json=body, headers=auth("volunteer", sub="v1")).status_code == 201
    twice = client.post(f"{API}/hours", json=body, headers=auth("volunteer", sub="v1"))
    assert twice.status_code == 409 and twice.json["code"] == "already_logged"
    with app.app_context():
        assert db.session.query(HourLog).count() == 1


@pytest.mark.parametrize(("body", "code"), [
    ({"work_date": "2099-01-01", "minutes": 60}, "future_date"),
    ({"work_date": "2026-01-05", "minutes": 0}, "validation_error"),
    ({"work_date": "2026-01-05", "minutes": 2000}, "validation_error"),
    ({"work_date": "yesterday", "minutes": 60}, "validation_error"),
], ids=["future", "zero-minutes", "more-than-a-day", "bad-date"])
def test_bad_hours_are_refused_and_change_nothing(app, client, auth, body, code):
    profile(client, auth, "v1", "李阿姨")
    before = table_counts(app)
    response = client.post(f"{API}/hours", headers=auth("volunteer", sub="v1"),
                           json={"community_id": "north-bund", **body})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert table_counts(app) == before


def test_swap_needs_the_other_volunteers_yes_and_keeps_headcounts(app, client, auth):
    morning, noon, evening = generate(client, auth)
    a = profile(client, auth, "va", "甲")
    b = profile(client, auth, "vb", "乙")
    profile(client, auth, "vc", "丙")
    mine = client.post(f"{API}/shifts/{morning['id']}/assignments", json={}, headers=auth("volunteer", sub="va")).json
    theirs = client.post(f"{API}/shifts/{evening['id']}/assignments", json={}, headers=auth("volunteer", sub="vb")).json

    offered = client.post(f"{API}/assignments/{mine['id']}/swap", headers=auth("volunteer", sub="va"),
                          json={"to_volunteer_id": b["id"], "exchange_assignment_id": theirs["id"]})
    assert offered.status_code == 201 and offered.json["status"] == "pending"
    with app.app_context():  # nothing moves before b says yes
        assert db.session.get(ShiftAssignment, mine["id"]).status == "signed_up"
    not_for_c = client.post(f"{API}/swaps/{offered.json['id']}/accept", headers=auth("volunteer", sub="vc"))
    assert not_for_c.status_code == 403 and not_for_c.json["code"] == "not_yours"
    accepted = client.post(f"{API}/swaps/{offered.json['id']}/accept", headers=auth("volunteer", sub="vb"))
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    again = client.post(f"{API}/swaps/{offered.json['id']}/accept", headers=auth("volunteer", sub="vb"))
    assert again.status_code == 409 and again.json["code"] == "already_decided"
    with app.app_context():
        live = {(x.shift_id, x.volunteer_id) for x in db.session.query(ShiftAssignment).filter_by(status="signed_up")}
        assert live == {(morning["id"], b["id"]), (evening["id"], a["id"])}
        evening_of_a = db.session.query(ShiftAssignment).filter_by(shift_id=evening["id"], status="signed_up").one().id

    # a hand-over b declines changes nothing; a staff hand-over applies at once
    declined = client.post(f"{API}/assignments/{evening_of_a}/swap", headers=auth("volunteer", sub="va"),
                           json={"to_volunteer_id": b["id"]}).json
    assert client.post(f"{API}/swaps/{declined['id']}/decline", headers=auth("volunteer", sub="vb")).json[
        "status"] == "declined"
    stranger = client.post(f"{API}/assignments/{evening_of_a}/swap", headers=auth("volunteer", sub="vc"),
                           json={"to_volunteer_id": b["id"]})
    assert stranger.status_code == 403 and stranger.json["code"] == "not_yours"
    by_staff = client.post(f"{API}/assignments/{evening_of_a}/swap", headers=auth("staff"),
                           json={"to_volunteer_id": b["id"]})
    assert by_staff.status_code == 201 and by_staff.json["status"] == "accepted"
    with app.app_context():
        assert service.taken(morning["id"]) == 1 and service.taken(evening["id"]) == 1
        assert service.taken(noon["id"]) == 0


def test_volunteer_shift_feed_by_secret_link_or_bearer(app, client, auth):
    shifts = generate(client, auth)
    me = profile(client, auth, "v1", "李阿姨")
    for shift in shifts[:2]:
        client.post(f"{API}/shifts/{shift['id']}/assignments", json={}, headers=auth("volunteer", sub="v1"))
    token = client.get(f"{API}/me?community_id=north-bund", headers=auth("volunteer", sub="v1")).json["feed_token"]
    feed = client.get(f"{API}/{me['id']}/shifts.ics?token={token}")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["垃圾分类值守", "垃圾分类值守"]
    assert [e.decoded("dtstart") for e in events] == [dt.datetime.fromisoformat(s["starts_at"]) for s in shifts[:2]]
    assert str(events[0]["location"]) == "垃圾箱房"
    english = client.get(f"{API}/{me['id']}/shifts.ics", query_string={"lang": "en"},
                         headers=auth("volunteer", sub="v1"))
    assert {str(e["summary"]) for e in icalendar.Calendar.from_ical(english.data).walk("VEVENT")} == {
        "Waste-sorting duty"}
    assert client.get(f"{API}/{me['id']}/shifts.ics?token=guess").status_code == 403
    assert client.get(f"{API}/{me['id']}/shifts.ics", query_string={"token": "猜一猜"}).status_code == 403
    rotated = client.post(f"{API}/me/feed-token?community_id=north-bund", headers=auth("volunteer", sub="v1"))
    assert rotated.status_code == 200 and rotated.json["feed_token"] != token
    assert client.get(f"{API}/{me['id']}/shifts.ics?token={token}").status_code == 403
    assert client.get(f"{API}/{me['id']}/shifts.ics?token={rotated.json['feed_token']}").status_code == 200
    assert client.get(f"{API}/{me['id']}/shifts.ics").status_code == 401
    assert client.get(f"{API}/{me['id']}/shifts.ics", headers=auth("volunteer", sub="v2")).status_code == 403


def test_volunteer_registers_an_activity_they_run(app, client, auth):
    me = profile(client, auth, "v1", "王老师", talents=[{"title_zh": "书法老师", "title_en": "calligraphy teacher"}])
    start = dt.datetime(2030, 3, 6, 6, 0, tzinfo=dt.UTC)
    response = client.post(f"{API}/activities", headers=auth("volunteer", sub="v1"), json={
        "community_id": "north-bund", "title_zh": "书法班", "capacity": 12,
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat()})
    assert response.status_code == 201, response.json
    assert response.json["organiser_kind"] == "volunteer" and response.json["organiser_ref"] == str(me["id"])
    assert response.json["organiser_name"] == "王老师"
    talents = client.get(f"{API}?community_id=north-bund&talent=书法", headers=auth("staff")).json
    assert [v["display_name"] for v in talents] == ["王老师"]
    before = table_counts(app)
    backwards = client.post(f"{API}/activities", headers=auth("volunteer", sub="v1"), json={
        "community_id": "north-bund", "title_zh": "书法班", "capacity": 12,
        "starts_at": start.isoformat(), "ends_at": (start - dt.timedelta(hours=2)).isoformat()})
    assert backwards.status_code == 422 and backwards.json["errors"]["json"]["ends_at"]
    assert table_counts(app) == before


greening = types.ModuleType("linli_test_greening")


@hookimpl
def _greening_templates(community):
    return [{"code": "greening", "name_zh": "绿化养护", "name_en": "Garden care", "weekdays": [5],
             "slots": [{"start": "09:00", "end": "11:00", "headcount": 4}]}]


greening.shift_templates = _greening_templates
sys.modules[greening.__name__] = greening


def test_a_community_plugin_adds_its_own_template(service_app, communities_with):
    app = service_app("hub", create_app, LINLI_COMMUNITIES_FILE=communities_with({"north-bund": ["greening"]}),
                      LINLI_EXTRA_PLUGINS=[("greening", greening)])
    with app.app_context():
        assert set(service.shift_templates("north-bund")) == {"waste-sorting", "greening"}
        assert "greening" not in service.shift_templates("fenglin-huiyuan")
        made = service.generate_shifts("north-bund", "greening", start_date=DAY, days=7)
        assert [(s.starts_at.astimezone(SHANGHAI).weekday(), s.headcount) for s in made] == [(5, 4)]


def test_demo_data_and_tick_are_idempotent(app):
    from linli.hub.activities.demo import seed_demo_activities
    from linli.hub.activities.models import ActivitySession, Registration

    def snapshot():
        with app.app_context():
            return tuple(db.session.query(m).count() for m in (Activity, ActivitySession, Registration, Shift,
                                                                ShiftAssignment, service.Volunteer))

    seed_demo_activities(app)
    first = snapshot()
    seed_demo_activities(app)
    assert snapshot() == first
    activities_, sessions, registrations, shifts, _assignments, people = first
    # the waste-sorting duty from this week's Monday to a week ahead, three slots a day
    days_this_week = local_today().weekday()
    assert activities_ == 4 and registrations == 5 and shifts == 3 * (days_this_week + 7) and people == 4
    with app.app_context():
        attended = db.session.query(ShiftAssignment).filter_by(status="attended").count()
        signed_up = db.session.query(ShiftAssignment).filter_by(status="signed_up").count()
        assert signed_up > 0 and (attended > 0 or days_this_week == 0)  # the days already past were attended
    with app.app_context():
        waiting = db.session.query(Registration).filter_by(status="waitlisted").count()
        assert waiting == 2
    with app.app_context():  # as `flask linli tick` runs it
        done = app.extensions["linli_spec"].tick(app)
        assert done["activity_offers_expired"] == 0 and "volunteer_shifts_generated" in done
        assert app.extensions["linli_spec"].tick(app)["volunteer_shifts_generated"] == 0
