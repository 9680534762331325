"""Survey schemas: the API's only validation (question shapes, dates in order)."""

from typing import Any

import marshmallow as ma
from marshmallow import validates_schema

from linli.canteen.surveys.models import QUESTION_KINDS
from linli.shared.api import Schema

Id: dict[str, Any] = {"validate": ma.validate.Range(min=1, max=2**31 - 1)}


class OptionSchema(Schema):
    value = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,31}$"))
    label_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    label_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))


class QuestionInSchema(Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(QUESTION_KINDS),
                            metadata={"description": "single, multiple (choices), rating (1–5), text"})
    text_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    text_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    options = ma.fields.List(ma.fields.Nested(OptionSchema), load_default=list, validate=ma.validate.Length(max=20))
    required = ma.fields.Boolean(load_default=True)

    @validates_schema
    def _options_fit_kind(self, data, **kwargs):
        options = data.get("options") or []
        if data.get("kind") in ("single", "multiple"):
            if len(options) < 2:
                raise ma.ValidationError("A choice question needs at least two options.", "options")
            if len({o["value"] for o in options}) != len(options):
                raise ma.ValidationError("Option values must differ.", "options")
        elif options:
            raise ma.ValidationError("Only choice questions have options.", "options")


class SurveyCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    title_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    title_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    intro_zh = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    intro_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    identified = ma.fields.Boolean(load_default=False, metadata={
        "description": "True: signed-in diners, one response each; False: anonymous, one per kiosk session"})
    opens_on = ma.fields.Date(required=True)
    closes_on = ma.fields.Date(required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionInSchema), required=True,
                               validate=ma.validate.Length(min=1, max=40))

    @validates_schema
    def _dates(self, data, **kwargs):
        if "opens_on" in data and "closes_on" in data and data["opens_on"] > data["closes_on"]:
            raise ma.ValidationError("A survey closes on or after the day it opens.", "closes_on")


class AnswerInSchema(Schema):
    question_id = ma.fields.Integer(required=True, **Id)
    choices = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)), load_default=None,
                             validate=ma.validate.Length(max=20))
    rating = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=ma.validate.Range(min=1, max=5))
    text = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))


class ResponseCreateSchema(Schema):
    answers = ma.fields.List(ma.fields.Nested(AnswerInSchema), required=True, validate=ma.validate.Length(max=40))
    channel = ma.fields.String(load_default="phone", validate=ma.validate.OneOf(("kiosk", "phone", "counter")))
    session_key = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(min=16, max=120),
                                   metadata={"description": "Anonymous surveys: the kiosk or browser session answering"})


class OptionOutSchema(Schema):
    value = ma.fields.String()
    label_zh = ma.fields.String()
    label_en = ma.fields.String()


class QuestionSchema(Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    kind = ma.fields.String()
    text_zh = ma.fields.String()
    text_en = ma.fields.String()
    options = ma.fields.List(ma.fields.Nested(OptionOutSchema))
    required = ma.fields.Boolean()


class SurveySchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    intro_zh = ma.fields.String()
    intro_en = ma.fields.String()
    identified = ma.fields.Boolean()
    opens_on = ma.fields.Date()
    closes_on = ma.fields.Date()
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))


class ResponseSchema(Schema):
    id = ma.fields.Integer()
    survey_id = ma.fields.Integer()
    channel = ma.fields.String()
    created_at = ma.fields.DateTime()


class ResultSchema(Schema):
    question_id = ma.fields.Integer()
    kind = ma.fields.String()
    text_zh = ma.fields.String()
    text_en = ma.fields.String()
    answered = ma.fields.Integer()
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                            metadata={"description": "Choice questions: option value → count; rating: 1–5 → count"})
    average = ma.fields.Float(allow_none=True)
    texts = ma.fields.List(ma.fields.Dict(), metadata={"description": "Free-text answers: {answer_id, text}"})


class ResultsSchema(Schema):
    survey = ma.fields.Nested(SurveySchema)
    responses = ma.fields.Integer()
    questions = ma.fields.List(ma.fields.Nested(ResultSchema))


class SurveyListQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    open_only = ma.fields.Boolean(load_default=False)


class ExportQuerySchema(Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(("csv", "xlsx")))
