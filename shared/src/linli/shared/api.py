"""flask-smorest wiring: one Api per service, ``/openapi.json``, problem+json for every error."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response

from linli.shared.errors import PROBLEM_MIMETYPE, handle_http_exception


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the body of every error response."""

    type = ma.fields.String(metadata={"description": "URI naming the kind of problem"})
    title = ma.fields.String(metadata={"description": "Short human-readable summary"})
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    detail = ma.fields.String(metadata={"description": "What happened here"})
    code = ma.fields.String(metadata={"description": "Machine-readable kind, e.g. sold_out"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.Dict(metadata={"description": "Field-by-field validation messages"})


class LinliApi(Api):
    """An Api whose errors are problem+json, also in its OpenAPI document."""

    ERROR_SCHEMA = ProblemSchema

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
    """Base input/output schema: unknown fields are refused (422), never silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


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
