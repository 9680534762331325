"""Security headers on every answer, checked once for all three services.

- Pages (``text/html``) get a Content-Security-Policy: only this site's scripts, styles and images
  (plus the sources a service names, e.g. Stripe.js on the canteen), no plugins, no ``<base>``
  rewriting, forms only to this site, and ``frame-ancestors 'none'`` (no framing: clickjacking).
  Inline ``<script>``/``<style>`` run only with the request's nonce (``{{ csp_nonce() }}`` in a
  template); a service whose templates still hold inline styles or handlers sets
  ``csp_inline=True`` on its spec (``'unsafe-inline'`` instead of the nonce) until they move.
- Every answer: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (no pickup
  references or tokens in URLs leak to other sites), ``X-Frame-Options: DENY`` for old browsers.
- ``Strict-Transport-Security`` when the request came over TLS (directly, or ``X-Forwarded-Proto:
  https`` behind a trusted proxy, ``LINLI_PROXY_HOPS``) or ``LINLI_HSTS=true`` says the site is
  served only over TLS; never on plain http, where a browser would ignore it anyway.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from flask import Flask, Response, current_app, g, request

HSTS = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "same-origin"


def csp_nonce() -> str:
    """This request's CSP nonce, for an inline ``<script nonce=…>`` or ``<style nonce=…>``."""
    if "linli_csp_nonce" not in g:
        g.linli_csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.linli_csp_nonce
    return nonce


def content_security_policy(extra: Mapping[str, Sequence[str]], inline: bool, nonce: str | None) -> str:
    own = [f"'nonce-{nonce}'"] if nonce and not inline else []
    loose = ["'unsafe-inline'"] if inline else []
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *own, *loose],
        "style-src": ["'self'", *own, *loose],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    for directive, sources in extra.items():
        current = [s for s in directives.get(directive, []) if s != "'none'"]
        directives[directive] = current + [s for s in sources if s not in current]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        config = current_app.config
        nonce = g.get("linli_csp_nonce")
        headers.setdefault("Content-Security-Policy",
                           content_security_policy(config["LINLI_CSP_SOURCES"], config["LINLI_CSP_INLINE"], nonce))
    if request.is_secure or current_app.config["LINLI_HSTS"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_security_headers(app: Flask, *, sources: Mapping[str, Sequence[str]] | None = None,
                          inline: bool = False) -> None:
    app.config.setdefault("LINLI_CSP_SOURCES", dict(sources or {}))
    app.config.setdefault("LINLI_CSP_INLINE", inline)
    app.config.setdefault("LINLI_HSTS", False)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)
