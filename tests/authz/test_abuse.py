"""Abuse limits and security headers, on the services themselves (nginx's own limits are in
tests/deploy): sign-in, the kiosk card PIN, order placement and Open311 posts answer 429 with
Retry-After once over their limit; pages carry a Content-Security-Policy without 'unsafe-inline'
(no service's templates need it), frame-ancestors, Referrer-Policy, and HSTS behind TLS."""

from __future__ import annotations

import pytest

from linli.canteen.app import create_app as canteen_app
from linli.canteen.pages.testing import ORIGIN, open_menu
from linli.cases.app import create_app as cases_app
from linli.hub.app import create_app as hub_app

pytestmark = pytest.mark.engines("sqlite")  # in-memory counters: the engine does not matter


def assert_limited(response, *, problem: bool = True) -> int:
    assert response.status_code == 429, (response.status_code, response.get_data(as_text=True)[:300])
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    if problem:
        assert response.content_type.startswith("application/problem+json")
        assert response.json["code"] == "too_many_requests" and response.json["retry_after"] == retry_after
    return retry_after


def test_order_placement_is_limited_per_client(service_app, auth):
    app = service_app("canteen", canteen_app, LINLI_ORDER_RATE_LIMIT="3 per minute")
    ids = open_menu(app)
    client = app.test_client()
    body = {"community_id": "north-bund", "meal_service_id": ids["meal_service"],
            "lines": [{"kind": "dish", "dish_id": ids["pork"], "portion": "full"}]}
    kiosk = {"REMOTE_ADDR": "10.0.0.7"}
    assert [client.post("/api/orders", json=body, environ_base=kiosk).status_code for _ in range(3)] == [201] * 3
    assert_limited(client.post("/api/orders", json=body, environ_base=kiosk))
    # another kiosk, and a signed-in diner at the same address, have counts of their own
    assert client.post("/api/orders", json=body, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 201
    diner = auth("diner", sub="diner-9")
    assert client.post("/api/orders", json=body, headers=diner, environ_base=kiosk).status_code == 201


def test_kiosk_pin_tries_are_limited_per_client(service_app):
    app = service_app("canteen", canteen_app, LINLI_PIN_RATE_LIMIT="3 per minute")
    ids = open_menu(app)
    client = app.test_client()
    url = f"/kiosk/north-bund/{ids['meal_service']}/card"
    kiosk = {"REMOTE_ADDR": "10.0.0.7"}
    for number in ("20269001", "20269002", "20269003"):  # different cards: the card lock does not see it
        tried = client.post(url, data={"card_number": number, "pin": "1234"}, headers=ORIGIN, environ_base=kiosk)
        assert tried.status_code == 200 and number in tried.get_data(as_text=True)  # asked again
    refused = client.post(url, data={"card_number": "20269004", "pin": "1234"}, headers=ORIGIN, environ_base=kiosk)
    assert_limited(refused, problem=False)  # a page: the kiosk shows when to try again
    assert "20269004" in refused.get_data(as_text=True)


def test_sign_in_is_limited_with_retry_after(service_app):
    app = service_app("hub", hub_app, LINLI_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    body = {"username": "nobody", "password": "wrong-password"}
    assert [client.post("/api/auth/token", json=body).status_code for _ in range(2)] == [401, 401]
    assert_limited(client.post("/api/auth/token", json=body))
    page = client.post("/login", data=body, headers={"Origin": "http://localhost"})
    assert_limited(page, problem=False)


def test_open311_posts_are_limited(service_app):
    app = service_app("cases", cases_app, LINLI_OPEN311_RATE_LIMIT="2 per minute")
    client = app.test_client()
    form = {"jurisdiction_id": "north-bund", "service_code": "report-facilities", "api_key": "o311_unknown"}
    assert [client.post("/open311/v2/requests.json", data=form).status_code for _ in range(2)] == [403, 403]
    refused = client.post("/open311/v2/requests.json", data=form)
    assert_limited(refused, problem=False)  # Open311 clients get GeoReport's error list
    assert refused.json[0]["code"] == 429


PAGES = {"canteen": (canteen_app, "/kiosk/north-bund"), "cases": (cases_app, "/catalogue/north-bund"),
         "hub": (hub_app, "/login")}


@pytest.mark.parametrize("service", list(PAGES))
def test_pages_carry_the_security_headers(service, service_app):
    create, path = PAGES[service]
    app = service_app(service, create)
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'" and policy["form-action"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-inline" not in policy["style-src"]
    assert "unsafe-eval" not in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in page.headers  # plain http: no HSTS
    api = client.get("/openapi.json")
    assert "Content-Security-Policy" not in api.headers and api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("service", list(PAGES))
def test_hsts_behind_tls(service, service_app):
    create, path = PAGES[service]
    proxied = service_app(service, create, LINLI_PROXY_HOPS=1).test_client()
    over_tls = proxied.get(path, headers={"X-Forwarded-Proto": "https"})
    assert over_tls.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in proxied.get(path).headers
    always = service_app(service, create, LINLI_HSTS=True).test_client()
    assert "Strict-Transport-Security" in always.get("/healthz").headers


def test_the_pages_hold_no_inline_script_or_style():
    """What lets every service's policy go without 'unsafe-inline'."""
    import re
    from pathlib import Path

    import linli.canteen
    import linli.cases
    import linli.hub
    import linli.shared

    roots = [Path(m.__file__).parent / "templates" for m in (linli.canteen, linli.cases, linli.hub, linli.shared)]
    offenders = []
    for root in roots:
        for template in root.rglob("*.html"):
            # the weekly digest's email (never served as a page) carries its stylesheet inline
            text = template.read_text(encoding="utf-8").replace("{% if email %}<style>", "{% if email %}")
            inline_script = re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
            if inline_script or re.search(r"<style|\sstyle=\"|\son[a-z]+=\"|hx-on|javascript:", text):
                offenders.append(str(template.relative_to(root.parent)))
    assert not offenders, offenders
