"""Routes of diner feedback: rate an order, staff list and raise complaints, a receipt's status."""

from __future__ import annotations

from flask_smorest import Blueprint

from linli.canteen.feedback import service
from linli.canteen.feedback.schemas import (
    FeedbackCreateSchema,
    FeedbackQuerySchema,
    FeedbackSchema,
    RaiseSchema,
)
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles

blp = Blueprint("canteen_feedback_api", __name__, url_prefix="/api/feedback",
                description="Diner feedback (俯身倾听): dish ratings, comments, food-safety complaints")
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


@blp.post("")
@blp.arguments(FeedbackCreateSchema)
@blp.response(201, FeedbackSchema)
@blp.doc(security=[{}, {"bearer": []}])
def create(data):
    """Rate the dishes of a collected order (1–5) and comment; ``complaint`` raises a food-safety
    complaint at once. Diners give the order's id (and its pickup reference when not signed in);
    counter staff may type a card without an order. One feedback per order."""
    return service.submit(current_identity(), **data)


@blp.get("")
@blp.arguments(FeedbackQuerySchema, location="query")
@blp.response(200, FeedbackSchema(many=True))
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def listing(query):
    """Feedback received in a date range (newest first)."""
    return service.listing(require_identity(), **query)


@blp.post("/<int:feedback_id>/complaint")
@blp.arguments(RaiseSchema)
@blp.response(200, FeedbackSchema)
@blp.doc(security=SECURITY)
@require_roles(*STAFF_ROLES)
def raise_complaint(data, feedback_id):
    """Pass a comment on to the residents' committee as a food-safety complaint (opens one case)."""
    return service.raise_complaint(require_identity(), feedback_id, **data)


@blp.get("/receipts/<ref>")
@blp.response(200, FeedbackSchema)
@blp.doc(security=[{}])
def receipt(ref):
    """What happened to one's feedback, by its receipt reference: raised, taken up as case …"""
    return service.by_ref(ref)
