"""With LINLI_RATELIMIT_STORAGE_URI=redis://, as in production, every gunicorn worker counts the same
sign-in attempts: 5 per minute means 5 across 4 workers, not 5 per worker."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = [pytest.mark.live, pytest.mark.engines("sqlite")]


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_login_limit_is_shared_by_all_workers(app, live_server):
    if not redis_reachable():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    server = live_server(app, workers=4, threads=4, env={"LINLI_RATELIMIT_STORAGE_URI": REDIS_URL,
                                                         "LINLI_LOGIN_RATE_LIMIT": "5 per minute"})
    username = f"nobody-{uuid.uuid4().hex[:12]}"  # its own counter in a Redis other runs share

    def attempt(_: int) -> int:
        with requests.Session() as session:  # a new connection each time: the requests spread over workers
            return session.post(f"{server.url}/api/auth/token", json={"username": username, "password": "x" * 10},
                                timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(attempt, range(24)))
    print(f"24 sign-ins over 4 workers, limit 5/min in Redis: {dict(statuses)}")
    assert statuses == {401: 5, 429: 19}
