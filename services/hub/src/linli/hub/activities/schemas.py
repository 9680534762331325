"""Input and output schemas of activities."""

from __future__ import annotations

import marshmallow as ma

from linli.hub.activities.models import ACTIVITY_KINDS, ORGANISER_KINDS
from linli.shared.api import Schema, TimeRangeSchema
from linli.shared.db import utcnow


class ActivityFieldsSchema(TimeRangeSchema):
    """What describes an activity and its first session, whoever registers it."""

    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    title_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    title_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    kind = ma.fields.String(load_default="class", validate=ma.validate.OneOf(ACTIVITY_KINDS))
    capacity = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=0, max=10000))
    room_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    repeat_weeks = ma.fields.Integer(load_default=0, strict=True, validate=ma.validate.Range(min=0, max=52))


class ActivityCreateSchema(ActivityFieldsSchema):
    """Staff register an activity for any organiser: a team, a partner, a volunteer."""

    organiser_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(ORGANISER_KINDS))
    organiser_ref = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=120))
    organiser_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class ActivitySchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    description = ma.fields.String()
    kind = ma.fields.String()
    organiser_kind = ma.fields.String()
    organiser_ref = ma.fields.String(allow_none=True)
    organiser_name = ma.fields.String()
    capacity = ma.fields.Integer()


class SessionSchema(Schema):
    id = ma.fields.Integer()
    activity_id = ma.fields.Integer()
    community_id = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    kind = ma.fields.String()
    organiser_kind = ma.fields.String()
    organiser_name = ma.fields.String()
    room_id = ma.fields.Integer(allow_none=True)
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    registered = ma.fields.Integer()
    offered = ma.fields.Integer()
    waitlisted = ma.fields.Integer()
    places_left = ma.fields.Integer()


class SessionQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    start = ma.fields.AwareDateTime(load_default=None)
    end = ma.fields.AwareDateTime(load_default=None)


class SignUpSchema(Schema):
    resident_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                    metadata={"description": "Sign a resident up on their behalf (staff, volunteers)"})
    display_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))


class RegistrationSchema(Schema):
    id = ma.fields.Integer()
    session_id = ma.fields.Integer()
    community_id = ma.fields.String()
    account_id = ma.fields.String(allow_none=True)
    resident_id = ma.fields.Integer(allow_none=True)
    display_name = ma.fields.String()
    status = ma.fields.Function(
        lambda r: r.effective_status(utcnow()),
        metadata={"description": "registered, waitlisted, offered, cancelled, expired"},
    )
    position = ma.fields.Integer(allow_none=True, metadata={"description": "Waitlist ticket in arrival order"})
    offer_expires_at = ma.fields.DateTime(allow_none=True)
    checked_in_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class CalendarQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    lang = ma.fields.String(load_default="zh_CN", validate=ma.validate.OneOf(("zh_CN", "en")))
