"""Every error is ``application/problem+json`` (RFC 9457).

Domain code raises a :class:`Problem` (or one of its kinds); HTTP errors from Flask,
webargs validation and unexpected exceptions are turned into the same envelope:
``{"type", "title", "status", "detail", "code", ...extras}``.
"""

from __future__ import annotations

import contextlib
from http import HTTPStatus
from typing import Any

import structlog
from flask import (
    Flask,
    Response,
    current_app,
    json,
    render_template,
    render_template_string,
    request,
)
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
log = structlog.get_logger("linli.errors")


class Problem(Exception):
    """A failure the client can understand and act on."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        title: str | None = None,
        status: int | None = None,
        **extras: Any,
    ) -> None:
        super().__init__(detail or title or self.title)
        self.detail = detail
        if code:
            self.code = code
        if title:
            self.title = title
        if status:
            self.status = status
        self.extras = extras
        self.headers: dict[str, str] = {}


class BadRequest(Problem):
    status, code, title = 400, "bad_request", "Bad request"


class Unauthorized(Problem):
    status, code, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, code, title = 404, "not_found", "Not found"


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflict"


class Unprocessable(Problem):
    status, code, title = 422, "unprocessable", "Unprocessable content"


class Unavailable(Problem):
    status, code, title = 503, "unavailable", "Service busy, try again"


def problem_body(status: int, *, code: str, title: str, detail: str | None = None, **extras: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:linli:problem:{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extras.items() if v is not None})
    if request:
        body.setdefault("instance", request.path)
    return body


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", PROBLEM_MIMETYPE, "text/html"])
    return best == "text/html" and not request.path.startswith("/api")


def _render_html(body: dict[str, Any]) -> str:
    """A page for people: what happened in their language, and a way on (sign in, home, back)."""
    try:
        return render_template("linli/error.html", p=body)
    except Exception:  # the error page must never fail itself (e.g. a template error)
        return render_template_string(_FALLBACK_HTML, p=body)


_FALLBACK_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ p.title }}</title>
<style>body{font:20px/1.5 system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.6rem}</style>
</head><body><main><h1>{{ p.status }} · {{ p.title }}</h1>{% if p.detail %}<p>{{ p.detail }}</p>{% endif %}
<p><a href="javascript:history.back()">←</a></p></main></body></html>"""


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    if _wants_html():
        response = Response(_render_html(body), status=body["status"], mimetype="text/html")
    else:
        response = Response(
            json.dumps(body, ensure_ascii=False), status=body["status"], mimetype=PROBLEM_MIMETYPE
        )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def handle_problem(error: Problem) -> Response:
    body = problem_body(error.status, code=error.code, title=error.title, detail=error.detail, **error.extras)
    return problem_response(body, error.headers)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    extras: dict[str, Any] = {}
    detail = error.description if isinstance(error.description, str) else None
    if messages is not None:
        # webargs: {"json": {"field": ["message"]}}; one flat map of field -> messages
        extras["errors"] = messages
        detail = "The request has invalid or unknown fields; see errors."
    if status == 400 and messages is not None:
        detail = "The request body is not valid JSON." if "json" in messages else detail
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
            413: "body_too_large", 414: "uri_too_long", 415: "unsupported_media_type", 422: "validation_error",
            428: "precondition_required", 429: "too_many_requests", 431: "headers_too_large"}.get(status, phrase.lower().replace(" ", "_"))
    body = problem_body(status, code=code, title=phrase, detail=detail, **extras)
    headers = dict(getattr(error, "get_headers", lambda: [])())
    headers.pop("Content-Type", None)
    return problem_response(body, headers)


def handle_database_error(error: Exception) -> Response:
    """A database error that says "not now": the client is asked to retry (503 with Retry-After),
    as pretix does for a lock it could not get; a database that is down or restarting answers the
    same way, never 500. Anything else is a fault of ours (500)."""
    from linli.shared.db import transient_database_error

    kind = transient_database_error(error)
    if kind is None:
        return handle_unexpected(error)
    _rollback()
    orig = getattr(error, "orig", None)
    message = str(orig if orig is not None else error).strip()[:300]
    if kind == "busy":
        log.warning("db.busy", error=message)
        body = problem_body(503, code="busy", title="Service busy, try again",
                            detail="The data is busy; retry shortly.")
        return problem_response(body, {"Retry-After": "1"})
    log.warning("db.unavailable", error=message)
    body = problem_body(503, code="database_unavailable", title="Service Unavailable",
                        detail="The database cannot be reached just now; retry shortly.")
    return problem_response(body, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)})


UNAVAILABLE_RETRY_AFTER_SECONDS = 2


def handle_data_error(error: DataError | OverflowError) -> Response:
    """A value the database refuses to hold (an id beyond PostgreSQL's integer range: ``DataError``;
    beyond SQLite's 64 bits: ``OverflowError``): the request's fault, so 422; the transaction is
    rolled back with the request's session."""
    log.info("db.value_refused", error=str(getattr(error, "orig", None) or error)[:300])
    body = problem_body(422, code="value_out_of_range", title="Unprocessable Content",
                        detail="A number or value in the request is out of the range this field can hold.")
    return problem_response(body)


# SQLSTATE (PostgreSQL) or the start of SQLite's message → status, code, what the client is told
_INTEGRITY_KINDS = (
    ("23505", "UNIQUE constraint failed", 409, "already_exists", "Something with these values exists already."),
    ("23P01", "", 409, "conflict", "This overlaps with something that exists already."),
    ("23503", "FOREIGN KEY constraint failed", 422, "unknown_reference", "The request names something that does not exist."),
    ("23514", "CHECK constraint failed", 422, "constraint_violation", "A value in the request is not allowed here."),
    ("23502", "NOT NULL constraint failed", 422, "constraint_violation", "A value the request must give is missing."),
)


def handle_integrity_error(error: IntegrityError) -> Response:
    """A database constraint refused the write (e.g. a name that must be unique): the client's
    conflict, never a 500. Domain code that can say more catches it itself; this is the floor."""
    _rollback()
    sqlstate = getattr(error.orig, "sqlstate", None)
    message = str(error.orig)
    status, code, detail = next(
        ((status, code, detail) for state, sqlite_message, status, code, detail in _INTEGRITY_KINDS
         if sqlstate == state or (sqlite_message and message.startswith(sqlite_message))),
        (409, "conflict", "The request conflicts with data that exists already."))
    log.info("db.constraint_refused", code=code, error=message[:300])
    phrase = HTTPStatus(status).phrase
    return problem_response(problem_body(status, code=code, title=phrase, detail=detail))


def _rollback() -> None:
    """Leave the request's session usable for what runs after the error handler."""
    from linli.shared.state import service_state

    with contextlib.suppress(Exception):  # no service app here (a bare Flask app in a test)
        service_state().db.session.rollback()


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled_exception", error=repr(error))
    if current_app.config.get("LINLI_RAISE_UNEXPECTED"):
        raise error
    body = problem_body(500, code="internal_error", title="Internal Server Error",
                        detail="Something went wrong on our side; it has been logged.")
    return problem_response(body)


def init_errors(app: Flask) -> None:
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)  # OperationalError, InterfaceError, ...
    app.register_error_handler(PoolTimeoutError, handle_database_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OverflowError, handle_data_error)
    app.register_error_handler(Exception, handle_unexpected)
