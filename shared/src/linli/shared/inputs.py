"""What every request must be before a view sees it, checked once for all three services.

- A body is at most ``LINLI_MAX_BODY_BYTES`` (Flask's ``MAX_CONTENT_LENGTH``, 1 MiB by default):
  413 problem+json, read no further. An upload view allows more with :func:`allow_body_bytes`.
- A JSON body parses, nests at most :data:`MAX_JSON_DEPTH` deep (Python's parser would otherwise
  hit its recursion limit, a 500) → 400 ``bad_request`` / ``json_too_deep``.
- No text the client sends (JSON strings and keys, query and form values, path segments) holds a
  NUL character (PostgreSQL cannot store it; SQLite would) or a lone UTF-16 surrogate such as
  ``"\\ud800"`` (not encodable as UTF-8: hashing or storing it fails) → 422 ``invalid_text``.

Views then read ``request.get_json()`` / webargs from the body cached here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from linli.shared.errors import BadRequest, Unprocessable

MAX_JSON_DEPTH = 32
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])


class InvalidText(Unprocessable):
    code, title = "invalid_text", "Unprocessable text"


def parse_json_body(raw: bytes) -> Any:
    """The JSON document in ``raw``, or a 400 problem: malformed, not UTF-8, or nested too deeply."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", code="json_too_deep") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise BadRequest("The request body is not valid JSON.", code="bad_request") from None
    check_json_value(value)
    return value


def check_json_value(value: Any) -> None:
    """Walk a parsed JSON value without recursion: depth and the characters of every string and key."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, where = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.", code="json_too_deep")
        if isinstance(item, str):
            _check_text(item, where or "body")
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, f"{where}.{key}" if where else key)
                stack.append((child, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, f"{where}[{index}]") for index, child in enumerate(item))


def _check_text(text: str, where: str) -> None:
    if BAD_CHARACTERS.search(text):
        shown = BAD_CHARACTERS.sub("?", where)[:80]
        raise InvalidText(f"'{shown}' holds a NUL character or a lone surrogate; send plain UTF-8 text.",
                          field=shown)


def _check_pairs(pairs: Iterable[tuple[str, str]], location: str) -> None:
    for key, value in pairs:
        if isinstance(key, str):  # a multipart part without a name has none
            _check_text(key, f"{location}:{key}")
        if isinstance(value, str):
            _check_text(value, f"{location}:{key}")


def allow_body_bytes(limit: int | Callable[[], int]) -> Callable[[F], F]:
    """Let one view (an upload) take bodies up to ``limit`` bytes (or what ``limit()`` says at
    request time) instead of ``LINLI_MAX_BODY_BYTES``. Put it right under the route decorator."""

    def decorator(view: F) -> F:
        view.linli_max_body_bytes = limit  # type: ignore[attr-defined]
        return view

    return decorator


def _view_body_limit() -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "linli_max_body_bytes", None)
    return limit() if callable(limit) else limit


def check_request_input() -> None:
    """before_request: the body's size and JSON shape, and the text of every part of the request."""
    _check_pairs(request.args.items(multi=True), "query")
    _check_pairs(((k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str)), "path")
    if (allowed := _view_body_limit()) is not None:
        request.max_content_length = allowed  # an upload: the view reads (and refuses) its body itself
        return
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()  # refused before anything is read, whatever its type
    if request.method not in BODY_METHODS:
        return
    if request.is_json:
        raw = request.get_data(cache=True)  # a chunked body over MAX_CONTENT_LENGTH: 413 as it is read
        if raw.strip():
            parse_json_body(raw)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form.items(multi=True), "form")


def init_input_checks(app: Flask) -> None:
    app.config.setdefault("MAX_CONTENT_LENGTH", DEFAULT_MAX_BODY_BYTES)
    app.before_request(check_request_input)
