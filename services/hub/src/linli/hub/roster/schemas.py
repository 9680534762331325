import marshmallow as ma

from linli.hub.roster.models import ABSENCE_KINDS, DUTIES, PERIODS
from linli.shared.api import Schema


class CommunityQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))


class StaffCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    account_id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(min=1, max=64))
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32))


class StaffSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    account_id = ma.fields.String(allow_none=True)
    display_name = ma.fields.String()
    active = ma.fields.Boolean()


class LineCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z][a-z0-9_-]{0,31}$"))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    a_staff_id = ma.fields.Integer(required=True, strict=True)
    b_staff_id = ma.fields.Integer(required=True, strict=True)


class LineSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    a_staff_id = ma.fields.Integer()
    b_staff_id = ma.fields.Integer()


class WeekSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    monday = ma.fields.Date(required=True)


class CellSetSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    staff_id = ma.fields.Integer(required=True, strict=True)
    day = ma.fields.Date(required=True)
    period = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(PERIODS)))
    duty = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(DUTIES)))
    place = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    version = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                metadata={"description": "the version you saw; leave out to create the cell"})


class CellSchema(Schema):
    id = ma.fields.Integer()
    staff_id = ma.fields.Integer()
    day = ma.fields.Date()
    period = ma.fields.String()
    duty = ma.fields.String()
    place = ma.fields.String()
    version = ma.fields.Integer()


class AbsenceCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    staff_id = ma.fields.Integer(required=True, strict=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(ABSENCE_KINDS)))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))

    @ma.validates_schema
    def ends_after_start(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ma.ValidationError("ends before it starts", field_name="ends_on")


class AbsenceSchema(Schema):
    id = ma.fields.Integer()
    staff_id = ma.fields.Integer()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    kind = ma.fields.String()
    note = ma.fields.String()


class DutySwapCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    cell_a_id = ma.fields.Integer(required=True, strict=True)
    cell_b_id = ma.fields.Integer(required=True, strict=True)
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class DutySwapDecisionSchema(Schema):
    approve = ma.fields.Boolean(required=True)


class DutySwapSchema(Schema):
    id = ma.fields.Integer()
    cell_a_id = ma.fields.Integer()
    cell_b_id = ma.fields.Integer()
    reason = ma.fields.String()
    state = ma.fields.String()
    requested_by = ma.fields.String(allow_none=True)
    decided_by = ma.fields.String(allow_none=True)


class BoardQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    day = ma.fields.Date(load_default=None, metadata={"description": "default: today in Shanghai"})


class SeatSchema(Schema):
    staff_id = ma.fields.Function(lambda s: s.staff.id)
    name = ma.fields.Function(lambda s: s.staff.display_name)
    covering_for = ma.fields.Function(lambda s: s.covering_for.id if s.covering_for else None)


class PeriodBoardSchema(Schema):
    period = ma.fields.String()
    needed = ma.fields.Integer()
    uncovered = ma.fields.Boolean()
    desk = ma.fields.List(ma.fields.Nested(SeatSchema), attribute="seats")
    out = ma.fields.Function(lambda b: [{"staff_id": m.id, "name": m.display_name, "duty": duty, "place": place}
                                        for m, duty, place in b.out])


class LineBoardSchema(Schema):
    code = ma.fields.Function(lambda lb: lb.line.code)
    name_zh = ma.fields.Function(lambda lb: lb.line.name_zh)
    a_staff_id = ma.fields.Function(lambda lb: lb.a.id)
    b_staff_id = ma.fields.Function(lambda lb: lb.b.id)
    holder_id = ma.fields.Function(lambda lb: lb.holder.id if lb.holder else None)
    covered_by_b = ma.fields.Boolean()
    uncovered = ma.fields.Boolean()


class DayBoardSchema(Schema):
    day = ma.fields.Date()
    periods = ma.fields.List(ma.fields.Nested(PeriodBoardSchema))
    lines = ma.fields.List(ma.fields.Nested(LineBoardSchema))
    absent = ma.fields.Function(lambda b: sorted(b.absent))
    flags = ma.fields.List(ma.fields.String())
