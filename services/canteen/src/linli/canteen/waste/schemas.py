"""Waste schemas: the API's only validation (unknown fields → 422)."""

import marshmallow as ma
from marshmallow import validates_schema

from linli.canteen.menu.models import MEAL_KINDS
from linli.canteen.waste.models import MAX_GRAMS, WASTE_KINDS
from linli.shared.api import Schema

Grams = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=MAX_GRAMS),
                          metadata={"description": f"Weighed grams, 1 to {MAX_GRAMS} (500 kg)"})


class EntryCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    service_date = ma.fields.Date(required=True, metadata={"description": "Date of the meal service (not in the future)"})
    meal_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(MEAL_KINDS))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(WASTE_KINDS),
                            metadata={"description": "preparation (备餐损耗), unserved (剩余未售), plate (餐盘剩余)"})
    edible = ma.fields.Boolean(load_default=True)
    dish_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    grams = Grams
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    weighed_at = ma.fields.AwareDateTime(load_default=None, allow_none=True,
                                         metadata={"description": "When it was weighed; default now, never in the future"})


class CorrectionSchema(Schema):
    grams = Grams
    kind = ma.fields.String(validate=ma.validate.OneOf(WASTE_KINDS))
    edible = ma.fields.Boolean()
    dish_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class EntrySchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    meal_service_id = ma.fields.Integer()
    service_date = ma.fields.Date()
    meal_kind = ma.fields.String()
    kind = ma.fields.String()
    edible = ma.fields.Boolean()
    dish_id = ma.fields.Integer(allow_none=True)
    grams = ma.fields.Integer()
    note = ma.fields.String()
    weighed_by = ma.fields.String()
    weighed_at = ma.fields.DateTime()
    state = ma.fields.String(metadata={"description": "current, corrected (replaced by a correction) or undone"})
    corrects_id = ma.fields.Integer(allow_none=True, metadata={"description": "The entry this one corrects"})
    correction_reason = ma.fields.String()
    undone_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class LogQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    include_history = ma.fields.Boolean(load_default=True, metadata={
        "description": "Also list corrected and undone entries (the audit trail)"})
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv", "xlsx")))

    @validates_schema
    def _order(self, data, **kwargs):
        if "date_from" in data and "date_to" in data and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("date_from must not be after date_to.", "date_to")


class KpiQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    by = ma.fields.String(load_default="week", validate=ma.validate.OneOf(("day", "week", "month")))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv", "xlsx")))

    @validates_schema
    def _order(self, data, **kwargs):
        if "date_from" in data and "date_to" in data and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("date_from must not be after date_to.", "date_to")


class KindFiguresSchema(Schema):
    preparation = ma.fields.Float(allow_none=True)
    unserved = ma.fields.Float(allow_none=True)
    plate = ma.fields.Float(allow_none=True)
    total = ma.fields.Float(allow_none=True)


class AssessmentSchema(Schema):
    score = ma.fields.Float(allow_none=True, metadata={"description": "0–100"})
    passed = ma.fields.Boolean(allow_none=True)
    method = ma.fields.String(metadata={"description": "Which formula scored it (builtin or a plugin's)"})
    notes = ma.fields.List(ma.fields.String())


class KpiRowSchema(Schema):
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    meal_services = ma.fields.Integer(metadata={"description": "Meal services that ran"})
    weighed_services = ma.fields.Integer(metadata={"description": "Meal services with waste weighed"})
    covers = ma.fields.Integer(metadata={"description": "Orders served at the weighed meal services"})
    grams = ma.fields.Nested(KindFiguresSchema)
    edible_grams = ma.fields.Integer()
    per_cover = ma.fields.Nested(KindFiguresSchema, metadata={"description": "Grams per cover"})
    change = ma.fields.Nested(KindFiguresSchema, metadata={"description": "Grams per cover against the period before"})
    over_target = ma.fields.Nested(KindFiguresSchema, metadata={"description": "Grams per cover above (+) or under (−) the target"})
    assessment = ma.fields.Nested(AssessmentSchema)


class KpiReportSchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    by = ma.fields.String()
    targets = ma.fields.Nested(KindFiguresSchema, metadata={"description": "Grams per cover (settings [waste].targets)"})
    rows = ma.fields.List(ma.fields.Nested(KpiRowSchema))
    totals = ma.fields.Nested(KpiRowSchema)


class DishWasteSchema(Schema):
    dish_id = ma.fields.Integer()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    unserved_grams = ma.fields.Integer()
    entries = ma.fields.Integer()
