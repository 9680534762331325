"""What no client input may do to any of the three services (issue 16 items 4-6): deep JSON, NUL
characters, lone surrogates, bodies over the limit, constraint violations, numbers that are not
integers, zoned times of day, missing bodies, input checked before the caller. Every answer is a 4xx
problem+json with a code, and nothing is written."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.conftest import factory

PROBLEM = "application/problem+json"
DEEP = ("[" * 1000 + "]" * 1000).encode()
DEEP_OBJECT = ('{"a":' * 1000 + "1" + "}" * 1000).encode()


def problem(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    if code is not None:
        assert response.json["code"] == code, response.json
    return response.json


def row_counts(app):
    """How many rows every table of the service holds (the idempotency and audit tables aside)."""
    db = app.extensions["linli"].db
    with app.app_context():
        return {name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for name, table in db.metadata.tables.items()
                if name not in ("linli_idempotency_record", "linli_audit_log")}


@pytest.fixture
def apps(service_app):
    made = {}

    def get(service):
        if service not in made:
            made[service] = service_app(service, factory(service))
        return made[service]

    return get


@pytest.mark.parametrize(("service", "path"), [
    ("canteen", "/api/orders"), ("hub", "/api/bookings"), ("hub", "/api/auth/token"), ("cases", "/api/cases"),
])
def test_json_nested_a_thousand_deep_is_a_400_everywhere(apps, auth, service, path):
    app = apps(service)
    client = app.test_client()
    before = row_counts(app)
    for body in (DEEP, DEEP_OBJECT, b'{"community_id": ' + b"[" * 40 + b"]" * 40 + b"}"):
        response = client.post(path, data=body, content_type="application/json",
                               headers=auth("staff", "team_lead", communities=["north-bund"]))
        problem(response, 400, "json_too_deep")
    assert row_counts(app) == before


def test_a_lone_surrogate_or_nul_is_refused_in_every_part_of_a_request(apps):
    app = apps("hub")
    client = app.test_client()
    before = row_counts(app)
    login = client.post("/api/auth/token", data=b'{"username": "\\ud800", "password": "linli-demo-x"}',
                        content_type="application/json")
    assert problem(login, 422, "invalid_text")["field"] == "username"
    problem(client.post("/api/auth/token", json={"username": "a\x00b", "password": "linli-demo-x"}), 422,
            "invalid_text")
    problem(client.post("/api/auth/token", json={"username\x00": "a", "password": "linli-demo-x"}), 422,
            "invalid_text")
    problem(client.get("/api/rooms?community_id=north%00bund"), 422, "invalid_text")
    problem(client.post("/login", data={"username": "a\x00", "password": "x"}), 422, "invalid_text")
    assert row_counts(app) == before


def test_a_nul_in_an_order_note_is_refused_and_nothing_is_ordered(apps):
    from linli.canteen.orders.testing import make_menu

    app = apps("canteen")
    with app.app_context():
        ids = make_menu()
    client = app.test_client()
    before = row_counts(app)
    order = {"community_id": "north-bund", "meal_service_id": ids["meal_service"],
             "lines": [{"kind": "dish", "dish_id": ids["rice"]}], "note": "no\x00onions"}
    problem(client.post("/api/orders", json=order), 422, "invalid_text")
    assert row_counts(app) == before
    del order["note"]
    assert client.post("/api/orders", json=order).status_code == 201  # the same order without it is fine


def test_a_body_over_the_limit_is_a_413_problem_before_it_is_read(apps):
    app = apps("canteen")
    client = app.test_client()
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    big = json.dumps({"community_id": "north-bund", "note": "x" * (2 * 1024 * 1024)})
    problem(client.post("/api/orders", data=big, content_type="application/json"), 413, "body_too_large")
    problem(client.post("/api/orders", data="x" * (1024 * 1024 + 1), content_type="text/plain"), 413,
            "body_too_large")


def test_the_body_limit_is_a_setting(service_app, monkeypatch):
    monkeypatch.setenv("LINLI_MAX_BODY_BYTES", "2000")
    app = service_app("cases", factory("cases"))
    response = app.test_client().post("/api/cases", data=json.dumps({"title": "x" * 3000}),
                                      content_type="application/json")
    problem(response, 413, "body_too_large")


def test_a_duplicate_room_name_or_team_member_is_a_409(apps, auth):
    app = apps("hub")
    client = app.test_client()
    staff = auth("staff", communities=["north-bund"])
    room = {"community_id": "north-bund", "name_zh": "多功能室", "kind": "multi_purpose", "capacity": 30}
    assert client.post("/api/rooms", json=room, headers=staff).status_code == 201
    before = row_counts(app)
    problem(client.post("/api/rooms", json=room, headers=staff), 409, "already_exists")
    team = client.post("/api/teams", json={"community_id": "north-bund", "name_zh": "葫芦丝乐队"}, headers=staff)
    assert team.status_code == 201, team.json
    account = client.post("/api/accounts", json={"username": "wang.ayi", "password": "linli-demo-1",
                                                  "display_name": "王阿姨", "communities": ["north-bund"]},
                          headers=staff)
    assert account.status_code == 201, account.json
    member = {"name": "王阿姨", "account_id": account.json["id"]}
    assert client.post(f"/api/teams/{team.json['id']}/members", json=member, headers=staff).status_code == 201
    before = row_counts(app)
    problem(client.post(f"/api/teams/{team.json['id']}/members", json=member, headers=staff), 409, "already_exists")
    problem(client.post(f"/api/teams/{team.json['id']}/members", json={"name": "x", "account_id": 999999},
                        headers=staff), 422, "unknown_reference")
    assert row_counts(app) == before


def test_a_time_of_day_with_a_zone_is_a_422(apps, auth):
    app = apps("hub")
    client = app.test_client()
    before = row_counts(app)
    room = {"community_id": "north-bund", "name_zh": "谈心室", "kind": "talk", "capacity": 4,
            "opens_at": "08:00:00", "closes_at": "20:00:00Z"}
    body = problem(client.post("/api/rooms", json=room, headers=auth("staff", communities=["north-bund"])), 422)
    assert "closes_at" in body["errors"]["json"]
    assert row_counts(app) == before


@pytest.mark.parametrize("quantity", [2.5, 2.2e-309, "5", "2", True, [1]])
def test_integers_must_be_json_integers(apps, quantity):
    from linli.canteen.orders.testing import make_menu

    app = apps("canteen")
    with app.app_context():
        ids = make_menu()
    client = app.test_client()
    before = row_counts(app)
    order = {"community_id": "north-bund", "meal_service_id": ids["meal_service"],
             "lines": [{"kind": "dish", "dish_id": ids["rice"], "quantity": quantity}]}
    body = problem(client.post("/api/orders", json=order), 422)
    assert "quantity" in json.dumps(body["errors"])
    assert row_counts(app) == before
    # query strings are text: an integer there is still read from its digits
    assert client.get(f"/api/communities/north-bund/menu?date={ids['day']}").status_code == 200


def test_the_caller_is_checked_before_the_input(apps, auth):
    app = apps("canteen")
    client = app.test_client()
    refund = client.post("/api/payments/1/refunds", json={"amount_fen": 2.5, "bogus": True})
    problem(refund, 401, "missing_token")
    diner = client.post("/api/payments/1/refunds", json={"amount_fen": 2.5}, headers=auth("diner"))
    problem(diner, 403, "missing_role")
    problem(client.post("/api/communities/north-bund/dishes", json={"bogus": 1}), 401, "missing_token")


def test_an_operation_with_a_body_needs_one(apps, auth):
    app = apps("canteen")
    client = app.test_client()
    staff = auth("staff", communities=["north-bund"])
    problem(client.patch("/api/dishes/1", headers=staff), 400, "body_required")
    problem(client.post("/api/orders"), 400, "body_required")
    problem(client.post("/api/orders", data='{"community_id": "north-bund"}', content_type="text/plain"), 415,
            "unsupported_media_type")
    hub = apps("hub").test_client()
    problem(hub.post("/api/activities/sessions/1/registrations", headers=auth("diner")), 400, "body_required")


def test_problem_extension_members_and_the_jwks_are_documented(apps):
    spec = apps("hub").test_client().get("/openapi.json").json
    assert spec["components"]["schemas"]["Problem"]["additionalProperties"] is True
    jwks = spec["paths"]["/.well-known/jwks.json"]["get"]["responses"]["200"]
    assert list(jwks["content"]) == ["application/json"]
