"""The daily clearance board: SLA timers from the community's settings, due soon / overdue, the
staff filter, today's appointments, and weekly counts."""

import datetime as dt

from linli.cases.casework import sla
from linli.cases.clearance import service as clearance


def open_case(client, staff, title, category, assigned_to=None):
    body = {"community_id": "north-bund", "title": title, "category": category}
    if assigned_to:
        body["assigned_to"] = assigned_to
    response = client.post("/api/cases", json=body, headers=staff)
    assert response.status_code == 201
    return response.json["id"]


def test_board_timers_filters_and_weekly_counts(app, client, auth):
    staff = auth("staff", sub="gu")
    food = open_case(client, staff, "午餐鸡肉没熟", "food_safety", "gu")
    parking = open_case(client, staff, "停车难", "parking", "chen")
    light = open_case(client, staff, "楼道灯坏了", "facilities", "gu")
    client.post(f"/api/cases/{food}/take-up", json={}, headers=staff)  # first response met; consultation due in 2 days

    board = client.get("/api/clearance/board?community_id=north-bund", headers=staff).json
    assert board["counts"]["open"] == 3 and board["counts"]["overdue"] == 0  # due soon or on time: by weekday
    by_case = {row["case_id"]: row for row in board["rows"]}
    assert by_case[food]["milestone"] == "consultation" and by_case[parking]["milestone"] == "first_response"
    assert board["staff"] == ["chen", "gu"]
    mine = client.get("/api/clearance/board?community_id=north-bund&assigned_to=chen", headers=staff).json
    assert [r["case_id"] for r in mine["rows"]] == [parking] and mine["counts"]["open"] == 1

    # four days on, whatever weekday today is: every first response and the food case's consultation are overdue
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4, hours=1)
    with app.test_request_context():
        ahead = clearance.read_board("north-bund", now=later)
        assert ahead.counts["overdue"] == 3 and ahead.counts["on_time"] == 0
        assert [r["timer"] for r in ahead.rows] == ["overdue"] * 3
        assert [r["due_at"] for r in ahead.rows] == sorted(r["due_at"] for r in ahead.rows)  # most urgent first
        assert all(r["minutes_left"] < 0 for r in ahead.rows)
        weeks = clearance.weekly_counts("north-bund", weeks=2, now=later)
    assert sum(w["opened"] for w in weeks) == 3 and sum(w["overdue"] for w in weeks) == 3
    assert all(w["week_start"].weekday() == 0 for w in weeks)
    assert light in by_case


def test_due_soon_window(app, client, auth):
    staff = auth("staff")
    case_id = open_case(client, staff, "噪音扰民", "neighbourhood")
    with app.test_request_context():
        row = clearance.read_board("north-bund").rows[0]
        due = row["due_at"]
        assert row["case_id"] == case_id
        assert clearance.read_board("north-bund", now=due - dt.timedelta(hours=25)).counts["on_time"] == 1
        assert clearance.read_board("north-bund", now=due - dt.timedelta(hours=2)).counts["due_soon"] == 1
        assert clearance.read_board("north-bund", now=due + dt.timedelta(minutes=1)).counts["overdue"] == 1
        assert sla.local_date(due).weekday() < 5


def test_board_is_for_staff_of_the_community(client, auth):
    assert client.get("/api/clearance/board?community_id=north-bund", headers=auth("diner")).json["code"] == "missing_role"
    other = client.get("/api/clearance/board?community_id=fenglin-huiyuan", headers=auth("staff"))
    assert other.status_code == 403 and other.json["code"] == "wrong_community"
    assert client.get("/api/clearance/weekly?community_id=north-bund&weeks=0", headers=auth("staff")).status_code == 422
