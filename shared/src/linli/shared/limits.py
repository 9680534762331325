"""Rate limits on what a stranger could hammer: sign-in, the kiosk card PIN, order placement and
Open311 posts. One Flask-Limiter per app (never a module global: two apps in a test run never share
counts), counting in memory by default; set ``LINLI_RATELIMIT_STORAGE_URI`` (e.g. ``redis://``) so
that every worker and replica shares them.

A view calls :func:`rate_limit` with the limit's name and the keys it counts by; over the limit it
raises :class:`TooManyRequests`, a 429 problem with ``Retry-After`` (seconds until the window frees
a try). Each limit is a setting in Flask-Limiter's notation (``"10 per minute"``):

==========  ================================  ====================  ===============================
name        setting                           default               counted per
==========  ================================  ====================  ===============================
login       ``LINLI_LOGIN_RATE_LIMIT``        10 per minute         client address and username
pin         ``LINLI_PIN_RATE_LIMIT``          10 per minute         client address (every card)
order       ``LINLI_ORDER_RATE_LIMIT``        120 per minute        signed-in subject, else address
open311     ``LINLI_OPEN311_RATE_LIMIT``      30 per minute         api_key and client address
==========  ================================  ====================  ===============================

(The kiosk card itself also locks after a few wrong PINs; the ``pin`` limit stops one client from
trying many cards.) ``LINLI_RATELIMIT_ENABLED=false`` turns them all off (load drills).
"""

from __future__ import annotations

import math
import os
import time

import limits
from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from linli.shared.auth import Identity
from linli.shared.errors import Problem

LIMITS = {
    "login": ("LINLI_LOGIN_RATE_LIMIT", "10 per minute"),
    "pin": ("LINLI_PIN_RATE_LIMIT", "10 per minute"),
    "order": ("LINLI_ORDER_RATE_LIMIT", "120 per minute"),
    "open311": ("LINLI_OPEN311_RATE_LIMIT", "30 per minute"),
}


class TooManyRequests(Problem):
    status, code, title = 429, "too_many_requests", "Too many requests"


def init_limits(app: Flask) -> None:
    for setting, default in LIMITS.values():
        app.config.setdefault(setting, os.environ.get(setting, default))
        limits.parse(app.config[setting])  # a wrong setting fails at start, not at the first request
    enabled = os.environ.get("LINLI_RATELIMIT_ENABLED", "true").lower() not in ("0", "false", "no")
    app.config.setdefault("LINLI_RATELIMIT_ENABLED", enabled)
    app.extensions["linli_limiter"] = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
        default_limits=[],
        headers_enabled=False,
        key_prefix=f"linli-{app.config['LINLI_SERVICE']}",
    )


def client_address() -> str:
    """The caller's address (the proxy's X-Forwarded-For when LINLI_PROXY_HOPS says to trust it)."""
    return request.remote_addr or "unknown"


def caller_key(identity: Identity | None) -> str:
    """Who is counted: the signed-in subject, else the client address (a kiosk is one address)."""
    return f"sub:{identity.subject}" if identity is not None else f"addr:{client_address()}"


def rate_limit(name: str, *keys: str) -> None:
    """Count one try of ``name`` for ``keys``; over the limit raise a 429 with Retry-After."""
    if not current_app.config["LINLI_RATELIMIT_ENABLED"]:
        return
    setting, _default = LIMITS[name]
    item = limits.parse(current_app.config[setting])
    limiter: Limiter = current_app.extensions["linli_limiter"]
    identifiers = (f"linli-{current_app.config['LINLI_SERVICE']}", name, *(key[:128] for key in keys))
    if limiter.limiter.hit(item, *identifiers):
        return
    reset_at = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    retry_after = max(1, math.ceil(reset_at - time.time()))
    problem = TooManyRequests(f"Too many tries; try again in {retry_after} seconds.", retry_after=retry_after)
    problem.headers["Retry-After"] = str(retry_after)
    raise problem
