import marshmallow as ma

from linli.shared.api import Schema


class SummaryRoomNowSchema(Schema):
    room_id = ma.fields.Integer()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()


class RoomsSummarySchema(Schema):
    rooms = ma.fields.Integer()
    bookings = ma.fields.Integer(metadata={"description": "Bookings in the range (rooms' calendars)"})
    hours_booked = ma.fields.Float()
    in_use_now = ma.fields.List(ma.fields.Nested(SummaryRoomNowSchema))


class RoundSummarySchema(Schema):
    round_id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    closes_at = ma.fields.AwareDateTime()
    slots = ma.fields.Integer()
    contested_slots = ma.fields.Integer(metadata={"description": "Slots more than one team asked for"})
    requests = ma.fields.Integer()
    won = ma.fields.Integer()
    not_granted = ma.fields.Integer()


class SummaryShiftSchema(Schema):
    shift_id = ma.fields.Integer()
    template_code = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    headcount = ma.fields.Integer()
    taken = ma.fields.Integer()


class VolunteersSummarySchema(Schema):
    shifts = ma.fields.Integer()
    places = ma.fields.Integer()
    on_duty = ma.fields.Integer(metadata={"description": "Places taken (signed up or attended)"})
    unfilled_shifts = ma.fields.Integer()
    waste_room_on_duty = ma.fields.Integer()
    waste_room_places = ma.fields.Integer()
    list = ma.fields.List(ma.fields.Nested(SummaryShiftSchema), metadata={"description": "The first 12 shifts"})


class SummarySeatSchema(Schema):
    name = ma.fields.String()
    covering_for = ma.fields.String(allow_none=True)


class SummaryOutSchema(Schema):
    name = ma.fields.String()
    duty = ma.fields.String()
    place = ma.fields.String(allow_none=True)


class PeriodSummarySchema(Schema):
    period = ma.fields.String()
    at_desk = ma.fields.List(ma.fields.Nested(SummarySeatSchema))
    out = ma.fields.List(ma.fields.Nested(SummaryOutSchema))
    uncovered = ma.fields.Boolean()


class RosterSummarySchema(Schema):
    day = ma.fields.Date()
    periods = ma.fields.List(ma.fields.Nested(PeriodSummarySchema))
    flags = ma.fields.List(ma.fields.String(), metadata={"description": "Uncovered lines and desk periods"})
    absent = ma.fields.Integer()
    lines_covered_by_b = ma.fields.Integer()


class VisitsSummarySchema(Schema):
    households = ma.fields.Integer()
    special = ma.fields.Integer()
    never = ma.fields.Integer()
    overdue = ma.fields.Integer()
    overdue_special = ma.fields.Integer()
    due_today = ma.fields.Integer()
    due_this_week = ma.fields.Integer()
    visits_last_7_days = ma.fields.Integer()


class HubSummarySchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    rooms = ma.fields.Nested(RoomsSummarySchema)
    rounds = ma.fields.List(ma.fields.Nested(RoundSummarySchema), metadata={"description": "Rounds closing in the range"})
    volunteers = ma.fields.Nested(VolunteersSummarySchema)
    roster = ma.fields.Nested(RosterSummarySchema)
    visits = ma.fields.Nested(VisitsSummarySchema, allow_none=True,
                              metadata={"description": "Visits overview totals; null unless the caller is a manager"})
