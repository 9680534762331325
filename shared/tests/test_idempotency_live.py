"""Idempotency-Key against a live gunicorn server: replay, concurrent same key, different body."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

pytestmark = pytest.mark.live

CASE = {"community_id": "north-bund", "title": "Lift out of order in building 7", "category": "facilities"}


def count_cases(app) -> int:
    from linli.cases.casework.models import Case

    with app.app_context():
        return app.extensions["linli"].db.session.scalar(sa.select(sa.func.count()).select_from(Case))


@pytest.fixture
def server(app, live_server):
    return live_server(app, workers=2, threads=8)


def test_replay_returns_the_first_response(app, server, auth):
    headers = {**auth("staff"), "Idempotency-Key": "replay-1"}
    first = requests.post(f"{server.url}/api/cases", json=CASE, headers=headers, timeout=10)
    second = requests.post(f"{server.url}/api/cases", json=CASE, headers=headers, timeout=10)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert count_cases(app) == 1


def test_same_key_different_body_is_422(app, server, auth):
    headers = {**auth("staff"), "Idempotency-Key": "reuse-1"}
    assert requests.post(f"{server.url}/api/cases", json=CASE, headers=headers, timeout=10).status_code == 201
    other = requests.post(f"{server.url}/api/cases", json={**CASE, "title": "Another problem"}, headers=headers, timeout=10)
    assert other.status_code == 422
    assert other.headers["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert count_cases(app) == 1


def test_concurrent_requests_with_one_key_create_one_case(app, server, auth):
    headers = {**auth("staff"), "Idempotency-Key": "race-1"}

    def post(_):
        return requests.post(f"{server.url}/api/cases", json=CASE, headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=24) as pool:
        responses = list(pool.map(post, range(24)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    fresh = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r.headers]
    assert len(fresh) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.json()["code"] == "idempotency_in_progress"
    assert count_cases(app) == 1


def test_keys_are_scoped_per_caller(app, server, auth):
    for user in ("staff-a", "staff-b"):
        headers = {**auth("staff", sub=user), "Idempotency-Key": "same-key"}
        assert requests.post(f"{server.url}/api/cases", json=CASE, headers=headers, timeout=10).status_code == 201
    assert count_cases(app) == 2
