"""Rate limits on what a stranger could hammer: sign-in, the kiosk card PIN, order placement and
Open311 posts. One counter store per app (never a module global: two apps in a test run never share
counts), in memory by default; set ``LINLI_RATELIMIT_STORAGE_URI`` (e.g. ``redis://``) so that every
worker and replica shares them. Counting is the ``limits`` library's fixed window (the library under
Flask-Limiter, whose per-request hooks the suite does not need: no view has a declared limit).

A view calls :func:`rate_limit` with the limit's name and the keys it counts by; over the limit it
raises :class:`TooManyRequests`, a 429 problem with ``Retry-After`` (seconds until the window frees
a try). Each limit is a setting (``linli.shared.config``) in the ``limits`` notation (``"10 per minute"``):

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
import time
from dataclasses import dataclass

import limits
from flask import Flask, current_app, request
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from linli.shared.auth import Identity
from linli.shared.errors import Problem

SETTINGS = {"login": "LINLI_LOGIN_RATE_LIMIT", "pin": "LINLI_PIN_RATE_LIMIT", "order": "LINLI_ORDER_RATE_LIMIT",
            "open311": "LINLI_OPEN311_RATE_LIMIT"}


class TooManyRequests(Problem):
    status, code, title = 429, "too_many_requests", "Too many requests"


@dataclass(frozen=True)
class Limits:
    """An app's limits, parsed once, and its counter."""

    enabled: bool
    items: dict[str, limits.RateLimitItem]
    counter: FixedWindowRateLimiter
    prefix: str


def init_limits(app: Flask) -> None:
    # a wrong setting fails at start, not at the first request
    items = {name: limits.parse(app.config[setting]) for name, setting in SETTINGS.items()}
    app.extensions["linli_limits"] = Limits(
        enabled=bool(app.config["LINLI_RATELIMIT_ENABLED"]), items=items,
        counter=FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"])),
        prefix=f"linli-{app.config['LINLI_SERVICE']}")


def client_address() -> str:
    """The caller's address (the proxy's X-Forwarded-For when LINLI_PROXY_HOPS says to trust it)."""
    return request.remote_addr or "unknown"


def caller_key(identity: Identity | None) -> str:
    """Who is counted: the signed-in subject, else the client address (a kiosk is one address)."""
    return f"sub:{identity.subject}" if identity is not None else f"addr:{client_address()}"


def rate_limit(name: str, *keys: str) -> None:
    """Count one try of ``name`` for ``keys``; over the limit raise a 429 with Retry-After."""
    app_limits: Limits = current_app.extensions["linli_limits"]
    if not app_limits.enabled:
        return
    item = app_limits.items[name]
    identifiers = (app_limits.prefix, name, *(key[:128] for key in keys))
    if app_limits.counter.hit(item, *identifiers):
        return
    reset_at = app_limits.counter.get_window_stats(item, *identifiers).reset_time
    retry_after = max(1, math.ceil(reset_at - time.time()))
    problem = TooManyRequests(f"Too many tries; try again in {retry_after} seconds.", retry_after=retry_after)
    problem.headers["Retry-After"] = str(retry_after)
    raise problem
