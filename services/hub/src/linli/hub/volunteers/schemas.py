"""Input and output schemas of volunteers, shifts and hours."""

from __future__ import annotations

import marshmallow as ma

from linli.hub.activities.schemas import ActivityFieldsSchema
from linli.shared.api import Schema, TimeRangeSchema

HHMM = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="use HH:MM")


class TalentSchema(Schema):
    title_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    title_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=60))


class AvailabilitySchema(TimeRangeSchema):
    weekday = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=0, max=6))
    start = ma.fields.String(required=True, validate=HHMM)
    end = ma.fields.String(required=True, validate=HHMM)

    RANGE = ("start", "end")


class ProfileSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    account_id = ma.fields.String(load_default=None, allow_none=True,
                                  metadata={"description": "Staff only: whose profile"})
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32))
    skills = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=60)), load_default=list)
    talents = ma.fields.List(ma.fields.Nested(TalentSchema), load_default=list)
    availability = ma.fields.List(ma.fields.Nested(AvailabilitySchema), load_default=list)
    standby = ma.fields.Boolean(load_default=False)


class VolunteerSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    account_id = ma.fields.String()
    display_name = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())
    talents = ma.fields.List(ma.fields.Dict())
    availability = ma.fields.List(ma.fields.Dict())
    standby = ma.fields.Boolean()


class OwnProfileSchema(VolunteerSchema):
    feed_token = ma.fields.String(metadata={"description": "Secret of your shifts' calendar feed URL"})


class CommunityQuerySchema(Schema):
    community_id = ma.fields.String(required=True)


class VolunteerQuerySchema(CommunityQuerySchema):
    talent = ma.fields.String(load_default=None)


class TemplateSchema(Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    location_zh = ma.fields.String()
    location_en = ma.fields.String()
    weekdays = ma.fields.List(ma.fields.Integer())
    slots = ma.fields.List(ma.fields.Dict())


class GenerateSchema(Schema):
    community_id = ma.fields.String(required=True)
    template_code = ma.fields.String(required=True)
    start_date = ma.fields.Date(required=True)
    days = ma.fields.Integer(load_default=7, strict=True, validate=ma.validate.Range(min=1, max=62))


class ShiftSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    template_code = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    location_zh = ma.fields.String()
    location_en = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    headcount = ma.fields.Integer()
    taken = ma.fields.Integer()


class ShiftQuerySchema(TimeRangeSchema):
    community_id = ma.fields.String(required=True)
    start = ma.fields.AwareDateTime(required=True)
    end = ma.fields.AwareDateTime(required=True)

    RANGE = ("start", "end")


class ShiftSignUpSchema(Schema):
    volunteer_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                     metadata={"description": "Staff only: sign up this volunteer"})


class AssignmentSchema(Schema):
    id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    volunteer_id = ma.fields.Integer()
    status = ma.fields.String()
    backfill_of_id = ma.fields.Integer(allow_none=True)
    swapped_from_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class SwapSchema(Schema):
    to_volunteer_id = ma.fields.Integer(required=True, strict=True)
    exchange_assignment_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True)


class SwapOutSchema(Schema):
    id = ma.fields.Integer()
    assignment_id = ma.fields.Integer()
    to_volunteer_id = ma.fields.Integer()
    exchange_assignment_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(metadata={"description": "pending, accepted, declined"})
    requested_by = ma.fields.String()
    decided_at = ma.fields.DateTime(allow_none=True)


class NoShowSchema(Schema):
    backfill_with_standby = ma.fields.Boolean(load_default=True)


class NoShowResultSchema(Schema):
    no_show = ma.fields.Nested(AssignmentSchema)
    backfill = ma.fields.Nested(AssignmentSchema, allow_none=True)


class BackfillSchema(Schema):
    volunteer_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True)


class HoursCreateSchema(Schema):
    community_id = ma.fields.String(required=True)
    work_date = ma.fields.Date(required=True)
    minutes = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=1440))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    shift_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True)


class HoursSchema(Schema):
    id = ma.fields.Integer()
    volunteer_id = ma.fields.Integer()
    community_id = ma.fields.String()
    shift_id = ma.fields.Integer(allow_none=True)
    work_date = ma.fields.Date()
    minutes = ma.fields.Integer()
    note = ma.fields.String()
    status = ma.fields.String()
    decided_by = ma.fields.String(allow_none=True)


class HoursQuerySchema(CommunityQuerySchema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("pending", "approved", "rejected")))


class VolunteerActivitySchema(ActivityFieldsSchema):
    """An activity a volunteer runs; the organiser is the volunteer."""


class FeedQuerySchema(Schema):
    token = ma.fields.String(load_default=None)
    lang = ma.fields.String(load_default="zh_CN", validate=ma.validate.OneOf(("zh_CN", "en")))
