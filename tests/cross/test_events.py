"""An event written in the canteen's transaction opens exactly one case in the cases service.

Real processes: the cases service runs under gunicorn; the relay runs as the `flask linli relay`
command, is "killed" while the receiver is down, and a new relay picks the delivery up later.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import requests
import sqlalchemy as sa

from linli.canteen.app import create_app as create_canteen
from linli.cases.app import create_app as create_cases
from linli.shared.events import publish
from linli.shared.events.relay import event_body
from linli.shared.events.signing import HEADER, sign
from linli.shared.testing.plugin import EVENT_SECRET


def cases_opened(cases_app):
    from linli.cases.casework.models import Case

    with cases_app.app_context():
        return [(c.title, c.source, c.source_ref) for c in cases_app.extensions["linli"].db.session.scalars(sa.select(Case))]


def relay_once(canteen_app) -> dict:
    """Run the relay as its own process, as production does."""
    env = {
        **os.environ,
        "LINLI_CANTEEN_DATABASE_URL": canteen_app.config["SQLALCHEMY_DATABASE_URI"],
        "LINLI_VAR_DIR": str(canteen_app.config["LINLI_VAR_DIR"]),
        "LINLI_COMMUNITIES_FILE": canteen_app.config["LINLI_COMMUNITIES_FILE"],
        "LINLI_EVENT_SECRET": EVENT_SECRET,
        "LINLI_EVENT_SUBSCRIBERS": json.dumps(canteen_app.config["LINLI_EVENT_SUBSCRIBERS"]),
        "LINLI_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "linli.canteen.app", "linli", "relay", "--once"],
                          env=env, capture_output=True, text=True, timeout=180, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_event_reaches_cases_exactly_once(service_app, live_server):
    cases_app = service_app("cases", create_cases)
    cases = live_server(cases_app, workers=2, threads=4)
    canteen_app = service_app("canteen", create_canteen, LINLI_EVENT_SUBSCRIBERS={"cases": cases.url})

    # the event commits with the canteen's own work, or not at all
    with canteen_app.app_context():
        db = canteen_app.extensions["linli"].db
        publish("canteen.feedback.food_safety", {"title": "Undercooked chicken at lunch"}, community_id="north-bund")
        db.session.rollback()
        event_id = publish("canteen.feedback.food_safety", {"title": "Undercooked chicken at lunch",
                                                            "description": "Diner at table 4"},
                           community_id="north-bund")
        db.session.commit()

    assert relay_once(canteen_app) == {"delivered": 1, "failed": 0, "dead": 0}
    assert cases_opened(cases_app) == [("Undercooked chicken at lunch", "event", event_id)]

    # a duplicate delivery (same event id, freshly signed) is accepted and dropped
    with canteen_app.app_context():
        models = canteen_app.extensions["linli"].models
        event = canteen_app.extensions["linli"].db.session.get(models.OutboxEvent, event_id)
        body = event_body(event)
    for _ in range(3):
        response = requests.post(f"{cases.url}/events", data=body, headers={HEADER: sign(body, EVENT_SECRET)}, timeout=5)
        assert response.json() == {"status": "duplicate", "id": event_id}
    assert len(cases_opened(cases_app)) == 1
    assert relay_once(canteen_app) == {"delivered": 0, "failed": 0, "dead": 0}


def test_relay_retries_with_backoff_and_survives_restart(service_app, live_server):
    cases_app = service_app("cases", create_cases)
    cases = live_server(cases_app, workers=1, threads=4)
    canteen_app = service_app("canteen", create_canteen, LINLI_EVENT_SUBSCRIBERS={"cases": cases.url})
    with canteen_app.app_context():
        publish("hub.visit.problem_found", {"title": "Broken stair light, building 3"}, community_id="fenglin-huiyuan")
        canteen_app.extensions["linli"].db.session.commit()

    cases.stop()  # the receiver is down: the relay fails and schedules a retry
    assert relay_once(canteen_app) == {"delivered": 0, "failed": 1, "dead": 0}
    with canteen_app.app_context():
        state = canteen_app.extensions["linli"]
        delivery = state.db.session.scalars(sa.select(state.models.OutboxDelivery)).one()
        assert delivery.attempts == 1 and delivery.status == "pending" and delivery.last_error
        assert delivery.next_attempt_at > dt.datetime.now(dt.UTC)
        # on a busy machine the next relay process may start after a short backoff has passed: keep the
        # retry ahead of it, so that what is checked is that the relay leaves a retry alone until it is due
        delivery.next_attempt_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
        state.db.session.commit()
    # not due yet: a relay run now does nothing
    assert relay_once(canteen_app) == {"delivered": 0, "failed": 0, "dead": 0}

    cases = live_server(cases_app, workers=1, threads=4)
    canteen_app.config["LINLI_EVENT_SUBSCRIBERS"] = {"cases": cases.url}
    with canteen_app.app_context():
        state = canteen_app.extensions["linli"]
        delivery = state.db.session.scalars(sa.select(state.models.OutboxDelivery)).one()
        delivery.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # time passes
        state.db.session.commit()
    # a new relay process (the old one is gone) delivers what was left pending
    assert relay_once(canteen_app) == {"delivered": 1, "failed": 0, "dead": 0}
    assert [title for title, *_ in cases_opened(cases_app)] == ["Broken stair light, building 3"]


def test_receiver_refuses_forged_and_stale_events(service_app):
    cases_app = service_app("cases", create_cases)
    client = cases_app.test_client()
    body = json.dumps({"id": "e1", "type": "canteen.feedback.food_safety", "community_id": "north-bund",
                       "payload": {"title": "x"}}).encode()
    forged = client.post("/events", data=body, headers={HEADER: sign(body, "wrong-secret")})
    stale = client.post("/events", data=body, headers={HEADER: sign(body, EVENT_SECRET, timestamp=1_000_000)})
    missing = client.post("/events", data=body)
    garbled = client.post("/events", data=body, headers={HEADER: "t=1,v1=é" + "0" * 63})  # not ASCII
    for response in (forged, stale, missing, garbled):
        assert response.status_code == 400 and response.json["code"] == "bad_signature"
    assert cases_opened(cases_app) == []
