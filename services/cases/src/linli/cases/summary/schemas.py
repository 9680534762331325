import marshmallow as ma

from linli.shared.api import Schema


class SummaryUrgentCaseSchema(Schema):
    case_id = ma.fields.Integer()
    reference = ma.fields.String()
    title = ma.fields.String()
    state = ma.fields.String()
    milestone = ma.fields.String()
    due_at = ma.fields.AwareDateTime()
    timer = ma.fields.String(metadata={"description": "overdue, due_soon or on_time"})


class SummaryWeekSchema(Schema):
    week_start = ma.fields.Date()
    opened = ma.fields.Integer()
    resolved = ma.fields.Integer()
    overdue = ma.fields.Integer()


class SummaryPollSchema(Schema):
    poll_id = ma.fields.Integer()
    title_zh = ma.fields.String()
    title_en = ma.fields.String(allow_none=True)
    closes_at = ma.fields.AwareDateTime()
    votes = ma.fields.Integer()
    households = ma.fields.Integer()
    turnout = ma.fields.Float()
    leading_zh = ma.fields.String(allow_none=True)
    leading_en = ma.fields.String(allow_none=True)


class CasesSummarySchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    open = ma.fields.Integer(metadata={"description": "Open cases (clearance board)"})
    overdue = ma.fields.Integer(metadata={"description": "Open milestones past due (clearance board)"})
    due_soon = ma.fields.Integer()
    on_time = ma.fields.Integer()
    appointments_today = ma.fields.Integer()
    urgent = ma.fields.List(ma.fields.Nested(SummaryUrgentCaseSchema))
    opened = ma.fields.Integer(metadata={"description": "Opened in the weeks of the range"})
    resolved = ma.fields.Integer(metadata={"description": "Resolved in the weeks of the range"})
    opened_this_week = ma.fields.Integer()
    resolved_this_week = ma.fields.Integer()
    weeks = ma.fields.List(ma.fields.Nested(SummaryWeekSchema))
    open_polls = ma.fields.Integer()
    polls_closing_this_week = ma.fields.List(ma.fields.Nested(SummaryPollSchema))
