"""Route of the canteen's summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.canteen.summary import service
from linli.canteen.summary.schemas import CanteenSummarySchema
from linli.shared.api import problems
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.summary import NOT_MODIFIED, SummaryQuerySchema, conditional

blp = Blueprint("canteen_summary_api", __name__, url_prefix="/api/summary",
                description="The canteen's figures for the committee dashboard")


@blp.get("")
@blp.arguments(SummaryQuerySchema, location="query")
@blp.response(200, CanteenSummarySchema)
@blp.alt_response(304, description=NOT_MODIFIED)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def summary(query: dict[str, Any]) -> Any:
    """Covers, takings, waste per cover against the target and ratings, for a community and dates."""
    return conditional(CanteenSummarySchema(), service.summary(require_identity(), **query))
