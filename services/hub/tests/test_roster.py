"""The duty roster: A/B cover, the manager told when a line has neither, the desk never empty, iCal."""

import datetime as dt

import icalendar
import sqlalchemy as sa

from linli.hub.extensions import db, shared_models
from linli.hub.roster import service
from linli.hub.roster.models import RosterCell, UncoveredAlert
from linli.hub.roster.testing import HY, make_committee

MONDAY = dt.date(2027, 3, 1)  # a fixed week: the roster depends on no clock
TUESDAY, WEDNESDAY = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)


def staff_headers(auth, sub="102", role="staff"):
    return auth(role, communities=[HY], sub=sub)


def cells(app):
    with app.app_context():
        return {(c.staff_id, c.day, c.period): (c.duty, c.version) for c in db.session.scalars(sa.select(RosterCell))}


def outbox(app, event_type):
    with app.app_context():
        return [e.payload for e in db.session.scalars(sa.select(shared_models.OutboxEvent).where(
            shared_models.OutboxEvent.event_type == event_type))]


def test_b_covers_when_a_is_on_leave_and_manager_is_told_when_both_are_absent(app, client, auth):
    world = make_committee(app)
    a, b = world["staff"][1], world["staff"][2]
    headers = staff_headers(auth)
    week = client.post("/api/roster/weeks", json={"community_id": HY, "monday": MONDAY.isoformat()}, headers=headers)
    assert week.status_code == 201
    # every open period has the desk rota, 1–2 people; the week generated twice changes nothing
    grid = cells(app)
    assert client.post("/api/roster/weeks", json={"community_id": HY, "monday": MONDAY.isoformat()},
                       headers=headers).status_code == 201
    assert cells(app) == grid
    tuesday_am = {sid: duty for (sid, day, period), (duty, _) in grid.items() if day == TUESDAY and period == "am"}
    assert list(tuesday_am.values()).count("front_desk") == 1
    # A sits at the desk on Tuesday morning, then goes on leave on Tuesday
    desk = next(sid for sid, duty in tuesday_am.items() if duty == "front_desk")
    if desk != a:
        version = grid[(a, TUESDAY, "am")][1]
        assert client.put("/api/roster/cells", headers=headers, json={
            "community_id": HY, "staff_id": a, "day": TUESDAY.isoformat(), "period": "am", "duty": "front_desk",
            "version": version}).status_code == 200
        assert client.put("/api/roster/cells", headers=headers, json={
            "community_id": HY, "staff_id": desk, "day": TUESDAY.isoformat(), "period": "am", "duty": "visiting",
            "version": grid[(desk, TUESDAY, "am")][1]}).status_code == 200
    leave = client.post("/api/roster/absences", headers=headers, json={
        "community_id": HY, "staff_id": a, "starts_on": TUESDAY.isoformat(), "ends_on": WEDNESDAY.isoformat(),
        "kind": "leave"})
    assert leave.status_code == 201
    board = client.get(f"/api/roster/board?community_id={HY}&day={TUESDAY}", headers=headers).json
    elderly = next(line for line in board["lines"] if line["code"] == "elderly")
    assert elderly["holder_id"] == b and elderly["covered_by_b"] and not elderly["uncovered"]
    am = next(p for p in board["periods"] if p["period"] == "am")
    assert [(s["staff_id"], s["covering_for"]) for s in am["desk"]] == [(b, a)]  # B sits in for A (AB角)
    assert board["flags"] == [] and outbox(app, "hub.roster.line_uncovered") == []

    # B is off sick on Wednesday too: nobody holds the elderly line; the manager is told once
    sick = {"community_id": HY, "staff_id": b, "starts_on": WEDNESDAY.isoformat(),
            "ends_on": WEDNESDAY.isoformat(), "kind": "sick"}
    assert client.post("/api/roster/absences", headers=headers, json=sick).status_code == 201
    board = client.get(f"/api/roster/board?community_id={HY}&day={WEDNESDAY}", headers=headers).json
    elderly = next(line for line in board["lines"] if line["code"] == "elderly")
    assert elderly["uncovered"] and elderly["holder_id"] is None
    assert "line:elderly" in board["flags"]
    civil = next(line for line in board["lines"] if line["code"] == "civil")
    assert civil["covered_by_b"]  # its A (also the elderly line's B) is out: its B holds it
    assert all(not p["uncovered"] for p in board["periods"])  # the desk still has someone in every period
    assert outbox(app, "hub.roster.line_uncovered") == [{
        "line_id": world["elderly"], "line_code": "elderly", "line_name": "为老服务", "day": WEDNESDAY.isoformat(),
        "a_staff_id": a, "b_staff_id": b}]
    assert client.post("/api/roster/absences", headers=headers, json={**sick, "kind": "training"}).status_code == 201
    assert len(outbox(app, "hub.roster.line_uncovered")) == 1  # told once per line and day
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UncoveredAlert)) == 1


def test_bad_roster_input_is_refused_and_changes_nothing(app, client, auth):
    world = make_committee(app)
    headers = staff_headers(auth)
    client.post("/api/roster/weeks", json={"community_id": HY, "monday": MONDAY.isoformat()}, headers=headers)
    before = cells(app)
    desk_sid, _, _ = next(k for k, (duty, _) in before.items() if k[1] == TUESDAY and k[2] == "pm"
                          and duty == "front_desk")
    version = before[(desk_sid, TUESDAY, "pm")][1]
    cases = [
        # the only person at Tuesday afternoon's desk goes visiting: nobody at the desk
        ("put", "/api/roster/cells", {"community_id": HY, "staff_id": desk_sid, "day": TUESDAY.isoformat(),
                                      "period": "pm", "duty": "visiting", "version": version}, 422, "no_front_desk"),
        ("put", "/api/roster/cells", {"community_id": HY, "staff_id": desk_sid, "day": TUESDAY.isoformat(),
                                      "period": "pm", "duty": "front_desk", "version": version + 5}, 409,
         "stale_cell"),
        ("put", "/api/roster/cells", {"community_id": HY, "staff_id": 999, "day": TUESDAY.isoformat(),
                                      "period": "pm", "duty": "visiting"}, 422, "unknown_staff"),
        ("put", "/api/roster/cells", {"community_id": HY, "staff_id": desk_sid, "day": (MONDAY + dt.timedelta(6))
                                      .isoformat(), "period": "am", "duty": "front_desk"}, 422, "desk_closed"),
        ("post", "/api/roster/absences", {"community_id": HY, "staff_id": desk_sid, "starts_on": "2027-03-05",
                                          "ends_on": "2027-03-04", "kind": "leave"}, 422, "validation_error"),
        ("post", "/api/roster/absences", {"community_id": HY, "staff_id": 999, "starts_on": "2027-03-05",
                                          "ends_on": "2027-03-05", "kind": "leave"}, 422, "unknown_staff"),
    ]
    manager = staff_headers(auth, "101", "manager")
    cases_manager = [
        ("post", "/api/roster/lines", {"community_id": HY, "code": "sanitation", "name_zh": "环卫",
                                       "a_staff_id": world["staff"][0], "b_staff_id": world["staff"][0]}, 422,
         "same_staff"),
        ("post", "/api/roster/lines", {"community_id": HY, "code": "sanitation", "name_zh": "环卫",
                                       "a_staff_id": world["staff"][0], "b_staff_id": 999}, 422, "unknown_staff"),
    ]
    for method, url, body, status, code, who in [*[(*c, headers) for c in cases],
                                                 *[(*c, manager) for c in cases_manager]]:
        response = getattr(client, method)(url, json=body, headers=who)
        assert response.status_code == status, (url, body, response.json)
        assert response.content_type == "application/problem+json" and response.json["code"] == code
    assert cells(app) == before
    with app.app_context():
        assert service.list_lines(HY)[-1].code == "civil" and service.absences_between(HY, MONDAY, MONDAY + dt.timedelta(30)) == []
    # another community's staff cannot read this roster
    other = auth("staff", communities=["north-bund"], sub="900")
    assert client.get(f"/api/roster/board?community_id={HY}&day={TUESDAY}", headers=other).status_code == 403


def test_swap_needs_the_managers_approval_and_the_ical_feed_parses_back(app, client, auth):
    world = make_committee(app)
    headers = staff_headers(auth)
    client.post("/api/roster/weeks", json={"community_id": HY, "monday": MONDAY.isoformat()}, headers=headers)
    with app.app_context():
        tue = [c for c in service.week_cells(HY, MONDAY) if c.day == TUESDAY and c.period == "am"]
        desk = next(c for c in tue if c.duty == "front_desk")
        out = next(c for c in tue if c.duty == "visiting")
        token = db.session.get(service.StaffMember, desk.staff_id).feed_token
    swap = client.post("/api/roster/swaps", headers=headers, json={"community_id": HY, "cell_a_id": desk.id,
                                                                   "cell_b_id": out.id, "reason": "看病"})
    assert swap.status_code == 201 and swap.json["state"] == "pending"
    assert client.post(f"/api/roster/swaps/{swap.json['id']}/decision", json={"approve": True},
                       headers=headers).status_code == 403  # staff cannot approve
    manager = staff_headers(auth, "101", "manager")
    decided = client.post(f"/api/roster/swaps/{swap.json['id']}/decision", json={"approve": True}, headers=manager)
    assert decided.status_code == 200 and decided.json["state"] == "approved"
    again = client.post(f"/api/roster/swaps/{swap.json['id']}/decision", json={"approve": False}, headers=manager)
    assert again.status_code == 409 and again.json["code"] == "swap_decided"
    grid = cells(app)
    assert grid[(desk.staff_id, TUESDAY, "am")][0] == "visiting" and grid[(out.staff_id, TUESDAY, "am")][0] == "front_desk"

    with app.app_context():  # the feed covers this week and the next ones: put the roster there
        this_monday = service.monday_of(service.local_today())
        service.generate_week(None, HY, this_monday)
        expected = service.cells_of(world["staff"][1], this_monday, this_monday + dt.timedelta(weeks=4))
        token = db.session.get(service.StaffMember, world["staff"][1]).feed_token
    feed = client.get(f"/api/roster/feeds/{token}.ics?lang=en")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == len(expected) > 0
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart").utcoffset() == dt.timedelta(hours=8)
    assert str(first["summary"]) in {"Front desk", "Visiting", "Research and meetings", "Training"}
    assert client.get("/api/roster/feeds/not-a-token.ics").status_code == 404
