import marshmallow as ma

from linli.hub.visits.models import NEEDS, PROBLEM_CATEGORIES, VISIT_KINDS
from linli.shared.api import Schema


class AssignSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    staff_id = ma.fields.Integer(required=True, strict=True)
    household_ids = ma.fields.List(ma.fields.Integer(strict=True), required=True,
                                   validate=ma.validate.Length(min=1, max=5000))


class BalanceSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    leaving_staff_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                         metadata={"description": "someone who leaves: their households move"})


class CountsSchema(Schema):
    assigned = ma.fields.Integer()
    per_staff = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class VisitProblemSchema(Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(PROBLEM_CATEGORIES)))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))


class VisitCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    household_id = ma.fields.Integer(required=True, strict=True)
    visited_on = ma.fields.Date(required=True, metadata={"description": "not in the future (Shanghai date)"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(VISIT_KINDS)))
    findings = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    needs = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(tuple(NEEDS))), load_default=list)
    follow_up_on = ma.fields.Date(load_default=None, allow_none=True)
    staff_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                 metadata={"description": "who visited; default: you"})
    problem = ma.fields.Nested(VisitProblemSchema, load_default=None, allow_none=True)

    @ma.validates_schema
    def follow_up_after_visit(self, data, **kwargs):
        if data.get("follow_up_on") and data["follow_up_on"] < data["visited_on"]:
            raise ma.ValidationError("is before the visit", field_name="follow_up_on")


class VisitSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    household_id = ma.fields.Integer()
    staff_id = ma.fields.Integer()
    visited_on = ma.fields.Date()
    kind = ma.fields.String()
    findings = ma.fields.String()
    needs = ma.fields.List(ma.fields.String())
    follow_up_on = ma.fields.Date(allow_none=True)
    problem_title = ma.fields.String(allow_none=True)
    problem_category = ma.fields.String(allow_none=True)
    case_id = ma.fields.String(allow_none=True)
    case_reference = ma.fields.String(allow_none=True)
    case_state = ma.fields.String(allow_none=True)


class PlanSchema(Schema):
    staff_id = ma.fields.Integer()
    interval_days = ma.fields.Integer()
    rule = ma.fields.String()
    special = ma.fields.Boolean()
    last_visited_on = ma.fields.Date(allow_none=True)
    due_on = ma.fields.Date(allow_none=True)


class HouseholdVisitsSchema(Schema):
    household_id = ma.fields.Function(lambda hv: hv["household"].id)
    address = ma.fields.Function(lambda hv: hv["household"].address)
    visits = ma.fields.List(ma.fields.Nested(VisitSchema))


class DueQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    staff_id = ma.fields.Integer(load_default=None, metadata={"description": "default: you"})


class DueItemSchema(Schema):
    household_id = ma.fields.Function(lambda i: i.household.id)
    address = ma.fields.Function(lambda i: i.household.address)
    groups = ma.fields.List(ma.fields.String())
    bucket = ma.fields.String(metadata={"description": "overdue | never | today | this_week"})
    days_overdue = ma.fields.Integer()
    due_on = ma.fields.Function(lambda i: i.plan.due_on.isoformat() if i.plan.due_on else None)
    last_visited_on = ma.fields.Function(lambda i: i.plan.last_visited_on.isoformat()
                                         if i.plan.last_visited_on else None)
    rule = ma.fields.Function(lambda i: i.plan.rule)
    special = ma.fields.Function(lambda i: i.plan.special)


class OverviewQuerySchema(Schema):
    community_id = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=64),
                                    metadata={"description": "leave out: every community you act for"})


class OverviewSchema(Schema):
    staff_id = ma.fields.Function(lambda o: o.staff.id)
    name = ma.fields.Function(lambda o: o.staff.display_name)
    community_id = ma.fields.Function(lambda o: o.staff.community_id)
    households = ma.fields.Integer()
    special = ma.fields.Integer()
    never = ma.fields.Integer()
    overdue = ma.fields.Integer()
    overdue_special = ma.fields.Integer()
    due_today = ma.fields.Integer()
    due_this_week = ma.fields.Integer()
    visits_last_7_days = ma.fields.Integer()


class ReportQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    monday = ma.fields.Date(load_default=None, metadata={"description": "default: last week"})
    staff_id = ma.fields.Integer(load_default=None)


class RaisedProblemSchema(Schema):
    visit_id = ma.fields.Integer(attribute="id")
    household_id = ma.fields.Integer()
    problem_title = ma.fields.String()
    problem_category = ma.fields.String()
    case_reference = ma.fields.String(allow_none=True)
    case_state = ma.fields.String(allow_none=True)


class StaffWeekSchema(Schema):
    staff_id = ma.fields.Function(lambda r: r.staff.id)
    name = ma.fields.Function(lambda r: r.staff.display_name)
    households = ma.fields.Integer()
    visits_made = ma.fields.Integer()
    households_due = ma.fields.Integer()
    due_visited = ma.fields.Integer()
    special = ma.fields.Integer()
    special_visited = ma.fields.Integer()
    special_visits = ma.fields.Integer()
    special_visits_expected = ma.fields.Integer()
    overdue_at_end = ma.fields.Integer()
    needs = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    problems = ma.fields.List(ma.fields.Nested(RaisedProblemSchema))


class ReportSchema(Schema):
    monday = ma.fields.Date()
    staff = ma.fields.List(ma.fields.Nested(StaffWeekSchema))
