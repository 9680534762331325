"""Gunicorn's own answers (a request line over ``limit_request_line``: 414, headers over the
limits: 431, a malformed request: 400) are HTML pages written before any app runs. Installed from
``deploy/gunicorn.conf.py``, :func:`write_problem` writes them as RFC 9457 problem+json like every
other error of the services.

Gunicorn's workers call ``gunicorn.util.write_error(sock, status, reason, message)`` for these
(``Worker.handle_error``); the config file runs in the master before any worker forks, so every
worker answers this way.
"""

from __future__ import annotations

import json
from typing import Any

CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
         431: "headers_too_large", 500: "internal_error", 501: "not_implemented"}


def problem_bytes(status: int, reason: str, message: str) -> bytes:
    code = CODES.get(status, reason.lower().replace(" ", "_"))
    body: dict[str, Any] = {"type": f"urn:linli:problem:{code.replace('_', '-')}", "title": reason,
                            "status": status, "code": code}
    if message:
        body["detail"] = message[:500]
    payload = json.dumps(body).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n")
    return head.encode("latin-1") + payload


def write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    from gunicorn import util

    util.write_nonblock(sock, problem_bytes(status_int, reason, mesg))


def install() -> None:
    """Make gunicorn write its own error answers as problem+json (call from the config file)."""
    from gunicorn import util

    util.write_error = write_problem
