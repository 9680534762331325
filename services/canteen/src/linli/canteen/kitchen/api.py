"""Routes of the kitchen queue (staff). Poll ``GET /queue`` with If-None-Match: 304 until something changes."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from linli.canteen.kitchen import service
from linli.canteen.kitchen.schemas import (
    AdvanceSchema,
    CollectSchema,
    QueueQuerySchema,
    QueueSchema,
)
from linli.canteen.orders.schemas import OrderSchema
from linli.shared.auth import STAFF_ROLES, require_identity, require_roles
from linli.shared.localtime import local_today

blp = Blueprint("canteen_kitchen_api", __name__, url_prefix="/api/kitchen",
                description="Kitchen queue: paid orders by meal service; preparing → ready → collected")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.get("/queue")
@blp.arguments(QueueQuerySchema, location="query")
@blp.response(200, QueueSchema)
@blp.alt_response(304, description="Nothing changed since the ETag sent in If-None-Match")
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def kitchen_queue(query):
    """Paid orders to make and hand over, oldest first, with counts by state.

    Pages poll this (e.g. htmx every 3 s) sending ``If-None-Match``; the answer is 304 until an
    order of that day is placed, paid or moves on."""
    identity = require_identity()
    community_id, meal_service_id = query["community_id"], query["meal_service_id"]
    identity.require_community(community_id)
    day = query["date"] or local_today()
    etag = service.queue_etag(community_id, day, meal_service_id)
    headers = {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    orders = service.queue(identity, community_id=community_id, pickup_date=day, meal_service_id=meal_service_id,
                           include_collected=query["include_collected"])
    counts: dict[str, int] = {}
    for order in orders:
        counts[order.state] = counts.get(order.state, 0) + 1
    body = {"community_id": community_id, "date": day, "meal_service_id": meal_service_id, "etag": etag,
            "counts": counts, "orders": orders}
    return body, 200, headers


@blp.post("/orders/<int:order_id>/advance")
@blp.arguments(AdvanceSchema)
@blp.response(200, OrderSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def advance(data, order_id):
    """Move a paid order to preparing, ready or collected (409 ``invalid_transition`` otherwise)."""
    return service.advance(require_identity(), order_id, data["state"])


@blp.post("/collect")
@blp.arguments(CollectSchema)
@blp.response(200, OrderSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def collect(data):
    """Hand an order over by its scanned pickup reference (QR code)."""
    return service.collect_by_ref(require_identity(), data["pickup_ref"])
