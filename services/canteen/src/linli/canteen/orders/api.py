"""Routes of orders: place (anonymous at a kiosk allowed), read, QR code, cancel."""

from __future__ import annotations

from flask import Response, url_for
from flask_smorest import Blueprint

from linli.canteen.orders import service
from linli.canteen.orders.schemas import (
    OrderCreateSchema,
    OrderQuerySchema,
    OrderRefQuerySchema,
    OrderSchema,
)
from linli.shared.auth import current_identity, require_identity
from linli.shared.limits import caller_key, rate_limit

blp = Blueprint("canteen_orders_api", __name__, url_prefix="/api/orders",
                description="Orders (订单): lines of dishes (full/half), set meals, retail goods; pickup number")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {}]


@blp.post("")
@blp.arguments(OrderCreateSchema())
@blp.response(201, OrderSchema)
@blp.doc(security=SECURITY)
def place_order(data):
    """Place an order; stock is reserved until it is paid or expires (LINLI_ORDER_EXPIRY_MINUTES).

    Prices are computed here. Errors: 409 ``sold_out``, 409 ``ordering_closed``, 422 ``unknown_dish``,
    ``no_half_portion``, ``invalid_choice``, 403 ``wrong_community``. No token = anonymous (kiosk)."""
    identity = current_identity()
    rate_limit("order", caller_key(identity))  # 429 with Retry-After (LINLI_ORDER_RATE_LIMIT)
    order = service.place_order(identity, **data)
    return order, 201, {"Location": url_for("canteen_orders_api.get_order", order_id=order.id)}


@blp.get("")
@blp.arguments(OrderQuerySchema, location="query")
@blp.response(200, OrderSchema(many=True))
@blp.doc(security=[{"bearer": []}])
def list_orders(query):
    """Staff: a community's orders; a diner: their own. Newest first."""
    return service.list_orders(require_identity(), community_id=query["community_id"], diner_id=query["diner_id"],
                               pickup_date=query["date"], state=query["state"], limit=query["limit"])


@blp.get("/<int:order_id>")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, OrderSchema)
@blp.doc(security=SECURITY)
def get_order(query, order_id):
    """One order, for its diner, staff, or whoever holds its pickup reference (``?ref=``)."""
    return service.access_order(current_identity(), order_id, query["ref"])


@blp.get("/by-ref/<pickup_ref>")
@blp.response(200, OrderSchema)
def get_order_by_ref(pickup_ref):
    """The order behind a pickup reference (the QR code's content)."""
    return service.find_by_ref(pickup_ref)


@blp.get("/<int:order_id>/qr.svg")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, content_type="image/svg+xml", description="QR code of the pickup reference")
@blp.doc(security=SECURITY)
def order_qr(query, order_id):
    """The order's QR code (SVG), shown with the pickup number and scanned at the counter."""
    order = service.access_order(current_identity(), order_id, query["ref"])
    return Response(service.qr_svg(order), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@blp.post("/<int:order_id>/cancel")
@blp.arguments(OrderRefQuerySchema, location="query")
@blp.response(200, OrderSchema)
@blp.doc(security=SECURITY)
def cancel_order(query, order_id):
    """Cancel an unpaid order; its stock goes back. (A paid order is refunded through payments.)"""
    return service.cancel_order(current_identity(), order_id, query["ref"])
