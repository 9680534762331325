"""Per-app set-up of accounts: the signing key; and the sign-in rate limit.

``LINLI_LOGIN_RATE_LIMIT`` (default ``10 per minute``) applies per client address and username,
counted by the app's limiter (:mod:`linli.shared.limits`); in production set
``LINLI_RATELIMIT_STORAGE_URI`` (e.g. redis://) so that all workers share the count.
"""

from __future__ import annotations

from flask import Flask, request

from linli.hub.accounts.keys import init_keys
from linli.shared.limits import client_address, rate_limit


def _username() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            return str(body.get("username", ""))[:64]
        return ""
    return request.form.get("username", "")[:64]


def init_accounts(app: Flask) -> None:
    init_keys(app)


def login_rate_limit() -> None:
    """Count one sign-in attempt; over the limit this raises a 429 problem with Retry-After."""
    rate_limit("login", client_address(), _username())
