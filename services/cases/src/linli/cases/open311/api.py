"""Open311 GeoReport v2 at ``/open311/v2/...``: any standard client works against it unchanged.

Routes read as the standard's: ``services.{format}``, ``services/{service_code}.{format}``,
``requests.{format}`` (GET, POST with ``api_key``), ``requests/{service_request_id}.{format}``,
``tokens/{token}.{format}`` and ``discovery.{format}``; format ``json`` or ``xml``. Every error is
in Open311's format (``[{"code": 400, "description": "..."}]``), not problem+json.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from werkzeug.exceptions import HTTPException

from linli.cases.open311 import service
from linli.cases.open311.formats import render
from linli.shared.errors import Problem
from linli.shared.limits import client_address, rate_limit

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMAT = "<any(json, xml):fmt>"


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _jurisdiction() -> str:
    return service.jurisdiction(request.values.get("jurisdiction_id"))


@blp.errorhandler(service.Open311Error)
def open311_error(error: service.Open311Error) -> Response:
    return render("errors", [{"code": error.status, "description": error.description}], _fmt(), error.status)


@blp.errorhandler(Problem)
def problem_error(error: Problem) -> Response:
    response = render("errors", [{"code": error.status, "description": error.detail or error.title}], _fmt(),
                      error.status)
    response.headers.update(error.headers)  # e.g. Retry-After of a 429
    return response


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 400
    return render("errors", [{"code": status, "description": error.description or error.name}], _fmt(), status)


@blp.get(f"/discovery.{FORMAT}")
def discovery(fmt: str) -> Response:
    """Where the endpoint is and what it speaks (GeoReport's service discovery)."""
    url = url_for(".list_services", fmt="json", _external=True).rsplit("/", 1)[0] + "/"
    body: dict[str, Any] = {"changeset": "2026-12-01T00:00:00Z", "contact": "Linli residents' committees",
                            "key_service": "Ask the residents' committee for an api_key",
                            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url,
                                           "changeset": "2026-12-01T00:00:00Z", "type": "production",
                                           "formats": ["application/json", "text/xml"]}]}
    return render("discovery", body, fmt)


@blp.get(f"/services.{FORMAT}")
def list_services(fmt: str) -> Response:
    return render("services", service.list_services(_jurisdiction()), fmt)


@blp.get(f"/services/<service_code>.{FORMAT}")
def service_definition(service_code: str, fmt: str) -> Response:
    return render("service_definition", service.service_definition(_jurisdiction(), service_code), fmt)


@blp.post(f"/requests.{FORMAT}")
def post_request(fmt: str) -> Response:
    rate_limit("open311", request.values.get("api_key", ""), client_address())  # LINLI_OPEN311_RATE_LIMIT
    community_id = _jurisdiction()
    posted = service.parse_request(request.form)
    return render("requests", service.post_request(community_id, request.values.get("api_key"), posted), fmt)


@blp.get(f"/requests.{FORMAT}")
def list_requests(fmt: str) -> Response:
    args = request.args
    return render("requests", service.list_requests(
        _jurisdiction(), service_request_id=args.get("service_request_id"), service_code=args.get("service_code"),
        start_date=args.get("start_date"), end_date=args.get("end_date"), status=args.get("status")), fmt)


@blp.get(f"/requests/<request_id>.{FORMAT}")
def get_request(request_id: str, fmt: str) -> Response:
    return render("requests", service.get_request(_jurisdiction(), request_id), fmt)


@blp.get(f"/tokens/<token>.{FORMAT}")
def resolve_token(token: str, fmt: str) -> Response:
    return render("tokens", service.resolve_token(_jurisdiction(), token), fmt)
