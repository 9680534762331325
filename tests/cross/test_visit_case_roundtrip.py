"""A problem found on a hub visit becomes exactly one case in the cases service, also when the relay
delivers it three times; the case's state comes back to the visit. Both services run under gunicorn."""

from __future__ import annotations

import datetime as dt

import requests
import sqlalchemy as sa

from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub
from linli.hub.roster.service import local_today
from linli.hub.roster.testing import HY, make_committee, make_household
from linli.shared.events.relay import deliver_due


def relay(app, times: int = 1) -> list[int]:
    delivered = []
    for _ in range(times):
        with app.app_context():
            state = app.extensions["linli"]
            delivered.append(deliver_due(app).delivered)
            # as if the relay died after sending, before marking: the delivery is due again
            state.db.session.execute(sa.update(state.models.OutboxDelivery).values(status="pending"))
            state.db.session.commit()
    return delivered


def test_visit_problem_opens_one_case_and_its_state_comes_back(service_app, live_server, tokens):
    # the hub's gunicorn only needs the subscriber's name (deliveries are made at publish time);
    # the relay below, run from this process, reads its URL
    hub_app = service_app("hub", create_hub, LINLI_EVENT_SUBSCRIBERS={"cases": "http://127.0.0.1:9"})
    make_committee(hub_app)
    household = make_household(hub_app, room="502", groups=("elderly_alone",), birth=dt.date(1938, 1, 1))
    hub = live_server(hub_app, workers=1, threads=4)
    cases_app = service_app("cases", create_cases, LINLI_EVENT_SUBSCRIBERS={"hub": hub.url})
    cases = live_server(cases_app, workers=1, threads=4)
    hub_app.config["LINLI_EVENT_SUBSCRIBERS"] = {"cases": cases.url}

    headers = {"Authorization": f"Bearer {tokens('staff', communities=[HY], sub='102')}"}
    visit = requests.post(f"{hub.url}/api/visits", headers=headers, timeout=30, json={
        "community_id": HY, "household_id": household, "visited_on": local_today().isoformat(), "kind": "door",
        "findings": "楼道灯坏了，老人晚上不敢下楼",
        "problem": {"title": "5号楼楼道灯坏了", "category": "facilities", "description": "独居老人晚上下楼看不见"}})
    assert visit.status_code == 201, visit.text
    assert visit.json()["case_state"] == "sent"

    assert relay(hub_app, times=3) == [2, 2, 2]  # the visit problem and the household's hub.household.changed, sent three times ...
    from linli.cases.casework.models import Case

    with cases_app.app_context():
        rows = cases_app.extensions["linli"].db.session.scalars(sa.select(Case)).all()
    assert len(rows) == 1  # ... one case
    case = rows[0]
    assert (case.title, case.category, case.community_id) == ("5号楼楼道灯坏了", "facilities", HY)
    assert "徐家汇花园1号502室" in case.description

    assert relay(cases_app, times=2) == [1, 1]  # cases.case.opened back to the hub, twice
    shown = requests.get(f"{hub.url}/api/visits/{visit.json()['id']}", headers=headers, timeout=30).json()
    assert (shown["case_reference"], shown["case_state"], shown["case_id"]) == (case.reference, case.state,
                                                                                  str(case.id))
