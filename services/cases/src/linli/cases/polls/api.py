"""Routes of polls (居民意愿征询): open, list, vote once per household, results with turnout."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from linli.cases.polls import service
from linli.cases.polls.schemas import (
    PollCreateSchema,
    PollQuerySchema,
    PollSchema,
    ResultsSchema,
    VoteInSchema,
    VoteSchema,
)
from linli.shared.auth import require_identity, require_roles

blp = Blueprint("polls", __name__, url_prefix="/api/polls", description="Opinion polls (居民意愿征询)")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("")
@blp.arguments(PollCreateSchema)
@blp.response(201, PollSchema)
@blp.doc(security=BEARER)
@require_roles(*service.STAFF_ROLES)
def create_poll(data: dict[str, Any]) -> Any:
    """Open a poll before a project, optionally attached to the case it informs."""
    return service.create_poll(require_identity(), **data)


@blp.get("")
@blp.arguments(PollQuerySchema, location="query")
@blp.response(200, PollSchema(many=True))
def list_polls(query: dict[str, Any]) -> Any:
    """A community's polls, latest closing first (public)."""
    return service.list_polls(query["community_id"])


@blp.post("/<int:poll_id>/votes")
@blp.arguments(VoteInSchema)
@blp.response(201, VoteSchema)
@blp.doc(security=BEARER)
def vote(data: dict[str, Any], poll_id: int) -> Any:
    """One vote per household (409 already_voted for a second)."""
    return service.vote(require_identity(), poll_id, **data)


@blp.get("/<int:poll_id>/results")
@blp.response(200, ResultsSchema)
def results(poll_id: int) -> Any:
    """Votes per option and turnout among the community's households (public)."""
    return service.results(poll_id).as_dict()
