"""Input and output schemas of polls."""

import marshmallow as ma

from linli.cases.polls.models import POLL_KINDS
from linli.shared.api import Schema

Text = ma.fields.String
Length = ma.validate.Length


class OptionInSchema(Schema):
    label_zh = Text(required=True, validate=Length(min=1, max=200))
    label_en = Text(load_default="", validate=Length(max=200))


class PollCreateSchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))
    title_zh = Text(required=True, validate=Length(min=1, max=200))
    title_en = Text(load_default="", validate=Length(max=200))
    question = Text(load_default="", validate=Length(max=5000))
    kind = Text(load_default="other", validate=ma.validate.OneOf(POLL_KINDS))
    closes_at = ma.fields.AwareDateTime(required=True)
    case_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                validate=ma.validate.Range(min=1, max=2**31 - 1))
    options = ma.fields.List(ma.fields.Nested(OptionInSchema), required=True, validate=Length(min=2, max=20))


class OptionSchema(Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    label_zh = Text()
    label_en = Text()
    votes = ma.fields.Integer()


class PollSchema(Schema):
    id = ma.fields.Integer()
    community_id = Text()
    case_id = ma.fields.Integer(allow_none=True)
    kind = Text()
    title_zh = Text()
    title_en = Text()
    question = Text()
    closes_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()


class PollQuerySchema(Schema):
    community_id = Text(required=True, validate=Length(min=1, max=64))


class VoteInSchema(Schema):
    option_id = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    household_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                     validate=ma.validate.Range(min=1, max=2**31 - 1),
                                     metadata={"description": "Staff recording a household's vote; residents vote "
                                                              "for the household in their token"})


class VoteSchema(Schema):
    id = ma.fields.Integer()
    poll_id = ma.fields.Integer()
    option_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class ResultsSchema(Schema):
    poll_id = ma.fields.Integer()
    title_zh = Text()
    title_en = Text()
    closes_at = ma.fields.DateTime()
    closed = ma.fields.Boolean()
    case_id = ma.fields.Integer(allow_none=True)
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    votes = ma.fields.Integer()
    households = ma.fields.Integer(metadata={"description": "Active households of the community (from the hub)"})
    turnout = ma.fields.Float(metadata={"description": "votes / households"})
