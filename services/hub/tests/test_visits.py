"""The visit diary: the due list against hand-computed cases, at every hour; privacy; bad input; the report."""

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from linli.hub.extensions import db, shared_models
from linli.hub.roster.service import local_today
from linli.hub.roster.testing import HY, make_committee, make_household
from linli.hub.visits import service
from linli.hub.visits.models import HouseholdAssignment, Visit
from linli.shared.auth import Identity
from linli.shared.events.signing import HEADER, sign
from linli.shared.testing.plugin import EVENT_SECRET

UTC = dt.UTC


@pytest.fixture
def world(app):
    committee = make_committee(app)
    committee["alone"] = make_household(app, room="101", groups=("elderly_alone",), birth=dt.date(1940, 3, 3))
    committee["disabled"] = make_household(app, room="102", groups=("disabled",))
    committee["ordinary"] = make_household(app, room="103")
    committee["never"] = make_household(app, room="104")
    committee["elsewhere"] = make_household(app, community_id="north-bund", room="901", groups=("elderly_alone",))
    with app.app_context():
        service.assign(None, community_id=HY, staff_id=committee["staff"][1],
                       household_ids=[committee[k] for k in ("alone", "disabled", "ordinary", "never")])
    return committee


def staff(auth, sub="102", community=HY, role="staff"):
    return auth(role, communities=[community], sub=sub)


def audit_count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(shared_models.AuditLogEntry))


def visit(client, headers, household_id, days_ago, **extra):
    day = local_today() - dt.timedelta(days=days_ago)
    response = client.post("/api/visits", headers=headers, json={
        "community_id": HY, "household_id": household_id, "visited_on": day.isoformat(), "kind": "door", **extra})
    assert response.status_code == 201, response.json
    return response.json


def test_due_list_matches_the_hand_computed_cases(app, client, auth, world):
    headers = staff(auth)
    visit(client, headers, world["alone"], 2, findings="精神不错")  # 3/week: every 2 days -> due today
    visit(client, headers, world["disabled"], 5)  # 2/week: every 3 days -> 2 days overdue
    visit(client, headers, world["ordinary"], 243)  # 8 months ago, once a year -> not due
    due = client.get(f"/api/visits/due?community_id={HY}", headers=headers)
    assert due.status_code == 200
    assert [(d["household_id"], d["bucket"], d["days_overdue"]) for d in due.json] == [
        (world["disabled"], "overdue", 2), (world["never"], "never", 0), (world["alone"], "today", 0)]
    assert due.json[2]["rule"] == "3/week elderly_alone 80+" and due.json[2]["special"]  # Fenglin's plugin
    # the manager's overview counts the same
    manager = staff(auth, "101", role="manager")
    overview = client.get(f"/api/visits/overview?community_id={HY}", headers=manager).json
    mine = next(o for o in overview if o["staff_id"] == world["staff"][1])
    assert (mine["households"], mine["special"], mine["overdue"], mine["overdue_special"], mine["never"],
            mine["due_today"]) == (4, 2, 1, 1, 1, 1)
    assert client.get(f"/api/visits/overview?community_id={HY}", headers=headers).status_code == 403


# a week that turns the month and the year: Mon 28 Dec 2026 .. Wed 6 Jan 2027
VISITED = dt.date(2026, 12, 28)


def expected_bucket(today: dt.date, due: dt.date):
    if today > due:
        return ("overdue", (today - due).days)
    if today == due:
        return ("today", 0)
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return ("this_week", (today - due).days) if due <= sunday else None


def test_due_buckets_hold_at_every_hour_across_week_month_year_and_the_utc_date_line(app, world):
    """Every hour from the visit on, in UTC: Shanghai's date (UTC+8) decides, not the server's."""
    actor = Identity("102", frozenset({"staff"}), frozenset({HY}))
    with app.app_context():
        moment = dt.datetime(2026, 12, 28, 2, tzinfo=UTC)  # 10:00 in Shanghai on the 28th
        service.record_visit(actor, community_id=HY, household_id=world["alone"], visited_on=VISITED - dt.timedelta(1),
                             kind="door", now=moment)
        service.record_visit(actor, community_id=HY, household_id=world["disabled"], visited_on=VISITED,
                             kind="phone", now=moment)
        service.record_visit(actor, community_id=HY, household_id=world["ordinary"], visited_on=VISITED,
                             kind="hub", now=moment)
        service.record_visit(actor, community_id=HY, household_id=world["never"], visited_on=VISITED,
                             kind="door", follow_up_on=VISITED + dt.timedelta(days=4), now=moment)
        due = {"alone": VISITED + dt.timedelta(1), "disabled": VISITED + dt.timedelta(3),
               "never": VISITED + dt.timedelta(4)}
        checked = 0
        for hour in range(-8, 24 * 10):
            now = dt.datetime(2026, 12, 28, tzinfo=UTC) + dt.timedelta(hours=hour)
            today = (now + dt.timedelta(hours=8)).date()  # Shanghai has no DST
            got = {i.household.id: (i.bucket, i.days_overdue) for i in service.due_list(actor, community_id=HY, now=now)}
            want = {world[k]: expected_bucket(today, d) for k, d in due.items()}
            assert got == {k: v for k, v in want.items() if v is not None}, (now, today)
            assert world["ordinary"] not in got
            checked += 1
        # the Monday report flips to the new week at 16:00 UTC on Sunday (midnight in Shanghai)
        before = service.weekly_report(actor, community_id=HY, now=dt.datetime(2027, 1, 3, 15, 59, tzinfo=UTC))[0]
        after = service.weekly_report(actor, community_id=HY, now=dt.datetime(2027, 1, 3, 16, 0, tzinfo=UTC))[0]
        assert (before, after) == (dt.date(2026, 12, 21), dt.date(2026, 12, 28))
        # a visit "today" in Shanghai at 23:30 on New Year's Eve UTC is on the 1st: not in the future
        new_year = dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
        assert service.record_visit(actor, community_id=HY, household_id=world["alone"],
                                    visited_on=dt.date(2027, 1, 1), kind="phone", now=new_year).visited_on.year == 2027
    assert checked == 248


def test_the_weekly_report_of_one_staff_member(app, client, auth, world):
    headers = staff(auth)
    monday = local_today() - dt.timedelta(days=local_today().weekday() + 7)  # last week
    with app.app_context():
        actor = Identity("102", frozenset({"staff"}), frozenset({HY}))
        for offset in (0, 2, 4):  # the elder living alone three times, the disabled resident once
            service.record_visit(actor, community_id=HY, household_id=world["alone"],
                                 visited_on=monday + dt.timedelta(offset), kind="door", needs=["bathing"])
        service.record_visit(actor, community_id=HY, household_id=world["disabled"], visited_on=monday - dt.timedelta(1),
                             kind="phone")
        service.record_visit(actor, community_id=HY, household_id=world["disabled"], visited_on=monday + dt.timedelta(3),
                             kind="door", problem={"title": "楼道灯坏了", "category": "safety",
                                                   "description": "3楼楼道灯不亮"})
    report = client.get(f"/api/visits/report?community_id={HY}&staff_id={world['staff'][1]}", headers=headers)
    assert report.status_code == 200 and report.json["monday"] == monday.isoformat()
    (row,) = report.json["staff"]
    assert (row["households"], row["visits_made"], row["households_due"], row["due_visited"]) == (4, 4, 4, 2)
    assert (row["special"], row["special_visited"], row["special_visits"], row["special_visits_expected"]) == (2, 2, 4, 5)
    assert row["needs"] == {"bathing": 3} and row["overdue_at_end"] == 2  # the two never visited
    assert [p["problem_title"] for p in row["problems"]] == ["楼道灯坏了"] and row["problems"][0]["case_state"] == "sent"


def test_a_problem_found_goes_to_cases_once_and_its_case_state_comes_back(app, client, auth, world):
    headers = staff(auth)
    made = visit(client, headers, world["disabled"], 0, findings="楼道灯坏了",
                 problem={"title": "楼道灯坏了", "category": "safety", "description": "3楼"})
    with app.app_context():
        events = list(db.session.scalars(sa.select(shared_models.OutboxEvent).where(
            shared_models.OutboxEvent.event_type == "hub.visit.problem_found")))
    assert len(events) == 1 and events[0].community_id == HY
    assert set(events[0].payload) == {"title", "description", "visit_id", "household_id", "household_label",
                                      "category", "found_at"}
    assert events[0].payload["visit_id"] == str(made["id"]) and events[0].payload["household_label"] == "徐家汇花园1号102室"
    again = client.post(f"/api/visits/{made['id']}/problem", headers=headers, json={"title": "x", "category": "other"})
    assert again.status_code == 409 and again.json["code"] == "problem_raised"

    def deliver(event_id, event_type, state, source_ref=events[0].id):
        body = json.dumps({"id": event_id, "type": event_type, "community_id": HY, "payload": {
            "case_id": "c-1", "reference": "HY-2026-0007", "title": "楼道灯坏了", "category": "neighbourhood",
            "state": state, "source_event_type": "hub.visit.problem_found", "source_ref": source_ref}}).encode()
        return client.post("/events", data=body, headers={HEADER: sign(body, EVENT_SECRET)})

    for _ in range(3):  # delivered three times: taken once
        assert deliver("e-open", "cases.case.opened", "reported").status_code == 200
    shown = client.get(f"/api/visits/{made['id']}", headers=headers).json
    assert (shown["case_reference"], shown["case_state"]) == ("HY-2026-0007", "reported")
    deliver("e-resolved", "cases.case.resolved", "resolved", source_ref=str(made["id"]))  # by visit id works too
    deliver("e-open-late", "cases.case.opened", "reported")  # out of order: never back
    assert client.get(f"/api/visits/{made['id']}", headers=headers).json["case_state"] == "resolved"


def test_privacy_other_communities_get_403_and_each_special_read_is_audited(app, client, auth, world):
    headers = staff(auth)
    visit(client, headers, world["alone"], 1)
    visit(client, headers, world["ordinary"], 1)
    outsider = staff(auth, "900", community="north-bund")
    for url in (f"/api/visits/households/{world['alone']}", f"/api/visits/due?community_id={HY}",
                f"/api/visits/report?community_id={HY}"):
        response = client.get(url, headers=outsider)
        assert response.status_code == 403 and response.json["code"] == "wrong_community"
    resident = auth("diner", communities=[HY], sub="555")
    assert client.get(f"/api/visits/households/{world['alone']}", headers=resident).status_code == 403
    before = audit_count(app)
    for n in range(1, 4):
        read = client.get(f"/api/visits/households/{world['alone']}", headers=headers)
        assert read.status_code == 200 and len(read.json["visits"]) == 1
        assert audit_count(app) == before + n  # one audit row per read
    assert client.get(f"/api/visits/households/{world['ordinary']}", headers=headers).status_code == 200
    assert audit_count(app) == before + 3  # ordinary households are not audited
    with app.app_context():
        last = db.session.scalars(sa.select(shared_models.AuditLogEntry).order_by(shared_models.AuditLogEntry.id.desc())).first()
        assert (last.actor, last.action, last.subject_id) == ("102", "visits.read", str(world["alone"]))


def test_bad_visit_input_is_refused_and_changes_nothing(app, client, auth, world):
    headers = staff(auth)
    today = local_today()
    base = {"community_id": HY, "household_id": world["alone"], "visited_on": today.isoformat(), "kind": "door"}
    cases = [
        ({**base, "visited_on": (today + dt.timedelta(days=1)).isoformat()}, 422, "visit_in_future"),
        ({**base, "household_id": world["elsewhere"]}, 422, "household_elsewhere"),
        ({**base, "household_id": 99999}, 422, "household_not_found"),
        ({**base, "staff_id": 999}, 422, "unknown_staff"),
        ({**base, "kind": "telepathy"}, 422, "validation_error"),
        ({**base, "follow_up_on": (today - dt.timedelta(days=3)).isoformat()}, 422, "validation_error"),
        ({**base, "problem": {"title": "", "category": "safety"}}, 422, "validation_error"),
    ]
    with app.app_context():
        plans = [(p.household_id, p.due_on) for p in db.session.scalars(sa.select(HouseholdAssignment))]
    audits = audit_count(app)
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count()).select_from(shared_models.OutboxEvent))
    for body, status, code in cases:
        response = client.post("/api/visits", json=body, headers=headers)
        assert response.status_code == status and response.json["code"] == code, (body, response.json)
        assert response.content_type == "application/problem+json"
    not_staff = client.post("/api/visits", json=base, headers=staff(auth, "777"))  # no staff record
    assert not_staff.status_code == 422 and not_staff.json["code"] == "unknown_staff"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0
        assert [(p.household_id, p.due_on) for p in db.session.scalars(sa.select(HouseholdAssignment))] == plans
        assert db.session.scalar(sa.select(sa.func.count()).select_from(shared_models.OutboxEvent)) == events
    assert audit_count(app) == audits


def test_balance_spreads_households_and_special_groups_and_moves_a_leavers_households(app, client, auth):
    committee = make_committee(app)
    ids = [make_household(app, room=str(100 + n), groups=("elderly_alone",) if n % 10 == 0 else ())
           for n in range(40)]
    manager = staff(auth, "101", role="manager")
    counts = client.post("/api/visits/assignments/balance", json={"community_id": HY}, headers=manager)
    assert counts.status_code == 200 and sorted(counts.json["per_staff"].values()) == [10, 10, 10, 10]
    with app.app_context():
        special = {}
        for plan in db.session.scalars(sa.select(HouseholdAssignment).where(HouseholdAssignment.special.is_(True))):
            special[plan.staff_id] = special.get(plan.staff_id, 0) + 1
        assert sorted(special.values()) == [1, 1, 1, 1]
    leaving = committee["staff"][3]
    moved = client.post("/api/visits/assignments/balance", json={"community_id": HY, "leaving_staff_id": leaving},
                        headers=manager)
    assert sorted(moved.json["per_staff"].values()) == [13, 13, 14] and str(leaving) not in moved.json["per_staff"]
    assert client.post("/api/visits/assignments", headers=manager, json={
        "community_id": HY, "staff_id": leaving, "household_ids": ids[:2]}).json["code"] == "unknown_staff"



@pytest.mark.parametrize(("plugins", "expected"), [
    ([], [("3/week elderly_alone", 2), ("1/year", 365)]),
    (["fenglin_visit_rules"], [("2/week elderly_alone", 3), ("2/year 80+", 182)]),
], ids=["builtin", "fenglin"])
def test_visit_frequency_hook_fenglin_plugin_replaces_the_builtin_rule(service_app, communities_with, plugins,
                                                                       expected):
    """An elder living alone aged 70: the built-in says 3/week; Fenglin's plugin says 2/week (80+ get 3)."""
    from linli.hub.app import create_app

    app = service_app("hub", create_app, LINLI_COMMUNITIES_FILE=communities_with({HY: plugins}))
    committee = make_committee(app)
    household = make_household(app, room="201", groups=("elderly_alone",), birth=dt.date(1956, 6, 1))
    old = make_household(app, room="202", birth=dt.date(1930, 6, 1))
    with app.app_context():
        service.assign(None, community_id=HY, staff_id=committee["staff"][0], household_ids=[household, old])
        assert [(p.rule, p.interval_days) for p in db.session.scalars(
            sa.select(HouseholdAssignment).order_by(HouseholdAssignment.household_id))] == expected
