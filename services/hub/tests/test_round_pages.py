"""Pages without a browser: sign-in cookie, redirects kept on-site, English switch, staff-only pages."""

import datetime as dt

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from linli.hub.app import create_app
from linli.hub.testing import make_world

pytestmark = pytest.mark.engines("sqlite")
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def world(app):
    return make_world(app)


def sign_in(client, username, next_path="", password="linli-demo"):
    return client.post("/login", data={"username": username, "password": password, "next": next_path},
                       headers=ORIGIN)


def test_sign_in_sets_an_http_only_cookie_and_redirects_on_site(client, world):
    response = sign_in(client, "lead.hulusi", "/team?team=1")
    assert response.status_code == 303 and response.headers["Location"] == "/team?team=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("linli_token=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert sign_in(client, "lead.hulusi", "https://evil.example/").headers["Location"] == "/team"
    assert sign_in(client, "lead.hulusi", "//evil.example/").headers["Location"] == "/team"


def test_wrong_password_shows_the_form_again(client, world):
    response = sign_in(client, "lead.hulusi", password="nope-nope")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    cross_site = client.post("/login", data={"username": "lead.hulusi", "password": "linli-demo"},
                             headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403


def test_team_page_in_chinese_and_english(client, world):
    sign_in(client, "lead.hulusi")
    zh = client.get("/team").get_data(as_text=True)
    assert "场地申请 · 葫芦丝乐队" in zh and 'lang="zh-CN"' in zh
    en = client.get("/team?lang=en").get_data(as_text=True)
    assert "Room requests · Hulusi band" in en and '<html lang="en">' in en and "Send requests" not in en


def test_staff_pages_need_staff(client, world):
    sign_in(client, "lead.hulusi")
    assert client.get("/staff/rooms").status_code == 403  # signed in without the right
    client.post("/logout", headers=ORIGIN)
    sign_in(client, "staff.li")
    page = client.get("/staff/rooms?community=fenglin-huiyuan")
    assert page.status_code == 200 and "多功能室" in page.get_data(as_text=True)


def test_production_key_file_signs_tokens_and_is_served_as_jwks(service_app, tmp_path, world):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "jwt-private.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    app = service_app("hub", create_app, LINLI_JWT_PRIVATE_KEY_FILE=str(path))
    with app.app_context():
        from linli.hub.accounts import service

        service.create_account(None, username="key.user", password="linli-demo", display_name="K",
                               roles=["diner"], communities=["north-bund"])
    client = app.test_client()
    token = client.post("/api/auth/token", json={"username": "key.user", "password": "linli-demo"}).json
    jwks = client.get("/.well-known/jwks.json").json["keys"]
    assert len(jwks) == 1 and jwt.get_unverified_header(token["access_token"])["kid"] == jwks[0]["kid"]
    claims = jwt.decode(token["access_token"], key.public_key(), algorithms=["RS256"], audience="linli")
    assert dt.timedelta(seconds=claims["exp"] - claims["iat"]) == dt.timedelta(minutes=60) == dt.timedelta(
        seconds=token["expires_in"])


def test_staff_approve_and_decline_pending_bookings_on_the_calendar_page(app, client, world, auth):
    from linli.hub.testing import local, next_weekday

    lead = auth("team_lead", communities=[world["community"]], sub=str(world["lead"]))
    day = next_weekday(2)
    ids = []
    for hour in (9, 14):
        response = client.post("/api/bookings", headers=lead, json={
            "room_id": world["approval_room"], "team_id": world["team"], "title": f"排练{hour}",
            "starts_at": local(day, hour).isoformat(), "ends_at": local(day, hour + 2).isoformat()})
        ids.append(response.json["bookings"][0]["id"])
    sign_in(client, "lead.hulusi")
    assert client.post(f"/staff/bookings/{ids[0]}/approve", headers=ORIGIN).status_code == 403
    client.post("/logout", headers=ORIGIN)
    sign_in(client, "staff.li")
    page = client.get("/staff/rooms?community=fenglin-huiyuan").get_data(as_text=True)
    assert "等待审批的预订" in page and "排练9" in page and "排练14" in page
    assert client.post(f"/staff/bookings/{ids[0]}/approve").status_code == 403  # no Origin: not same-site
    approved = client.post(f"/staff/bookings/{ids[0]}/approve", headers=ORIGIN)
    assert approved.status_code == 303 and f"week={day.isoformat()}" in approved.headers["Location"]
    client.post(f"/staff/bookings/{ids[1]}/reject", headers=ORIGIN)
    again = client.post(f"/staff/bookings/{ids[1]}/approve", headers=ORIGIN, follow_redirects=True)
    assert "只有待审批的预订可以批准或不批准" in again.get_data(as_text=True)
    active = client.get("/api/bookings", headers=lead, query_string={
        "room_id": world["approval_room"], "start": local(day, 0).isoformat(), "end": local(day, 23).isoformat()})
    assert [b["status"] for b in active.json] == ["confirmed"]  # the rejected one holds no slot
    assert "没有待审批的预订。" in client.get("/staff/rooms?community=fenglin-huiyuan").get_data(as_text=True)
    assert client.post("/staff/bookings/999999/approve", headers=ORIGIN).status_code == 404


def test_a_forged_round_request_form_gets_a_message_not_an_error(client, world):
    sign_in(client, "lead.hulusi")
    response = client.post("/team/rounds/1/requests", data={"team": str(world["team"]), "rank-abc": "1",
                                                             "rank-": "2", "rank-1": "x"}, headers=ORIGIN)
    assert response.status_code == 303
    assert "请至少选择一个时段" in client.get(response.headers["Location"]).get_data(as_text=True)
