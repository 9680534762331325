"""Routes of bookings, and each room's bookings as an iCalendar feed."""

from flask import Response
from flask_smorest import Blueprint

from linli.hub.bookings import calendar, service
from linli.hub.bookings.schemas import (
    BookingCreateSchema,
    BookingQuerySchema,
    BookingResultSchema,
    BookingSchema,
)
from linli.hub.rooms.service import get_room
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles

blp = Blueprint("bookings", __name__, url_prefix="/api/bookings", description="Room bookings, never overlapping")
feeds = Blueprint("room_feeds", __name__, url_prefix="/api/rooms", description="Each room's bookings as iCalendar")


@blp.post("")
@blp.arguments(BookingCreateSchema)
@blp.response(201, BookingResultSchema)
@blp.alt_response(409, description="The time is taken (or held for an open round)")
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES, "team_lead")
def create_booking(data):
    """Book a room once or weekly; weeks that are taken or closed are skipped and listed."""
    return service.create_booking(require_identity(), **data)


@blp.get("")
@blp.arguments(BookingQuerySchema, location="query")
@blp.response(200, BookingSchema(many=True))
def list_bookings(query):
    """Active bookings of a room in a time window."""
    return service.list_bookings(current_identity(), **query)


@blp.post("/<int:booking_id>/cancel")
@blp.response(200, BookingSchema)
@blp.doc(security=[{"bearer": []}])
def cancel_booking(booking_id):
    """Cancel a booking; the time is free again at once."""
    return service.cancel_booking(require_identity(), booking_id)


@blp.post("/<int:booking_id>/approve")
@blp.response(200, BookingSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def approve_booking(booking_id):
    """Approve a pending booking (rooms that need staff approval)."""
    return service.decide_booking(require_identity(), booking_id, approve=True)


@blp.post("/<int:booking_id>/reject")
@blp.response(200, BookingSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def reject_booking(booking_id):
    """Reject a pending booking."""
    return service.decide_booking(require_identity(), booking_id, approve=False)


@feeds.get("/<int:room_id>/calendar.ics")
@feeds.response(200, content_type="text/calendar")
def room_calendar(room_id):
    """The room's bookings as an iCalendar (RFC 5545) feed."""
    body = calendar.room_feed(get_room(room_id))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": f'inline; filename="room-{room_id}.ics"'})
