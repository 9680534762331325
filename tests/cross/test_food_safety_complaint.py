"""A diner's food-safety complaint in the canteen reaches the cases service as exactly one case, through
the relay process, also when the event is delivered three times; the cases service's own relay tells
the canteen (``cases.case.opened``) and the diner's receipt shows the case that took it up."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from linli.canteen.app import create_app as create_canteen
from linli.canteen.orders.testing import make_menu
from linli.cases.app import create_app as create_cases
from linli.shared.events.relay import event_body
from linli.shared.events.signing import HEADER, sign
from linli.shared.testing.plugin import EVENT_SECRET
from tests.cross.test_events import cases_opened, relay_once


def complaint(canteen_app, auth) -> dict:
    with canteen_app.app_context():
        ids = make_menu()
    client = canteen_app.test_client()
    diner, staff = auth("diner", sub="diner-9"), auth("staff")
    order = client.post("/api/orders", headers=diner, json={
        "community_id": "north-bund", "meal_service_id": ids["meal_service"],
        "lines": [{"kind": "dish", "dish_id": ids["chicken"]}]}).json
    client.post(f"/api/orders/{order['id']}/payments", json={"provider": "cash"}, headers=staff)
    client.post("/api/kitchen/collect", json={"pickup_ref": order["pickup_ref"]}, headers=staff)
    given = client.post("/api/feedback", headers=diner, json={
        "community_id": "north-bund", "channel": "phone", "order_id": order["id"], "comment": "白切鸡没熟，带血。",
        "ratings": [{"dish_id": ids["chicken"], "rating": 1}], "complaint": True, "complaint_dish_id": ids["chicken"]})
    assert given.status_code == 201, given.json
    return given.json


def test_complaint_opens_exactly_one_case_when_delivered_three_times(service_app, live_server, auth):
    canteen_app = service_app("canteen", create_canteen)
    canteen = live_server(canteen_app, workers=1, threads=4)  # receives cases.case.opened
    cases_app = service_app("cases", create_cases, LINLI_EVENT_SUBSCRIBERS={"canteen": canteen.url})
    cases = live_server(cases_app, workers=2, threads=4)
    canteen_app.config["LINLI_EVENT_SUBSCRIBERS"] = {"cases": cases.url}
    feedback = complaint(canteen_app, auth)

    assert relay_once(canteen_app) == {"delivered": 1, "failed": 0, "dead": 0}
    with canteen_app.app_context():
        state = canteen_app.extensions["linli"]
        event = state.db.session.scalars(sa.select(state.models.OutboxEvent)).one()
        body = event_body(event)
    for _ in range(2):  # deliveries two and three of the same event
        response = requests.post(f"{cases.url}/events", data=body, headers={HEADER: sign(body, EVENT_SECRET)},
                                 timeout=5)
        assert response.json() == {"status": "duplicate", "id": event.id}
    opened = cases_opened(cases_app)
    assert len(opened) == 1
    title, source, _ref = opened[0]
    assert source == "event" and "白切鸡" in title
    from linli.cases.casework.models import Case

    with cases_app.app_context():
        case = cases_app.extensions["linli"].db.session.scalars(sa.select(Case)).one()
        assert case.category == "food_safety" and "没熟" in case.description
        reference = case.reference
    assert feedback["complaint_state"] == "raised"

    # the cases service announces the case; its relay delivers it to the canteen: the diner sees it
    from linli.shared.events.relay import deliver_due

    with cases_app.app_context():
        assert deliver_due(cases_app).delivered == 1
    receipt = requests.get(f"{canteen.url}/api/feedback/receipts/{feedback['ref']}", timeout=5).json()
    assert receipt["complaint_state"] == "taken_up" and receipt["case_reference"] == reference
    page = requests.get(f"{canteen.url}/feedback/north-bund/receipt/{feedback['ref']}", timeout=5)
    assert reference and reference in page.text
