"""Input and output schemas of appointments."""

import marshmallow as ma
from flask_smorest.fields import Upload

from linli.cases.appointments.models import CHECK_STATES
from linli.cases.catalogue.service import MODES
from linli.shared.api import Schema, TimeRangeSchema

Text = ma.fields.String
Length = ma.validate.Length


class SlotCreateSchema(TimeRangeSchema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    capacity = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=1000))
    door_to_door = ma.fields.Boolean(load_default=False)
    staff_member = Text(load_default="", validate=Length(max=120))


class SlotSchema(Schema):
    id = ma.fields.Integer()
    community_id = Text()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    booked = ma.fields.Integer()
    places_left = ma.fields.Function(lambda s: max(0, s.capacity - s.booked))
    door_to_door = ma.fields.Boolean()
    staff_member = Text()


class SlotQuerySchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    start = ma.fields.AwareDateTime(load_default=None)
    end = ma.fields.AwareDateTime(load_default=None)
    free_only = ma.fields.Boolean(load_default=False)


class BookingSchema(Schema):
    item_code = Text(required=True, validate=Length(min=1, max=64))
    mode = Text(required=True, validate=ma.validate.OneOf(MODES))
    resident_name = Text(load_default="", validate=Length(max=120))
    phone = Text(load_default="", validate=[Length(max=32), ma.validate.Regexp(r"^[0-9+\- ]*$")])
    address = Text(load_default="", validate=Length(max=300))
    note = Text(load_default="", validate=Length(max=2000))
    on_behalf_of = Text(load_default=None, allow_none=True, validate=Length(min=1, max=120),
                        metadata={"description": "Staff booking for a resident (an account id or 'phone:<number>')"})


class CheckSchema(Schema):
    document_code = Text(required=True, validate=Length(min=1, max=32))
    status = Text(required=True, validate=ma.validate.OneOf(CHECK_STATES[1:]))
    note = Text(load_default="", validate=Length(max=2000))


class ChecklistSchema(Schema):
    checks = ma.fields.List(ma.fields.Nested(CheckSchema), required=True, validate=Length(min=1, max=50))


class ChecklistEntrySchema(Schema):
    document_code = Text()
    status = Text()
    note = Text()
    checked_by = Text(allow_none=True)
    checked_at = ma.fields.DateTime(allow_none=True)


class UploadedDocumentSchema(Schema):
    id = ma.fields.Integer()
    document_code = Text()
    original_name = Text()
    content_type = Text()
    size = ma.fields.Integer()
    sha256 = Text()
    uploaded_at = ma.fields.DateTime()


class AppointmentSchema(Schema):
    id = ma.fields.Integer()
    community_id = Text()
    slot_id = ma.fields.Integer()
    item_code = Text()
    mode = Text()
    state = Text(metadata={"description": "requested → pre_review → ready → done; needs_more, cancelled, no_show"})
    resident_subject = Text()
    resident_name = Text()
    phone = Text()
    address = Text()
    note = Text()
    delegated = ma.fields.Boolean()
    originals_carrier = Text(allow_none=True)
    originals_collected_at = ma.fields.DateTime(allow_none=True)
    originals_returned_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class AppointmentDetailSchema(AppointmentSchema):
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    checklist = ma.fields.List(ma.fields.Nested(ChecklistEntrySchema))
    documents = ma.fields.List(ma.fields.Nested(UploadedDocumentSchema))


class DayQuerySchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    day = ma.fields.Date(load_default=None, metadata={"description": "Shanghai date; today by default"})


class DayEntrySchema(AppointmentSchema):
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()


class ChangeSchema(Schema):
    action = Text(required=True, validate=ma.validate.OneOf(("start_review", "complete", "cancel", "no_show")))


class OriginalsSchema(Schema):
    carrier = Text(required=True, validate=Length(min=1, max=120))
    collected_at = ma.fields.AwareDateTime(required=True)
    returned_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


class UploadFormSchema(Schema):
    """The query half of an upload (which checklist document the file is); unknown keys are ignored."""

    class Meta:
        unknown = ma.EXCLUDE

    document_code = Text(required=True, validate=Length(min=1, max=32))


class UploadFileSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    file = Upload(required=True)
