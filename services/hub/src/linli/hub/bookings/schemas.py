import marshmallow as ma

from linli.shared.api import Schema, TimeRangeSchema


class BookingCreateSchema(TimeRangeSchema):
    room_id = ma.fields.Integer(required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    title = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    team_id = ma.fields.Integer(load_default=None, allow_none=True)
    weeks = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=26),
                              metadata={"description": "1 = one-off; n = the same time weekly for n weeks"})


class BookingSchema(Schema):
    id = ma.fields.Integer()
    room_id = ma.fields.Integer()
    community_id = ma.fields.String()
    team_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    status = ma.fields.String()
    series_id = ma.fields.String(allow_none=True)
    round_id = ma.fields.Integer(allow_none=True)


class SkippedSchema(Schema):
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    code = ma.fields.String()
    reason = ma.fields.String()


class BookingResultSchema(Schema):
    bookings = ma.fields.List(ma.fields.Nested(BookingSchema))
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema))


class BookingQuerySchema(TimeRangeSchema):
    room_id = ma.fields.Integer(required=True)
    start = ma.fields.AwareDateTime(required=True)
    end = ma.fields.AwareDateTime(required=True)

    RANGE = ("start", "end")
