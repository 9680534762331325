"""Per-app set-up of accounts: the signing key and the login rate limiter.

The limiter is made per app (never a module global), so two apps in one test run never share limits.
``LINLI_LOGIN_RATE_LIMIT`` (default ``10 per minute``) applies per client address and username;
in production set ``LINLI_RATELIMIT_STORAGE_URI`` (e.g. redis://) so that all workers share the count.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from linli.hub.accounts.keys import init_keys

DEFAULT_LOGIN_LIMIT = "10 per minute"


def _login_key() -> str:
    username = ""
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            username = str(body.get("username", ""))[:64]
    elif request.form:
        username = request.form.get("username", "")[:64]
    return f"{get_remote_address()}|{username}"


def init_accounts(app: Flask) -> None:
    init_keys(app)
    app.config.setdefault("LINLI_LOGIN_RATE_LIMIT", os.environ.get("LINLI_LOGIN_RATE_LIMIT", DEFAULT_LOGIN_LIMIT))
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
        default_limits=[],
        headers_enabled=True,
        key_prefix=f"linli-{app.config['LINLI_SERVICE']}",
    )
    app.extensions["linli_login_limiter"] = limiter


def login_rate_limit() -> None:
    """Count one sign-in attempt; over the limit this raises a 429 (problem+json)."""
    limiter: Limiter = current_app.extensions["linli_login_limiter"]
    with limiter.limit(current_app.config["LINLI_LOGIN_RATE_LIMIT"], key_func=_login_key, scope="login"):
        pass
