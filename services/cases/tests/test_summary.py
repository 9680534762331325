"""The cases service's summary API for the committee dashboard: the clearance board's counts, the
weekly counts and the polls closing this week, as the service's own APIs give them; 304 on a
matching ETag; the token's communities only."""

import datetime as dt

from linli.cases.app import SPEC
from linli.shared.localtime import LOCAL_TZ, local_today

HY = "fenglin-huiyuan"


def test_summary_equals_the_clearance_board_and_the_weekly_counts(app, client, auth):
    SPEC.seed_demo(app)
    staff = auth("staff", communities=[HY])
    today = local_today()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=3)
    answer = client.get(f"/api/summary?community_id={HY}&date_from={first}&date_to={today}", headers=staff)
    assert answer.status_code == 200, answer.json
    summary = answer.json
    board = client.get(f"/api/clearance/board?community_id={HY}", headers=staff).json
    weekly = client.get(f"/api/clearance/weekly?community_id={HY}&weeks=4", headers=staff).json
    for key in ("open", "overdue", "due_soon", "on_time"):
        assert summary[key] == board["counts"][key]
    assert summary["open"] > 0
    assert [w["week_start"] for w in summary["weeks"]] == [w["week_start"] for w in weekly]
    assert summary["weeks"] == weekly
    assert summary["resolved"] == sum(w["resolved"] for w in weekly)
    assert summary["resolved_this_week"] == weekly[-1]["resolved"]
    assert [u["case_id"] for u in summary["urgent"]] == [r["case_id"] for r in board["rows"][:5]]
    polls = client.get(f"/api/polls?community_id={HY}").json
    now = dt.datetime.now(dt.UTC)
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=LOCAL_TZ)
    closing = [p["id"] for p in polls if now < dt.datetime.fromisoformat(p["closes_at"]) <= week_end]
    assert sorted(p["poll_id"] for p in summary["polls_closing_this_week"]) == sorted(closing)
    assert summary["open_polls"] == sum(1 for p in polls if dt.datetime.fromisoformat(p["closes_at"]) > now)

    etag = answer.headers["ETag"]
    again = client.get(f"/api/summary?community_id={HY}&date_from={first}&date_to={today}",
                       headers={**staff, "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_summary_scope_and_bad_input(client, auth):
    assert client.get(f"/api/summary?community_id={HY}").status_code == 401
    assert client.get(f"/api/summary?community_id={HY}", headers=auth("staff", communities=["north-bund"])).status_code == 403
    bad = client.get(f"/api/summary?community_id={HY}&date_from=yesterday", headers=auth("staff", communities=[HY]))
    assert bad.status_code == 422 and bad.content_type.startswith("application/problem+json")
    unknown = client.get("/api/summary?community_id=atlantis", headers=auth("staff", communities=["atlantis"]))
    assert unknown.status_code == 404
