import jwt
import pytest
import sqlalchemy as sa

from linli.hub.accounts import service
from linli.hub.accounts.models import Account
from linli.hub.extensions import db


@pytest.fixture
def staff_account(app):
    with app.app_context():
        account = service.create_account(None, username="wang.staff", password="linli-demo-1",
                                         display_name="王老师", kind="staff", roles=["staff"],
                                         communities=["north-bund"])
        return account.id


def login(client, username="wang.staff", password="linli-demo-1", **extra):
    return client.post("/api/auth/token", json={"username": username, "password": password, **extra})


def test_login_issues_a_token_verified_by_jwks(app, client, staff_account):
    response = login(client)
    assert response.status_code == 200, response.json
    token = response.json["access_token"]
    keys = client.get("/.well-known/jwks.json").json["keys"]
    header = jwt.get_unverified_header(token)
    assert header["kid"] == keys[0]["kid"]
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, public, algorithms=["RS256"], audience="linli", issuer="linli-hub")
    assert claims["sub"] == str(staff_account)
    assert claims["roles"] == ["staff"] and claims["communities"] == ["north-bund"]
    me = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["username"] == "wang.staff"


def test_password_is_hashed_with_argon2(app, staff_account):
    with app.app_context():
        assert db.session.get(Account, staff_account).password_hash.startswith("$argon2id$")


def test_wrong_password_is_refused(client, staff_account):
    response = login(client, password="nope-nope-nope")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "invalid_credentials"
    assert login(client, username="nobody").json["code"] == "invalid_credentials"


def test_disabled_account_cannot_sign_in(app, client, staff_account, auth):
    response = client.post(f"/api/accounts/{staff_account}/disable", headers=auth("admin", communities=["*"]))
    assert response.status_code == 200 and response.json["disabled"] is True
    refused = login(client)
    assert refused.status_code == 403 and refused.json["code"] == "account_disabled"
    client.post(f"/api/accounts/{staff_account}/enable", headers=auth("admin", communities=["*"]))
    assert login(client).status_code == 200


def test_staff_cannot_disable(client, staff_account, auth):
    response = client.post(f"/api/accounts/{staff_account}/disable", headers=auth("staff"))
    assert response.status_code == 403


def test_login_is_rate_limited_per_app(service_app, staff_account, app):
    from linli.hub.app import create_app

    client = app.test_client()
    statuses = [login(client, password="wrong-password").status_code for _ in range(10)]
    assert statuses == [401] * 10
    limited = login(client)
    assert limited.status_code == 429
    assert limited.content_type == "application/problem+json"
    assert limited.json["code"] == "too_many_requests"
    # another app instance keeps its own count
    other = service_app("hub", create_app)
    assert login(other.test_client()).status_code in (200, 401)


def test_password_change(client, staff_account):
    token = login(client).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    wrong = client.post("/api/accounts/me/password", headers=headers,
                        json={"current_password": "bad-bad-bad", "new_password": "a-new-password"})
    assert wrong.status_code == 403
    ok = client.post("/api/accounts/me/password", headers=headers,
                     json={"current_password": "linli-demo-1", "new_password": "a-new-password"})
    assert ok.status_code == 204
    assert login(client).status_code == 401
    assert login(client, password="a-new-password").status_code == 200


def test_staff_creates_team_lead_but_not_admin(app, client, auth):
    headers = auth("staff", communities=["north-bund"])
    body = {"username": "li.lead", "password": "linli-demo-1", "display_name": "李队长", "kind": "team_lead",
            "roles": ["team_lead"], "communities": ["north-bund"]}
    assert client.post("/api/accounts", json=body, headers=headers).status_code == 201
    denied = client.post("/api/accounts", json={**body, "username": "x.admin", "roles": ["admin"]}, headers=headers)
    assert denied.status_code == 403
    other = client.post("/api/accounts", json={**body, "username": "y.lead", "communities": ["fenglin-huiyuan"]},
                        headers=headers)
    assert other.status_code == 403 and other.json["code"] == "wrong_community"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1
