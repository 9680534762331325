"""Every error is problem+json, with a title and field-by-field messages for validation."""

import pytest
from werkzeug.exceptions import Gone

from linli.shared.errors import Conflict


def test_unexpected_exception_is_a_500_problem_without_internals(app, client):
    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/explode", view_func=explode)
    response = client.get("/explode")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_domain_problem_keeps_its_code_and_extras(app, client):
    def sold_out():
        raise Conflict("Only 0 left.", code="sold_out", remaining=0)

    app.add_url_rule("/sold-out", view_func=sold_out)
    body = client.get("/sold-out").json
    assert body == {
        "type": "urn:linli:problem:sold-out", "title": "Conflict", "status": 409, "code": "sold_out",
        "detail": "Only 0 left.", "remaining": 0, "instance": "/sold-out",
    }


def test_plain_http_errors(app, client):
    def gone():
        raise Gone()

    app.add_url_rule("/gone", view_func=gone)
    assert client.get("/gone").json["status"] == 410
    not_found = client.get("/no/such/page")
    assert not_found.status_code == 404 and not_found.json["code"] == "not_found"
    wrong_method = client.put("/healthz")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]


def test_browser_gets_a_readable_page(client):
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "找不到这个页面" in page and "错误代码 404" in page  # the page's language, Chinese first
    english = client.get("/no/such/page?lang=en", headers={"Accept": "text/html"})
    assert english.status_code == 404 and 'lang="en"' in english.get_data(as_text=True)


@pytest.mark.parametrize("body", ["[1,2", "", "null"])
def test_non_object_json_is_refused(client, auth, body):
    response = client.post("/api/cases", data=body, content_type="application/json", headers=auth("staff"))
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("big", [99_999_999_999, 2**70])  # beyond PostgreSQL's integer; beyond SQLite's 64 bits
def test_an_id_beyond_the_database_range_is_a_422_not_a_500(app, client, big):
    from linli.cases.casework.models import Case

    db = app.extensions["linli"].db

    def case(case_id):
        return {"found": db.session.get(Case, case_id) is not None}

    app.add_url_rule("/cases-by-id/<int:case_id>", view_func=case)
    response = client.get(f"/cases-by-id/{big}")
    if response.status_code == 200:  # SQLite holds 99 999 999 999 as an integer: simply not found
        assert big < 2**63 and response.json == {"found": False}
    else:
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert response.json["code"] == "value_out_of_range"
    assert client.get("/cases-by-id/1").json == {"found": False}  # the next request's session is sound
