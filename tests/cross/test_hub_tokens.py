"""A token issued by the hub (login) is accepted by cases and canteen, which verify it through the hub's JWKS."""

import time

import pytest
import requests

from linli.cases.app import create_app as create_cases
from linli.hub.accounts import service as accounts
from linli.hub.app import create_app as create_hub


def login(hub_url: str, username: str, password: str) -> requests.Response:
    for _ in range(20):
        response = requests.post(f"{hub_url}/api/auth/token", json={"username": username, "password": password},
                                 timeout=30)
        if response.status_code != 503:
            return response
        time.sleep(0.25)
    return response


@pytest.mark.live
def test_hub_token_is_accepted_by_cases_and_canteen_through_jwks(service_app, live_server):
    hub_app = service_app("hub", create_hub, migrate=False)
    with hub_app.app_context():
        accounts.create_account(None, username="zhou.staff", password="linli-demo", display_name="周干部",
                                kind="staff", roles=["staff"], communities=["north-bund"])
        resident = accounts.create_account(None, username="wu.resident", password="linli-demo",
                                           display_name="吴阿姨", roles=["diner"], communities=["north-bund"])
        resident_id = resident.id
    hub = live_server(hub_app, workers=2, threads=4)
    jwks_url = f"{hub.url}/.well-known/jwks.json"
    assert requests.get(jwks_url, timeout=10).json()["keys"][0]["kty"] == "RSA"

    response = login(hub.url, "zhou.staff", "linli-demo")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}

    cases = service_app("cases", create_cases, LINLI_JWKS_URL=jwks_url, LINLI_JWT_PUBLIC_KEY_FILES=[]).test_client()
    accepted = cases.get("/api/cases?community_id=north-bund", headers=bearer)
    assert accepted.status_code == 200, accepted.json
    forged = cases.get("/api/cases?community_id=north-bund", headers={"Authorization": f"Bearer {token[:-4]}AAAA"})
    assert forged.status_code == 401 and forged.json["code"] == "invalid_token"

    from linli.canteen.app import create_app as create_canteen

    canteen = service_app("canteen", create_canteen, migrate=False, LINLI_JWKS_URL=jwks_url,
                          LINLI_JWT_PUBLIC_KEY_FILES=[]).test_client()
    assert canteen.get("/openapi.json").status_code == 200
    queue = "/api/kitchen/queue?community_id=north-bund"
    assert canteen.get(queue).status_code == 401
    assert canteen.get(queue, headers=bearer).status_code not in (401, 403)

    # a disabled account cannot get a new token
    with hub_app.app_context():
        from linli.shared.auth import Identity

        accounts.set_disabled(Identity("admin", frozenset({"admin"}), frozenset({"*"})), resident_id, disabled=True)
    refused = login(hub.url, "wu.resident", "linli-demo")
    assert refused.status_code == 403 and refused.json()["code"] == "account_disabled"
    assert refused.headers["Content-Type"] == "application/problem+json"


@pytest.mark.live
def test_login_rate_limit_through_gunicorn(service_app, live_server):
    hub_app = service_app("hub", create_hub, migrate=False)
    with hub_app.app_context():
        accounts.create_account(None, username="qian.lead", password="linli-demo", display_name="钱队长",
                                roles=["team_lead"], communities=["north-bund"])
    hub = live_server(hub_app, workers=1, threads=4, env={"LINLI_LOGIN_RATE_LIMIT": "5 per minute"})
    statuses = [login(hub.url, "qian.lead", "wrong-password").status_code for _ in range(5)]
    assert statuses == [401] * 5
    limited = login(hub.url, "qian.lead", "linli-demo")
    assert limited.status_code == 429
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert limited.json()["code"] == "too_many_requests" and "Retry-After" in limited.headers
