"""Routes of rooms: list, create, blackouts (a room's bookings feed is in ``bookings.api``)."""

from flask_smorest import Blueprint

from linli.hub.rooms import service
from linli.hub.rooms.schemas import BlackoutSchema, RoomCreateSchema, RoomQuerySchema, RoomSchema
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles

blp = Blueprint("rooms", __name__, url_prefix="/api/rooms", description="Rooms of the hub (活动室, 谈心室, ...)")


@blp.get("")
@blp.arguments(RoomQuerySchema, location="query")
@blp.response(200, RoomSchema(many=True))
def list_rooms(query):
    """Rooms of one community."""
    return service.list_rooms(query["community_id"])


@blp.post("")
@blp.arguments(RoomCreateSchema)
@blp.response(201, RoomSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def create_room(data):
    """Add a room (staff of its community)."""
    return service.create_room(require_identity(), **data)


@blp.get("/<int:room_id>")
@blp.response(200, RoomSchema)
def get_room(room_id):
    """One room with its blackout periods."""
    return service.get_room(room_id)


@blp.post("/<int:room_id>/blackouts")
@blp.arguments(BlackoutSchema)
@blp.response(201, BlackoutSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def add_blackout(data, room_id):
    """Close the room for a period (repairs, cleaning, holidays)."""
    return service.add_blackout(require_identity(), room_id, **data)
