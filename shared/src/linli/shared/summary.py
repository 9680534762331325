"""What the three services' summary APIs share (the committee dashboard reads them): the query
(a community and a date range, today by default) and the conditional GET (a strong ETag over the
JSON body; ``If-None-Match`` that matches answers 304 with no body)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import post_load, validates_schema

from linli.shared.api import Schema, problems
from linli.shared.auth import STAFF_ROLES, Identity, require_identity, require_roles
from linli.shared.localtime import local_today

MAX_DAYS = 92
NOT_MODIFIED = "Not modified: the ETag sent in If-None-Match still matches"


class SummaryQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    date_from = ma.fields.Date(metadata={"description": "First day (Shanghai); default today"})
    date_to = ma.fields.Date(metadata={"description": "Last day (Shanghai); default date_from, else today"})

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        first, last = data.get("date_from"), data.get("date_to")
        if first and last:
            if first > last:
                raise ma.ValidationError("date_from must not be after date_to.", "date_to")
            if (last - first).days >= MAX_DAYS:
                raise ma.ValidationError(f"At most {MAX_DAYS} days.", "date_to")

    @post_load
    def _defaults(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Either day alone is that one day; neither is today."""
        first = data.get("date_from") or data.get("date_to") or local_today()
        data["date_from"], data["date_to"] = first, data.get("date_to") or first
        return data


def conditional(schema: ma.Schema, data: Any) -> Response:
    """``data`` serialised by ``schema`` with its ETag, or an empty 304 when the caller has it."""
    body = current_app.json.dumps(schema.dump(data)).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    return Response(body, status=200, mimetype="application/json", headers=headers)


def summary_blueprint(service: str, description: str, schema: type[ma.Schema],
                      summarise: Callable[..., Any], doc: str) -> Blueprint:
    """A service's ``GET /api/summary``: staff of the community, the query above, ``summarise(identity,
    community_id=, date_from=, date_to=)`` dumped by ``schema`` with an ETag; ``doc`` is what it holds."""
    blp = Blueprint(f"{service}_summary_api", __name__, url_prefix="/api/summary", description=description)

    @blp.get("")
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, schema)
    @blp.alt_response(304, description=NOT_MODIFIED)
    @problems(blp, 401, 403, 404, 422)
    @blp.doc(security=[{"bearer": []}], summary=doc)
    @require_roles(*STAFF_ROLES)
    def summary(query: dict[str, Any]) -> Any:
        identity: Identity = require_identity()
        return conditional(schema(), summarise(identity, **query))

    return blp
