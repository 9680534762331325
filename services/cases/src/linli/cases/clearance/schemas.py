"""Schemas of the daily clearance board."""

import marshmallow as ma

from linli.shared.api import Schema


class BoardQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    assigned_to = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=120),
                                   metadata={"description": "Only this staff member's cases and visits"})
    limit = ma.fields.Integer(load_default=200, validate=ma.validate.Range(min=1, max=1000))


class BoardRowSchema(Schema):
    case_id = ma.fields.Integer()
    reference = ma.fields.String()
    title = ma.fields.String()
    category = ma.fields.String()
    state = ma.fields.String()
    assigned_to = ma.fields.String(allow_none=True)
    milestone = ma.fields.String(metadata={"description": "first_response, consultation, resolution, follow_up"})
    due_at = ma.fields.DateTime()
    timer = ma.fields.String(metadata={"description": "overdue, due_soon (within 24 h), on_time"})
    minutes_left = ma.fields.Integer(metadata={"description": "Negative when overdue"})


class BoardAppointmentSchema(Schema):
    appointment_id = ma.fields.Integer()
    item_code = ma.fields.String()
    mode = ma.fields.String()
    state = ma.fields.String()
    resident_name = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    staff_member = ma.fields.String()
    delegated = ma.fields.Boolean()


class BoardCountsSchema(Schema):
    open = ma.fields.Integer()
    overdue = ma.fields.Integer()
    due_soon = ma.fields.Integer()
    on_time = ma.fields.Integer()


class BoardSchema(Schema):
    community_id = ma.fields.String()
    now = ma.fields.DateTime()
    counts = ma.fields.Nested(BoardCountsSchema)
    rows = ma.fields.List(ma.fields.Nested(BoardRowSchema), metadata={"description": "Most urgent first"})
    appointments = ma.fields.List(ma.fields.Nested(BoardAppointmentSchema))
    staff = ma.fields.List(ma.fields.String())


class WeeklyQuerySchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    weeks = ma.fields.Integer(load_default=8, validate=ma.validate.Range(min=1, max=104))


class WeekSchema(Schema):
    week_start = ma.fields.Date()
    opened = ma.fields.Integer()
    resolved = ma.fields.Integer()
    overdue = ma.fields.Integer(metadata={"description": "Milestones due that week and missed"})
