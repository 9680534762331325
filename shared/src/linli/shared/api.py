"""flask-smorest wiring: one Api per service, ``/openapi.json``, problem+json for every error."""

from __future__ import annotations

import datetime as dt
import http
from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, request
from flask_smorest import Api
from flask_smorest.blueprint import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs.multidictproxy import MultiDictProxy

from linli.shared.auth import require_identity
from linli.shared.errors import (
    PROBLEM_MIMETYPE,
    BadRequest,
    Forbidden,
    Problem,
    handle_http_exception,
)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the body of every error response.

    Besides these members a problem may carry extension members (RFC 9457 §3.2) that say more about
    its kind, e.g. ``order_state`` with ``order_not_payable`` or ``household_id`` with a conflict."""

    class Meta:
        unknown = ma.INCLUDE  # documented as additionalProperties: extension members

    type = ma.fields.String(metadata={"description": "URI naming the kind of problem"})
    title = ma.fields.String(metadata={"description": "Short human-readable summary"})
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    detail = ma.fields.String(metadata={"description": "What happened here"})
    code = ma.fields.String(metadata={"description": "Machine-readable kind, e.g. sold_out"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.Dict(metadata={"description": "Field-by-field validation messages"})


class LinliApi(Api):
    """An Api whose errors are problem+json, also in its OpenAPI document."""

    # flask-smorest declares its own ErrorSchema here; any Schema is used the same way
    ERROR_SCHEMA = ProblemSchema  # type: ignore[assignment]

    def handle_http_exception(self, error: Any) -> Any:
        return handle_http_exception(error)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def problems(blp: SmorestBlueprint, *statuses: int) -> Callable[[Any], Any]:
    """Document the problem+json answers a route gives (the shared error components):
    ``@problems(blp, 401, 403, 409)`` under the ``@blp.route`` line."""

    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


class Schema(ma.Schema):
    """Base input/output schema: unknown fields are refused (422), never silently dropped.

    JSON input is taken at its type: an Integer field takes a JSON integer only (``2.5``,
    ``2.2e-309`` and ``"5"`` are refused, not truncated or converted; ``5.0`` is 5, as JSON Schema
    has it); a Boolean field takes true or false, not 0, 1 or "yes", and a Time field a time of day
    without a zone (``"20:00:00Z"`` is refused: a room's hours are local wall-clock times). Query
    strings and forms are text and keep marshmallow's conversion."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.pre_load
    def _json_types(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, Mapping) or isinstance(data, MultiDictProxy):
            return data
        errors: dict[str, list[str]] = {}
        integral: dict[str, Any] = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if key not in data:
                continue
            if message := json_type_error(field, data[key]):
                errors[key] = [message]
            elif isinstance(field, ma.fields.Integer) and isinstance(data[key], float):
                integral[key] = int(data[key])  # 5.0 is 5, also for a strict Integer field
        if errors:
            raise ma.ValidationError(errors)
        return {**data, **integral} if integral else data


def _is_integer(value: Any) -> bool:
    """A JSON integer: also ``5.0`` (JSON Schema counts a number with no fraction as an integer),
    never ``2.5``, ``2.2e-309``, ``"5"`` or ``true``."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def json_type_error(field: ma.fields.Field[Any], value: Any) -> str | None:
    """Why ``value`` (from a JSON document) does not fit ``field``; None when it does (or when the
    field's own validation will say)."""
    if value is None:
        return None
    if isinstance(field, ma.fields.Integer) and not _is_integer(value):
        return "Not a valid integer: send a JSON integer."
    if isinstance(field, ma.fields.Boolean) and not isinstance(value, bool):
        return "Not a valid boolean: send true or false."
    integers = isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Integer)
    if integers and isinstance(value, list) and not all(_is_integer(item) for item in value):
        return "Every item must be a JSON integer."
    if isinstance(field, ma.fields.Time) and isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value)
        except ValueError:
            return None  # the field says it is not a time
        if parsed.tzinfo is not None:
            return "A time of day without a zone, e.g. 20:00 (local time)."
    return None


class TimeRangeSchema(Schema):
    """A schema with a time range: its end must come after its start (422 on the end field).

    Subclasses name their two fields in ``RANGE`` when they are not ``starts_at``/``ends_at``.
    """

    RANGE: tuple[str, str] = ("starts_at", "ends_at")

    @ma.validates_schema
    def _end_after_start(self, data: dict[str, Any], **_: Any) -> None:
        start, end = self.RANGE
        if data.get(start) is not None and data.get(end) is not None and data[end] <= data[start]:
            raise ma.ValidationError(f"must be after {start}", field_name=end)


def check_operation_contract() -> None:
    """before_request for API operations, from what the operation documents about itself:

    - an operation that needs a token (its ``security`` has no anonymous ``{}``, or its view is
      guarded by :func:`~linli.shared.auth.require_roles`) authenticates the caller first, so an
      anonymous caller gets 401 (and a caller without the role 403) before any 422 about its input;
    - an operation with a required JSON body refuses a request without one (400 ``body_required``)
      or with a body of another media type (415), instead of reading it as ``{}``.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    apidoc = getattr(view, "_apidoc", None)
    if not apidoc:
        return
    security = apidoc.get("manual_doc", {}).get("security")
    roles = getattr(view, "linli_required_roles", None)
    if roles is not None or (security is not None and {} not in security):
        identity = require_identity()
        if roles and not identity.has_role(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.", code="missing_role")
    for parameter in apidoc.get("arguments", {}).get("parameters", ()):
        if parameter.get("in") != "json" or not parameter.get("required"):
            continue
        if not request.get_data(cache=True).strip():
            raise BadRequest("This operation needs a JSON body.", code="body_required")
        if not request.is_json:
            raise Problem("Send the body as application/json.", code="unsupported_media_type",
                          title="Unsupported Media Type", status=415)


def init_api(app: Flask, *, title: str, version: str, description: str, blueprints: list[SmorestBlueprint]) -> Api:
    app.config.setdefault("API_TITLE", title)
    app.config.setdefault("API_VERSION", version)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", None)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": description},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    })
    api = LinliApi(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return api
