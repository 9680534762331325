"""Routes of teams."""

from flask_smorest import Blueprint

from linli.hub.teams import service
from linli.hub.teams.schemas import MemberSchema, TeamCreateSchema, TeamQuerySchema, TeamSchema
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("teams", __name__, url_prefix="/api/teams", description="Resident teams (团队)")


@blp.get("")
@blp.arguments(TeamQuerySchema, location="query")
@blp.response(200, TeamSchema(many=True))
@blp.doc(security=[{"bearer": []}])
def list_teams(query):
    """Teams of one community (members of that community)."""
    require_identity().require_community(query["community_id"])
    return service.list_teams(query["community_id"])


@blp.post("")
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def create_team(data):
    """Register a team with its lead."""
    return service.create_team(require_identity(), **data)


@blp.post("/<int:team_id>/members")
@blp.arguments(MemberSchema)
@blp.response(201, MemberSchema)
@blp.doc(security=[{"bearer": []}])
def add_member(data, team_id):
    """Add a member (the team's lead or staff)."""
    return service.add_member(require_identity(), team_id, **data)
