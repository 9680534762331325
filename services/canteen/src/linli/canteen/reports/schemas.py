import marshmallow as ma
from marshmallow import validates_schema

from linli.shared.api import Schema


class ReportQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")),
                              metadata={"description": "json, or csv for a spreadsheet (text/csv)"})

    @validates_schema
    def _order(self, data, **kwargs):
        if "date_from" in data and "date_to" in data and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("date_from must not be after date_to.", "date_to")


class DishSalesSchema(Schema):
    service_date = ma.fields.Date()
    meal_service_id = ma.fields.Integer()
    meal_kind = ma.fields.String()
    dish_id = ma.fields.Integer()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    full = ma.fields.Integer(metadata={"description": "Full portions sold on their own"})
    half = ma.fields.Integer(metadata={"description": "Half portions (半份) sold on their own"})
    half_uptake = ma.fields.Float(allow_none=True, metadata={"description": "half / (full + half)"})
    full_in_set_meals = ma.fields.Integer()
    half_in_set_meals = ma.fields.Integer()
    revenue_fen = ma.fields.Integer()


class ItemSalesSchema(Schema):
    service_date = ma.fields.Date()
    meal_service_id = ma.fields.Integer()
    meal_kind = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "set_meal or retail"})
    item_id = ma.fields.Integer()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    quantity = ma.fields.Integer()
    revenue_fen = ma.fields.Integer()


class SalesReportSchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    dishes = ma.fields.List(ma.fields.Nested(DishSalesSchema))
    items = ma.fields.List(ma.fields.Nested(ItemSalesSchema))


class CoversSchema(Schema):
    service_date = ma.fields.Date()
    meal_service_id = ma.fields.Integer()
    meal_kind = ma.fields.String()
    covers = ma.fields.Integer()
    takeaway = ma.fields.Integer()
    revenue_fen = ma.fields.Integer()


class TakingsRowSchema(Schema):
    method = ma.fields.String()
    amount_fen = ma.fields.Integer()
