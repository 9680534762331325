"""Routes of the daily clearance board (日日清)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.cases.clearance import service
from linli.cases.clearance.schemas import (
    BoardQuerySchema,
    BoardSchema,
    WeeklyQuerySchema,
    WeekSchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("clearance", __name__, url_prefix="/api/clearance", description="Daily clearance board (日日清)")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.get("/board")
@blp.arguments(BoardQuerySchema, location="query")
@blp.response(200, BoardSchema)
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def board(query: dict[str, Any]) -> Any:
    """Open cases by their next due milestone, with SLA timers, and today's appointments."""
    return service.board(require_identity(), query["community_id"], assigned_to=query["assigned_to"],
                         limit=query["limit"]).as_dict()


@blp.get("/weekly")
@blp.arguments(WeeklyQuerySchema, location="query")
@blp.response(200, WeekSchema(many=True))
@blp.doc(security=BEARER)
@require_roles(*STAFF_ROLES)
def weekly(query: dict[str, Any]) -> Any:
    """Cases opened, resolved and milestones missed per week (Monday to Sunday, Shanghai)."""
    return service.weekly(require_identity(), query["community_id"], weeks=query["weeks"])
