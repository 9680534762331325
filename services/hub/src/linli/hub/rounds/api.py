"""Routes of booking rounds: open, request, close, explain."""

from flask_smorest import Blueprint

from linli.hub.rounds import service
from linli.hub.rounds.schemas import (
    DecisionQuerySchema,
    DecisionSchema,
    RequestSchema,
    RequestsInSchema,
    RoundCreateSchema,
    RoundQuerySchema,
    RoundSchema,
)
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("rounds", __name__, url_prefix="/api/rounds",
                description="Booking rounds: fair allocation of contested room slots")


@blp.post("")
@blp.arguments(RoundCreateSchema)
@blp.response(201, RoundSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def create_round(data):
    """Open a round offering slots; teams request them until ``closes_at``."""
    slots = [service.SlotSpec(**slot) for slot in data.pop("slots")]
    return service.create_round(require_identity(), slots=slots, **data)


@blp.get("")
@blp.arguments(RoundQuerySchema, location="query")
@blp.response(200, RoundSchema(many=True))
@blp.doc(security=[{"bearer": []}])
def list_rounds(query):
    """Rounds of one community, latest first."""
    require_identity().require_community(query["community_id"])
    return service.list_rounds(**query)


@blp.get("/<int:round_id>")
@blp.response(200, RoundSchema)
@blp.doc(security=[{"bearer": []}])
def get_round(round_id):
    """One round with its slots (and winners once decided)."""
    round_ = service.get_round(round_id)
    require_identity().require_community(round_.community_id)
    return round_


@blp.put("/<int:round_id>/requests")
@blp.arguments(RequestsInSchema)
@blp.response(200, RequestSchema(many=True))
@blp.doc(security=[{"bearer": []}])
@require_roles("team_lead", *STAFF_ROLES)
def submit_requests(data, round_id):
    """Set a team's ranked requests (replaces earlier ones) while the round is open."""
    return service.submit_requests(require_identity(), round_id, **data)


@blp.post("/<int:round_id>/close")
@blp.response(200, RoundSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def close_round(round_id):
    """Close the round now and allocate (otherwise ``tick`` does it at the deadline)."""
    return service.close_round(require_identity(), round_id)


@blp.get("/<int:round_id>/decisions")
@blp.arguments(DecisionQuerySchema, location="query")
@blp.response(200, DecisionSchema(many=True))
@blp.doc(security=[{"bearer": []}])
def decisions(query, round_id):
    """Every decision with its reason; a team lead sees their own team's."""
    return service.decisions_for(require_identity(), round_id, **query)
