"""Feedback schemas: the API's only validation."""

import marshmallow as ma
from marshmallow import validates_schema

from linli.shared.api import Schema

Id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class RatingInSchema(Schema):
    dish_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    rating = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=5))


class FeedbackCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(("kiosk", "phone", "counter")))
    order_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    ref = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                           metadata={"description": "The order's pickup reference (kiosk receipt), when not signed in"})
    ratings = ma.fields.List(ma.fields.Nested(RatingInSchema), load_default=list, validate=ma.validate.Length(max=30))
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    complaint = ma.fields.Boolean(load_default=False, metadata={"description": "A food-safety complaint: opens a case"})
    complaint_dish_id = ma.fields.Integer(load_default=None, allow_none=True,
                                          validate=ma.validate.Range(min=1, max=2**31 - 1))

    @validates_schema
    def _order_for_diners(self, data, **kwargs):
        if data.get("channel") in ("kiosk", "phone") and data.get("order_id") is None:
            raise ma.ValidationError("Diners rate an order: give order_id.", "order_id")


class RaiseSchema(Schema):
    dish_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))


class RatingSchema(Schema):
    dish_id = ma.fields.Integer()
    rating = ma.fields.Integer()


class FeedbackSchema(Schema):
    id = ma.fields.Integer()
    ref = ma.fields.String(metadata={"description": "The diner's receipt for the status page"})
    community_id = ma.fields.String()
    order_id = ma.fields.Integer(allow_none=True)
    diner_id = ma.fields.String(allow_none=True)
    channel = ma.fields.String()
    comment = ma.fields.String()
    is_complaint = ma.fields.Boolean()
    dish_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    complaint_state = ma.fields.String(allow_none=True, metadata={"description": "raised, taken_up (a case was opened)"})
    case_reference = ma.fields.String(allow_none=True)
    case_state = ma.fields.String(allow_none=True)
    ratings = ma.fields.List(ma.fields.Nested(RatingSchema))


class FeedbackQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    complaints_only = ma.fields.Boolean(load_default=False)
