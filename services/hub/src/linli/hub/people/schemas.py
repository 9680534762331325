import marshmallow as ma
from flask import current_app

from linli.hub.people.ages import age_band, age_bands
from linli.hub.people.models import GROUPS
from linli.shared.api import Schema
from linli.shared.localtime import local_today
from linli.shared.state import service_state


class HouseholdCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    compound = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    building = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    unit = ma.fields.String(load_default="", validate=ma.validate.Length(max=32))
    room = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class ResidentCreateSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    gender = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(("f", "m", "x")))
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32))
    languages = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=2, max=32)), load_default=["zh"])
    groups = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(tuple(GROUPS))), load_default=list)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))

    @ma.validates("birth_date")
    def not_in_future(self, value, **kwargs):
        if value is not None and value > local_today():
            raise ma.ValidationError("is in the future")


class ResidentSchema(Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    name = ma.fields.String()
    gender = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    age_band = ma.fields.Method("get_age_band", metadata={"description": "e.g. 80+, from the community's bands"})
    phone = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    groups = ma.fields.List(ma.fields.String())
    note = ma.fields.String()

    def get_age_band(self, resident):
        community = service_state(current_app).communities.require(resident.community_id)
        return age_band(resident.birth_date, age_bands(community))


class HouseholdSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    compound = ma.fields.String()
    building = ma.fields.String()
    unit = ma.fields.String()
    room = ma.fields.String()
    address = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    residents = ma.fields.List(ma.fields.Nested(ResidentSchema))


class HouseholdQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    group = ma.fields.String(load_default=None, validate=ma.validate.OneOf(tuple(GROUPS)))


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor = ma.fields.String()
    action = ma.fields.String()
    subject_type = ma.fields.String()
    subject_id = ma.fields.String()
    request_id = ma.fields.String(allow_none=True)
    detail = ma.fields.Dict(allow_none=True)


class AuditQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
