import marshmallow as ma

from linli.shared.api import Schema

CATEGORIES = ("food_safety", "facilities", "environment", "safety", "neighbourhood", "services", "other")


class CaseCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=200))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(CATEGORIES))


class CaseSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    category = ma.fields.String()
    state = ma.fields.String()
    opened_by = ma.fields.String()
    source = ma.fields.String()
    source_ref = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class CaseQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    state = ma.fields.String(validate=ma.validate.OneOf(("open", "consulting", "resolving", "resolved", "closed")))
