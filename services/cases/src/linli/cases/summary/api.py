"""Route of the cases service's summary for the committee dashboard (conditional GET with an ETag)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.cases.summary import service
from linli.cases.summary.schemas import CasesSummarySchema
from linli.shared.api import problems
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.summary import NOT_MODIFIED, SummaryQuerySchema, conditional

blp = Blueprint("cases_summary_api", __name__, url_prefix="/api/summary",
                description="The cases service's figures for the committee dashboard")


@blp.get("")
@blp.arguments(SummaryQuerySchema, location="query")
@blp.response(200, CasesSummarySchema)
@blp.alt_response(304, description=NOT_MODIFIED)
@problems(blp, 401, 403, 404, 422)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def summary(query: dict[str, Any]) -> Any:
    """Open and overdue cases (daily clearance), opened and resolved per week, polls closing this week."""
    return conditional(CasesSummarySchema(), service.summary(require_identity(), **query))
