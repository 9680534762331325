"""200 votes at once from 100 households (each household twice, from two phones), through a real
gunicorn: exactly 100 count, every second one is a 409."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from linli.cases.polls.models import Vote
from linli.cases.polls.service import record_household
from linli.shared.auth import mint_token
from linli.shared.keys import ensure_signing_key

HOUSEHOLDS = 100


def post_with_retry(url, headers, body):
    for _ in range(20):
        response = requests.post(url, json=body, headers=headers, timeout=60)
        if response.status_code != 503:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")) / 4)
    return response


def test_200_concurrent_votes_from_100_households_count_100(app, client, auth, live_server):
    with app.app_context():
        for n in range(1, HOUSEHOLDS + 1):
            record_household(household_id=n, community_id="north-bund", label=f"{n}室", address="东海小区", active=True)
        app.extensions["linli"].db.session.commit()
    poll = client.post("/api/polls", headers=auth("staff"), json={
        "community_id": "north-bund", "title_zh": "美丽楼道方案", "kind": "beautiful_stairway",
        "closes_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat(),
        "options": [{"label_zh": "暖色"}, {"label_zh": "冷色"}]}).json
    options = [o["id"] for o in client.get(f"/api/polls/{poll['id']}/results").json["options"]]
    key = ensure_signing_key(app.config["LINLI_VAR_DIR"])
    ballots = []
    for n in range(1, HOUSEHOLDS + 1):
        for phone in ("a", "b"):
            token = mint_token(key, issuer="linli-hub", audience="linli", subject=f"r{n}{phone}", roles=["diner"],
                               communities=["north-bund"], extra={"household_id": n})
            ballots.append(({"Authorization": f"Bearer {token}"}, {"option_id": options[n % 2]}))
    server = live_server(app, workers=4, threads=8)
    url = f"{server.url}/api/polls/{poll['id']}/votes"
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda b: post_with_retry(url, *b), ballots))
    elapsed = time.monotonic() - started
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * HOUSEHOLDS + [409] * HOUSEHOLDS, server.log()
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_voted"}
    results = client.get(f"/api/polls/{poll['id']}/results").json
    assert results["votes"] == HOUSEHOLDS and results["turnout"] == 1.0
    print(f"\n{len(ballots)} votes from {HOUSEHOLDS} households in {elapsed:.2f}s: {results['votes']} counted "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    with app.app_context():
        db = app.extensions["linli"].db
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Vote.household_id)))) == HOUSEHOLDS
