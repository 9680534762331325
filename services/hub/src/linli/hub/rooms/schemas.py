import marshmallow as ma

from linli.hub.rooms.models import ROOM_KINDS
from linli.shared.api import Schema, TimeRangeSchema


class RoomCreateSchema(TimeRangeSchema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(ROOM_KINDS)))
    capacity = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=10000))
    equipment = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=64)), load_default=list)
    open_weekdays = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(0, 6)),
                                   load_default=lambda: list(range(7)))
    opens_at = ma.fields.Time(load_default=None)
    closes_at = ma.fields.Time(load_default=None)
    requires_approval = ma.fields.Boolean(load_default=False)

    RANGE = ("opens_at", "closes_at")

    @ma.post_load
    def drop_missing_hours(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None or k not in ("opens_at", "closes_at")}


class BlackoutSchema(TimeRangeSchema):
    id = ma.fields.Integer(dump_only=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class RoomSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    kind = ma.fields.String()
    capacity = ma.fields.Integer()
    equipment = ma.fields.List(ma.fields.String())
    open_weekdays = ma.fields.List(ma.fields.Integer())
    opens_at = ma.fields.Time()
    closes_at = ma.fields.Time()
    requires_approval = ma.fields.Boolean()
    blackouts = ma.fields.List(ma.fields.Nested(BlackoutSchema))


class RoomQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
