"""The committee dashboard across the three services, on their demo data: canteen and cases under
gunicorn, the hub's page reading them through their summary APIs only. The figures it shows equal
each service's own reports for the same days; with one service stopped its tile says unavailable and
the rest are intact (no 500); the subdistrict view lists the committees side by side."""

from __future__ import annotations

import datetime as dt
import re

import requests

from linli.hub.dashboard import service as dashboard
from linli.shared.localtime import local_today

HY, NB = "fenglin-huiyuan", "north-bund"


def figure(html: str, tile: str, name: str) -> str:
    """The figure named ``name`` in the tile ``tile`` of the rendered page."""
    section = re.search(rf'<section class="tile[^"]*" id="tile-{tile}".*?</section>', html, re.S)
    assert section, f"no {tile} tile"
    found = re.search(rf"<dt>{re.escape(name)}</dt>\s*<dd>([^<]*)</dd>", section.group(0))
    assert found, f"no {name!r} in the {tile} tile"
    return found.group(1).strip()


def test_dashboard_figures_equal_the_services_reports_and_survive_a_service_down(dashboard_suite, tokens):
    canteen, cases, hub_app, manager = (dashboard_suite.canteen, dashboard_suite.cases, dashboard_suite.hub_app,
                                        dashboard_suite.manager)
    token = tokens("staff", "manager", communities=[HY, NB], sub=manager)
    bearer = {"Authorization": f"Bearer {token}"}
    client = hub_app.test_client()
    client.set_cookie("linli_token", token)

    day = local_today() - dt.timedelta(days=1)  # yesterday: the demo's canteen weighed every service
    monday = day - dt.timedelta(days=day.weekday())
    page = client.get(f"/staff/dashboard?community={HY}&day={day}&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with hub_app.test_request_context(headers=bearer):
        (committee,) = dashboard.committees(_identity(hub_app, token), token, [HY], day)
    assert {s: (t.status, t.detail) for s, t in committee.tiles.items()} == {s: ("ok", "") for s in committee.tiles}
    assert "Unavailable just now" not in html
    c, h, k = (committee.tile(s).data for s in ("canteen", "hub", "cases"))

    # canteen: its own reports over the same days
    week = {"community_id": HY, "date_from": str(monday), "date_to": str(day)}
    covers = requests.get(f"{canteen.url}/api/reports/covers", params=week, headers=bearer, timeout=10).json()
    takings = requests.get(f"{canteen.url}/api/reports/takings", params=week, headers=bearer, timeout=10).json()
    kpi = requests.get(f"{canteen.url}/api/waste/kpi", params={**week, "by": "day"}, headers=bearer, timeout=10).json()
    on_day = sum(r["covers"] for r in covers if r["service_date"] == str(day))
    assert on_day > 0
    assert figure(html, "canteen", "Covers on the day") == str(on_day)
    assert figure(html, "canteen", "Covers this week") == str(sum(r["covers"] for r in covers)) == str(c["covers"])
    assert c["takings_fen"] == sum(r["amount_fen"] for r in takings)
    assert c["takings_fen"] == c["revenue_fen"] > 0  # every served demo order was paid, once
    assert c["ratings"]["count"] > 0  # the demo's ratings fall on every day of the past week
    assert figure(html, "canteen", "Waste per cover (g)") == str(kpi["totals"]["per_cover"]["total"])
    assert figure(html, "canteen", "Target (g)") == str(kpi["targets"]["total"])

    # cases: the clearance board and the weekly counts
    board = requests.get(f"{cases.url}/api/clearance/board", params={"community_id": HY}, headers=bearer,
                         timeout=10).json()
    weekly = requests.get(f"{cases.url}/api/clearance/weekly", params={"community_id": HY, "weeks": 8},
                          headers=bearer, timeout=10).json()
    assert figure(html, "cases", "Open cases") == str(board["counts"]["open"]) == str(k["open"])
    assert figure(html, "cases", "Overdue") == str(board["counts"]["overdue"])
    assert k["weeks"][-len(weekly):] == weekly[-len(k["weeks"]):]

    # hub: the visits overview and the roster board
    overview = client.get(f"/api/visits/overview?community_id={HY}", headers=bearer).json
    assert figure(html, "visits", "Overdue") == str(sum(r["overdue"] for r in overview)) == str(h["visits"]["overdue"])
    assert figure(html, "visits", "Due this week") == str(sum(r["due_this_week"] for r in overview))
    roster = client.get(f"/api/roster/board?community_id={HY}&day={day}", headers=bearer).json
    for period in roster["periods"]:
        for seat in period["desk"]:
            assert seat["name"] in html

    # the subdistrict: both committees, side by side
    side = client.get(f"/staff/dashboard/subdistrict?day={day}&lang=en").get_data(as_text=True)
    assert "Fenglin Huiyuan" in side and "North Bund" in side and "class=\"na\"" not in side

    # the canteen stops: its tile says so, the others stay, no 500
    canteen.stop()
    down = client.get(f"/staff/dashboard?community={HY}&day={day}&lang=en")
    assert down.status_code == 200
    text = down.get_data(as_text=True)
    assert text.count("Unavailable just now") == 1
    assert re.search(r'id="tile-canteen"[^>]*>.*?Unavailable just now', text, re.S)
    assert figure(text, "cases", "Open cases") == str(board["counts"]["open"])
    assert figure(text, "visits", "Overdue") == str(h["visits"]["overdue"])
    assert "class=\"na\"" in client.get(f"/staff/dashboard/subdistrict?day={day}&lang=en").get_data(as_text=True)


def _identity(app, token):
    return app.extensions["linli_auth"].verify(token)
