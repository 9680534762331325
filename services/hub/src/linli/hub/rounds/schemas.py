import marshmallow as ma

from linli.shared.api import Schema, TimeRangeSchema


class SlotInSchema(TimeRangeSchema):
    room_id = ma.fields.Integer(required=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)


class RoundCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    closes_at = ma.fields.AwareDateTime(required=True)
    weekly_quota = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=14))
    seed = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=2**48))
    slots = ma.fields.List(ma.fields.Nested(SlotInSchema), required=True, validate=ma.validate.Length(min=1, max=200))


class SlotSchema(Schema):
    id = ma.fields.Integer()
    room_id = ma.fields.Integer()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    winner_team_id = ma.fields.Integer(allow_none=True)
    booking_id = ma.fields.Integer(allow_none=True)


class RoundSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    title = ma.fields.String()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    closes_at = ma.fields.DateTime()
    status = ma.fields.String()
    seed = ma.fields.Integer()
    weekly_quota = ma.fields.Integer()
    allocated_at = ma.fields.DateTime(allow_none=True)
    slots = ma.fields.List(ma.fields.Nested(SlotSchema))


class RoundQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    status = ma.fields.String(validate=ma.validate.OneOf(("open", "allocated", "cancelled")))


class RequestsInSchema(Schema):
    team_id = ma.fields.Integer(required=True)
    slot_ids = ma.fields.List(ma.fields.Integer(), required=True, validate=ma.validate.Length(min=1, max=50),
                              metadata={"description": "Ranked: the first is the team's first choice"})


class RequestSchema(Schema):
    id = ma.fields.Integer()
    team_id = ma.fields.Integer()
    slot_id = ma.fields.Integer()
    rank = ma.fields.Integer()


class DecisionQuerySchema(Schema):
    team_id = ma.fields.Integer(load_default=None)


class DecisionSchema(Schema):
    id = ma.fields.Integer()
    team_id = ma.fields.Integer()
    slot_id = ma.fields.Integer()
    request_id = ma.fields.Integer()
    outcome = ma.fields.String(metadata={"description": "won | lost | quota | unavailable"})
    reason = ma.fields.String()
    detail = ma.fields.Dict()
