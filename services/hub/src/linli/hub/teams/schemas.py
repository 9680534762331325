import marshmallow as ma

from linli.shared.api import Schema


class TeamCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    lead_account_id = ma.fields.Integer(load_default=None, allow_none=True)


class MemberSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    account_id = ma.fields.Integer(load_default=None, allow_none=True)


class TeamSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description = ma.fields.String()
    lead_account_id = ma.fields.Integer(allow_none=True)
    members = ma.fields.List(ma.fields.Nested(MemberSchema))


class TeamQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
