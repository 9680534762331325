"""Route of the hub's summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.hub.summary import service
from linli.hub.summary.schemas import HubSummarySchema
from linli.shared.api import problems
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.summary import NOT_MODIFIED, SummaryQuerySchema, conditional

blp = Blueprint("hub_summary_api", __name__, url_prefix="/api/summary",
                description="The hub's figures for the committee dashboard")


@blp.get("")
@blp.arguments(SummaryQuerySchema, location="query")
@blp.response(200, HubSummarySchema)
@blp.alt_response(304, description=NOT_MODIFIED)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def summary(query: dict[str, Any]) -> Any:
    """Room use and round results, volunteers on duty, front desk and who is out, visits due and overdue."""
    return conditional(HubSummarySchema(), service.summary(require_identity(), **query))
