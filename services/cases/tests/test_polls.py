"""Polls before a renovation: households from the hub's events, one vote per household, results with
turnout, the poll attached to its case."""

import datetime as dt
import json

import sqlalchemy as sa

from linli.cases.polls.models import Household, Vote
from linli.cases.polls.service import record_household
from linli.shared.auth import mint_token
from linli.shared.events.signing import HEADER, sign
from linli.shared.keys import ensure_signing_key
from linli.shared.testing.plugin import EVENT_SECRET

CLOSES = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
POLL = {"community_id": "north-bund", "title_zh": "东海小区美丽家园改造方案征询", "title_en": "Donghai makeover plan",
        "kind": "beautiful_home", "closes_at": CLOSES,
        "options": [{"label_zh": "方案一:新建非机动车车库", "label_en": "Plan 1: a new e-bike garage"},
                    {"label_zh": "方案二:扩建停车位", "label_en": "Plan 2: more parking spaces"}]}


def household_token(app, household_id, sub=None):
    key = ensure_signing_key(app.config["LINLI_VAR_DIR"])
    token = mint_token(key, issuer="linli-hub", audience="linli", subject=sub or f"resident-{household_id}",
                       roles=["diner"], communities=["north-bund"], extra={"household_id": household_id})
    return {"Authorization": f"Bearer {token}"}


def announce(client, event_id, household_id, active=True, label="3号502室"):
    body = json.dumps({"id": event_id, "type": "hub.household.changed", "community_id": "north-bund",
                       "payload": {"household_id": household_id, "label": label,
                                   "address": f"东海小区{label}", "active": active}}).encode()
    response = client.post("/events", data=body, headers={HEADER: sign(body, EVENT_SECRET)})
    assert response.status_code == 200, response.json
    return response.json["status"]


def test_households_arrive_by_event_and_vote_once(app, client, auth):
    for n in (1, 2, 3):
        assert announce(client, f"ev-{n}", 100 + n, label=f"{n}号101室") == "accepted"
    assert announce(client, "ev-1", 101) == "duplicate"
    assert announce(client, "ev-4", 103, active=False) == "accepted"  # moved away: no longer counted
    with app.app_context():
        rows = app.extensions["linli"].db.session.scalars(sa.select(Household).order_by(Household.id)).all()
        assert [(h.id, h.label, h.active) for h in rows] == [(101, "1号101室", True), (102, "2号101室", True),
                                                             (103, "3号502室", False)]
    staff = auth("staff")
    case = client.post("/api/cases", headers=staff, json={"community_id": "north-bund", "title": "美丽家园改造",
                                                          "category": "facilities"}).json
    poll = client.post("/api/polls", headers=staff, json={**POLL, "case_id": case["id"]})
    assert poll.status_code == 201, poll.json
    poll_id = poll.json["id"]
    options = client.get(f"/api/polls/{poll_id}/results").json["options"]
    first, second = options[0]["id"], options[1]["id"]

    assert client.post(f"/api/polls/{poll_id}/votes", json={"option_id": first},
                       headers=household_token(app, 101)).status_code == 201
    twice = client.post(f"/api/polls/{poll_id}/votes", json={"option_id": second},
                        headers=household_token(app, 101, sub="spouse-of-101"))
    assert twice.status_code == 409 and twice.json["code"] == "already_voted"
    # staff record the vote household 102 gave at the door
    assert client.post(f"/api/polls/{poll_id}/votes", json={"option_id": second, "household_id": 102},
                       headers=staff).status_code == 201
    refused = [
        (client.post(f"/api/polls/{poll_id}/votes", json={"option_id": first}, headers=auth("diner")), 403, "no_household"),
        (client.post(f"/api/polls/{poll_id}/votes", json={"option_id": first, "household_id": 102},
                     headers=household_token(app, 101)), 403, "missing_role"),
        (client.post(f"/api/polls/{poll_id}/votes", json={"option_id": first}, headers=household_token(app, 103)),
         404, "household_not_found"),
        (client.post(f"/api/polls/{poll_id}/votes", json={"option_id": 99999}, headers=household_token(app, 102)),
         422, "unknown_option"),
        (client.post(f"/api/polls/{poll_id}/votes", json={"option_id": "one"}, headers=household_token(app, 102)),
         422, "validation_error"),
    ]
    for response, status, code in refused:
        assert (response.status_code, response.json["code"]) == (status, code)
    results = client.get(f"/api/polls/{poll_id}/results").json
    assert [o["votes"] for o in results["options"]] == [1, 1]
    assert (results["votes"], results["households"], results["turnout"]) == (2, 2, 1.0)
    detail = client.get(f"/api/cases/{case['id']}", headers=staff).json
    assert detail["timeline"][-1]["action"] == "poll" and detail["state"] == "reported"
    with app.app_context():
        assert app.extensions["linli"].db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 2


def test_a_closed_poll_takes_no_votes(app, client, auth):
    with app.app_context():
        record_household(household_id=7, community_id="north-bund", label="7号", address="x", active=True)
        app.extensions["linli"].db.session.commit()
    staff = auth("staff")
    past = client.post("/api/polls", headers=staff, json={**POLL, "closes_at": "2020-01-01T00:00:00+00:00"})
    assert past.status_code == 422 and past.json["code"] == "closes_in_past"
    poll = client.post("/api/polls", headers=staff, json=POLL).json
    option = client.get(f"/api/polls/{poll['id']}/results").json["options"][0]["id"]
    with app.app_context():
        from linli.cases.polls.models import Poll

        db = app.extensions["linli"].db
        db.session.get(Poll, poll["id"]).closes_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    closed = client.post(f"/api/polls/{poll['id']}/votes", json={"option_id": option}, headers=household_token(app, 7))
    assert closed.status_code == 409 and closed.json["code"] == "poll_closed"
    one_option = client.post("/api/polls", headers=staff, json={**POLL, "options": POLL["options"][:1]})
    assert one_option.status_code == 422
