"""The canteen's summary API for the committee dashboard: its figures are the canteen's own reports
(covers, takings, waste KPI, ratings) for the same range; a conditional GET answers 304; access is
the token's communities; bad ranges are 422 problems."""

import datetime as dt

from linli.canteen.waste.testing import past_service
from linli.shared.localtime import local_today

NB = "north-bund"


def test_summary_equals_the_canteen_reports_and_answers_304(app, client, auth):
    yesterday = local_today() - dt.timedelta(days=1)
    with app.app_context():
        past_service(NB, yesterday, collected=30, other_states={"cancelled": 2})
    staff = auth("staff", sub="weigher-1")
    for kind, grams in (("plate", 1500), ("preparation", 900)):
        assert client.post("/api/waste/entries", headers=staff, json={
            "community_id": NB, "service_date": str(yesterday), "meal_kind": "lunch", "kind": kind,
            "grams": grams}).status_code == 201
    query = f"community_id={NB}&date_from={yesterday}&date_to={local_today()}"

    answer = client.get(f"/api/summary?{query}", headers=staff)
    assert answer.status_code == 200, answer.json
    summary = answer.json
    covers = client.get(f"/api/reports/covers?{query}", headers=staff).json
    takings = client.get(f"/api/reports/takings?{query}", headers=staff).json
    kpi = client.get(f"/api/waste/kpi?{query}&by=day", headers=staff).json
    assert summary["covers"] == sum(r["covers"] for r in covers) == 30  # cancelled orders are no covers
    assert summary["takings_fen"] == sum(r["amount_fen"] for r in takings)
    assert summary["waste"]["per_cover"] == kpi["totals"]["per_cover"]["total"] == 2400 / 30
    assert summary["waste"]["target"] == kpi["targets"]["total"]
    assert summary["waste"]["over_target"] == kpi["totals"]["over_target"]["total"]
    assert summary["covers_by_day"] == [{"date": str(yesterday), "covers": 30}]

    etag = answer.headers["ETag"]
    again = client.get(f"/api/summary?{query}", headers={**staff, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.post("/api/waste/entries", headers=staff, json={
        "community_id": NB, "service_date": str(yesterday), "meal_kind": "lunch", "kind": "plate",
        "grams": 300}).status_code == 201
    changed = client.get(f"/api/summary?{query}", headers={**staff, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["waste"]["per_cover"] == 2700 / 30


def test_summary_is_for_staff_of_the_community_and_refuses_bad_ranges(client, auth):
    today = local_today()
    assert client.get(f"/api/summary?community_id={NB}").status_code == 401
    assert client.get(f"/api/summary?community_id={NB}", headers=auth("diner")).status_code == 403
    other = client.get(f"/api/summary?community_id={NB}", headers=auth("staff", communities=["fenglin-huiyuan"]))
    assert other.status_code == 403 and other.content_type.startswith("application/problem+json")
    staff = auth("staff")
    reversed_ = client.get(f"/api/summary?community_id={NB}&date_from={today}&date_to={today - dt.timedelta(days=1)}",
                           headers=staff)
    assert reversed_.status_code == 422 and "date_to" in reversed_.json["errors"]["query"]
    assert client.get(f"/api/summary?community_id={NB}&date_from=2026-13-01", headers=staff).status_code == 422
    assert client.get(f"/api/summary?community_id={NB}&date_from={today - dt.timedelta(days=200)}&date_to={today}",
                      headers=staff).status_code == 422
    default = client.get(f"/api/summary?community_id={NB}", headers=staff)
    assert default.status_code == 200 and default.json["date_from"] == default.json["date_to"] == str(today)
