import pytest

from linli.cases.casework.models import Case
from linli.cases.extensions import db

CASE = {"community_id": "north-bund", "title": "E-bike charging in the corridor", "category": "safety"}


def count_cases(app):
    with app.app_context():
        return db.session.query(Case).count()


def test_staff_opens_a_case(app, client, auth):
    response = client.post("/api/cases", json=CASE, headers=auth("staff"))
    assert response.status_code == 201, response.json
    assert response.json["state"] == "reported"
    listed = client.get("/api/cases?community_id=north-bund", headers=auth("staff")).json
    assert [c["title"] for c in listed] == [CASE["title"]]


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": {**CASE, "title": 42}}, 422, "validation_error"),
        ({"json": {**CASE, "priority": "high"}}, 422, "validation_error"),
        ({"json": {**CASE, "category": "gossip"}}, 422, "validation_error"),
        ({"json": {**CASE, "community_id": "fenglin-huiyuan"}}, 403, "wrong_community"),
        ({"json": {**CASE, "community_id": "atlantis"}, "roles": ("admin",)}, 404, "unknown_community"),
    ],
    ids=["malformed-json", "wrong-type", "unknown-field", "bad-choice", "wrong-community", "unknown-community"],
)
def test_bad_input_is_a_problem_and_changes_nothing(app, client, auth, kwargs, status, code):
    roles = kwargs.pop("roles", ("staff",))
    response = client.post("/api/cases", headers=auth(*roles), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["code"] == code and body["title"]
    if status == 422:
        assert body["errors"]["json"]
    assert count_cases(app) == 0


def test_missing_and_bad_tokens(client, auth, tokens):
    assert client.post("/api/cases", json=CASE).json["code"] == "missing_token"
    response = client.post("/api/cases", json=CASE, headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401 and response.json["code"] == "invalid_token"
    response = client.post("/api/cases", json=CASE, headers=auth("diner"))
    assert response.status_code == 403 and response.json["code"] == "missing_role"


def test_unknown_route_and_method(client):
    assert client.get("/nowhere").json["status"] == 404
    response = client.delete("/api/cases")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


def test_search_by_chinese_and_english_words_and_filters(client, auth):
    staff = auth("staff")
    for title, category in (("东海小区电瓶车楼道充电", "safety"), ("E-bike charging near building 5", "safety"),
                            ("提篮桥小区停车难", "parking"), ("东海小区楼道灯坏了", "facilities")):
        assert client.post("/api/cases", json={**CASE, "title": title, "category": category},
                           headers=staff).status_code == 201

    def titles(query):
        response = client.get(f"/api/cases?community_id=north-bund&{query}", headers=staff)
        assert response.status_code == 200, response.json
        return sorted(c["title"] for c in response.json)

    assert titles("q=电瓶车") == ["东海小区电瓶车楼道充电"]
    assert titles("q=东海 楼道") == ["东海小区楼道灯坏了", "东海小区电瓶车楼道充电"]
    assert titles("q=东海&category=facilities") == ["东海小区楼道灯坏了"]
    assert titles("q=Charging") == ["E-bike charging near building 5"]
    assert titles("q=车") == ["东海小区电瓶车楼道充电", "提篮桥小区停车难"]
    assert titles("q=东海&state=closed") == []
    assert titles("q=东海&limit=1") == ["东海小区楼道灯坏了"]  # the newest, found in the recent window
    assert titles("q=东海&limit=1&offset=1") == ["东海小区电瓶车楼道充电"]
    assert titles("q=NB-") == titles("")  # the reference is searchable too
    assert titles("q=' | ! & :*") == titles("")  # punctuation is not a query language
    assert client.get("/api/cases?community_id=north-bund&state=nonsense", headers=staff).status_code == 422
