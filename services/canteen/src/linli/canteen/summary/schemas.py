import marshmallow as ma

from linli.shared.api import Schema


class SummaryDayCoversSchema(Schema):
    date = ma.fields.Date()
    covers = ma.fields.Integer()


class SummaryTakingSchema(Schema):
    method = ma.fields.String()
    amount_fen = ma.fields.Integer()


class SummaryDayWasteSchema(Schema):
    date = ma.fields.Date()
    per_cover = ma.fields.Float(allow_none=True)


class WasteSummarySchema(Schema):
    per_cover = ma.fields.Float(allow_none=True, metadata={"description": "Grams of all waste per cover (weighed services)"})
    plate_per_cover = ma.fields.Float(allow_none=True)
    target = ma.fields.Float(allow_none=True, metadata={"description": "The community's target, grams per cover"})
    plate_target = ma.fields.Float(allow_none=True)
    over_target = ma.fields.Float(allow_none=True, metadata={"description": "per_cover - target (negative: under)"})
    weighed_services = ma.fields.Integer()
    meal_services = ma.fields.Integer()
    passed = ma.fields.Boolean(allow_none=True)
    score = ma.fields.Float(allow_none=True)
    by_day = ma.fields.List(ma.fields.Nested(SummaryDayWasteSchema))


class RatingsSummarySchema(Schema):
    count = ma.fields.Integer()
    average = ma.fields.Float(allow_none=True, metadata={"description": "1 to 5, over every dish rating given"})
    dishes = ma.fields.Integer()


class CanteenSummarySchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    covers = ma.fields.Integer(metadata={"description": "Orders served (reports/covers summed)"})
    takeaway = ma.fields.Integer()
    meal_services = ma.fields.Integer()
    revenue_fen = ma.fields.Integer()
    covers_by_day = ma.fields.List(ma.fields.Nested(SummaryDayCoversSchema))
    takings_fen = ma.fields.Integer(metadata={"description": "Net takings (reports/takings summed)"})
    takings = ma.fields.List(ma.fields.Nested(SummaryTakingSchema))
    waste = ma.fields.Nested(WasteSummarySchema)
    ratings = ma.fields.Nested(RatingsSummarySchema)
