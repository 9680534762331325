"""A canteen food-safety complaint and a problem found on a hub visit each open exactly one case in
the cases service, even when the relay delivers each event three times (a relay that died after
sending but before marking the delivery sends it again). The cases service runs under gunicorn."""

from __future__ import annotations

import sqlalchemy as sa

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.hub.app import create_app as create_hub
from linli.shared.events import publish
from linli.shared.events.relay import deliver_due

FOOD = {"title": "午餐鸡肉没熟", "description": "4号桌的食客反映鸡块中间是生的", "feedback_id": 71,
        "dish_name": "宫保鸡丁", "reported_at": "2026-12-02T04:10:00+00:00"}
VISIT = {"title": "3号楼楼道灯坏了", "description": "独居老人晚上下楼看不见", "visit_id": 12, "household_id": 305,
         "household_label": "徐家汇花园 3号楼 502", "category": "facilities", "found_at": "2026-12-01T02:00:00+00:00"}


def deliver_three_times(app) -> list[int]:
    delivered = []
    for attempt in range(3):
        with app.app_context():
            state = app.extensions["linli"]
            delivered.append(deliver_due(app).delivered)
            if attempt < 2:  # as if the relay died before it marked the delivery: it is due again
                state.db.session.execute(sa.update(state.models.OutboxDelivery).values(status="pending"))
                state.db.session.commit()
    return delivered


def test_each_event_opens_exactly_one_case(service_app, live_server):
    cases_app = service_app("cases", create_cases)
    cases = live_server(cases_app, workers=2, threads=4)
    subscribers = {"cases": cases.url}
    canteen_app = service_app("canteen", create_canteen, LINLI_EVENT_SUBSCRIBERS=subscribers)
    hub_app = service_app("hub", create_hub, LINLI_EVENT_SUBSCRIBERS=subscribers)
    ids = {}
    for app, event_type, payload, community in ((canteen_app, "canteen.feedback.food_safety", FOOD, "north-bund"),
                                                (hub_app, "hub.visit.problem_found", VISIT, "fenglin-huiyuan")):
        with app.app_context():
            ids[event_type] = publish(event_type, payload, community_id=community)
            app.extensions["linli"].db.session.commit()

    assert deliver_three_times(canteen_app) == [1, 1, 1]
    assert deliver_three_times(hub_app) == [1, 1, 1]

    from linli.cases.casework.models import Case

    with cases_app.app_context():
        db = cases_app.extensions["linli"].db
        rows = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
        opened = [e.payload for e in db.session.scalars(sa.select(cases_app.extensions["linli"].models.OutboxEvent))]
    assert [(c.source_ref, c.source_event_type, c.category, c.community_id, c.state, c.public) for c in rows] == [
        (ids["canteen.feedback.food_safety"], "canteen.feedback.food_safety", "food_safety", "north-bund",
         "reported", False),
        (ids["hub.visit.problem_found"], "hub.visit.problem_found", "facilities", "fenglin-huiyuan", "reported", False),
    ]
    assert "宫保鸡丁" in rows[0].description and "3号楼 502" in rows[1].description

    # a household the hub registers reaches the cases service for one vote per household
    from linli.hub.people.service import create_household

    with hub_app.app_context():
        household = create_household(None, community_id="fenglin-huiyuan", compound="徐家汇花园", building="3",
                                     unit="2", room="502")
        household_id = household.id
    with hub_app.app_context():
        assert deliver_due(hub_app).delivered == 1
    from linli.cases.polls.models import Household

    with cases_app.app_context():
        row = cases_app.extensions["linli"].db.session.get(Household, household_id)
        assert (row.community_id, row.label, row.address, row.active) == (
            "fenglin-huiyuan", "3号2单元502室", "徐家汇花园3号2单元502室", True)
    # and the cases service announced each new case once, for the others to show
    assert sorted((p["source_event_type"], p["state"]) for p in opened) == [
        ("canteen.feedback.food_safety", "reported"), ("hub.visit.problem_found", "reported")]
