"""Input and output schemas of cases."""

import marshmallow as ma
from webargs.fields import DelimitedList

from linli.cases.casework.models import ACTION_STATES, CASE_STATES, CATEGORIES, PARTY_KINDS, SOURCES
from linli.shared.api import Schema

Text = ma.fields.String
Length = ma.validate.Length


class CaseCreateSchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    title = Text(required=True, validate=Length(min=2, max=200))
    description = Text(load_default="", validate=Length(max=5000))
    category = Text(required=True, validate=ma.validate.OneOf(CATEGORIES))
    address = Text(load_default=None, allow_none=True, validate=Length(max=300))
    assigned_to = Text(load_default=None, allow_none=True, validate=Length(min=1, max=120))
    public = ma.fields.Boolean(load_default=True, metadata={"description": "Listed over Open311"})
    residents = ma.fields.List(Text(validate=Length(min=1, max=120)), load_default=list,
                               validate=Length(max=200), metadata={"description": "Accounts of residents affected"})


class CaseReportSchema(Schema):
    """A resident reports a problem."""

    community_id = Text(required=True, validate=Length(min=1, max=64))
    title = Text(required=True, validate=Length(min=2, max=200))
    description = Text(load_default="", validate=Length(max=5000))
    category = Text(load_default="other", validate=ma.validate.OneOf(CATEGORIES))
    address = Text(load_default=None, allow_none=True, validate=Length(max=300))


class CaseSchema(Schema):
    id = ma.fields.Integer()
    reference = Text()
    community_id = Text()
    title = Text()
    description = Text()
    category = Text()
    state = Text(metadata={"description": " → ".join(CASE_STATES)})
    opened_by = Text()
    source = Text(metadata={"description": ", ".join(SOURCES)})
    source_ref = Text(allow_none=True)
    source_event_type = Text(allow_none=True)
    public = ma.fields.Boolean()
    assigned_to = Text(allow_none=True)
    address = Text(allow_none=True)
    resolution_summary = Text(allow_none=True)
    funded_by = ma.fields.List(Text(), allow_none=True)
    reopened_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    resolved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)


class TimelineEntrySchema(Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor = Text()
    action = Text()
    from_state = Text(allow_none=True)
    to_state = Text(allow_none=True)
    note = Text()
    detail = ma.fields.Dict(allow_none=True)
    public = ma.fields.Boolean()


class InvitationCreateSchema(Schema):
    party_kind = Text(required=True, validate=ma.validate.OneOf(PARTY_KINDS))
    party_name = Text(required=True, validate=Length(min=1, max=200))
    contact_person = Text(load_default="", validate=Length(max=120))
    answer_due_on = ma.fields.Date(required=True)


class InvitationAnswerSchema(Schema):
    answer = Text(required=True, validate=ma.validate.OneOf(("accepted", "declined")))
    note = Text(load_default="", validate=Length(max=2000))


class InvitationSchema(Schema):
    id = ma.fields.Integer()
    party_kind = Text()
    party_name = Text()
    contact_person = Text()
    answer_due_on = ma.fields.Date()
    answer = Text(metadata={"description": "pending, accepted, declined; no_answer once the due date passed"})
    answer_note = Text()
    answered_at = ma.fields.DateTime(allow_none=True)


class MeetingCreateSchema(Schema):
    held_at = ma.fields.AwareDateTime(required=True)
    place = Text(required=True, validate=Length(min=1, max=200))
    attendees = ma.fields.List(Text(validate=Length(min=1, max=200)), required=True, validate=Length(min=1, max=100))
    minutes = Text(required=True, validate=Length(min=1, max=20000))


class MeetingSchema(Schema):
    id = ma.fields.Integer()
    held_at = ma.fields.DateTime()
    place = Text()
    attendees = ma.fields.List(Text())
    minutes = Text()
    recorded_by = Text()


class ActionCreateSchema(Schema):
    description = Text(required=True, validate=Length(min=1, max=2000))
    responsible_party = Text(required=True, validate=Length(min=1, max=200))
    due_on = ma.fields.Date(required=True)


class ActionUpdateSchema(Schema):
    state = Text(required=True, validate=ma.validate.OneOf(ACTION_STATES[1:]))
    evidence = Text(load_default="", validate=Length(max=5000))


class ActionSchema(Schema):
    id = ma.fields.Integer()
    description = Text()
    responsible_party = Text()
    due_on = ma.fields.Date()
    state = Text()
    evidence = Text()
    done_at = ma.fields.DateTime(allow_none=True)


class RatingCreateSchema(Schema):
    score = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=5))
    comment = Text(load_default="", validate=Length(max=2000))
    on_behalf_of = Text(load_default=None, allow_none=True, validate=Length(min=1, max=120),
                        metadata={"description": "Staff record a resident's rating (by phone, at the door)"})


class RatingSchema(Schema):
    id = ma.fields.Integer()
    rater = Text()
    score = ma.fields.Integer()
    comment = Text()
    created_at = ma.fields.DateTime()


class DeadlineSchema(Schema):
    milestone = Text()
    round = ma.fields.Integer()
    due_at = ma.fields.DateTime()
    met_at = ma.fields.DateTime(allow_none=True)


class CaseDetailSchema(CaseSchema):
    timeline = ma.fields.List(ma.fields.Nested(TimelineEntrySchema))
    invitations = ma.fields.List(ma.fields.Nested(InvitationSchema))
    meetings = ma.fields.List(ma.fields.Nested(MeetingSchema))
    actions = ma.fields.List(ma.fields.Nested(ActionSchema))
    ratings = ma.fields.List(ma.fields.Nested(RatingSchema))
    deadlines = ma.fields.List(ma.fields.Nested(DeadlineSchema))
    residents = ma.fields.List(Text())
    satisfaction = ma.fields.Float(allow_none=True, metadata={"description": "Average rating, 1–5"})
    allowed_actions = ma.fields.List(Text(), metadata={"description": "What the transition table allows now"})


class CaseQuerySchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    q = Text(load_default="", validate=Length(max=200), metadata={"description": "Words, Chinese or English"})
    state = DelimitedList(Text(validate=ma.validate.OneOf(CASE_STATES)), load_default=list)
    category = Text(load_default=None, validate=ma.validate.OneOf(CATEGORIES))
    source = Text(load_default=None, validate=ma.validate.OneOf(SOURCES))
    assigned_to = Text(load_default=None, validate=Length(min=1, max=120))
    opened_from = ma.fields.AwareDateTime(load_default=None)
    opened_to = ma.fields.AwareDateTime(load_default=None)
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=1_000_000))


class TakeUpSchema(Schema):
    assigned_to = Text(load_default=None, allow_none=True, validate=Length(min=1, max=120))
    note = Text(load_default="", validate=Length(max=2000))


class AssignSchema(Schema):
    assigned_to = Text(required=True, validate=Length(min=1, max=120))
    note = Text(load_default="", validate=Length(max=2000))


class NoteSchema(Schema):
    note = Text(required=True, validate=Length(min=1, max=5000))


class ResolveSchema(Schema):
    summary = Text(required=True, validate=Length(min=2, max=5000))
    funded_by = ma.fields.List(Text(validate=Length(min=1, max=200)), load_default=list, validate=Length(max=20),
                               metadata={"description": "Who paid, e.g. the committee's self-governance fund"})


class FollowUpSchema(Schema):
    held = ma.fields.Boolean(required=True, metadata={"description": "False reopens the case"})
    note = Text(load_default="", validate=Length(max=5000))


class CloseSchema(Schema):
    note = Text(load_default="", validate=Length(max=5000))


class ReopenSchema(Schema):
    reason = Text(required=True, validate=Length(min=2, max=5000))


class ProposalSchema(Schema):
    kind = Text()
    name = Text()
    contact = Text()
    invited = ma.fields.Boolean()


class ProgressStepSchema(Schema):
    state = Text()
    label = Text()
    done = ma.fields.Boolean()
    current = ma.fields.Boolean()


class ProgressEntrySchema(Schema):
    at = ma.fields.DateTime()
    text = Text()


class ProgressSchema(Schema):
    id = ma.fields.Integer()
    reference = Text()
    title = Text()
    state = Text()
    state_text = Text()
    steps = ma.fields.List(ma.fields.Nested(ProgressStepSchema))
    entries = ma.fields.List(ma.fields.Nested(ProgressEntrySchema))
    can_rate = ma.fields.Boolean()
