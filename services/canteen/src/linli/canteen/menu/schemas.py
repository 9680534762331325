"""Menu schemas: inputs are strict (unknown fields → 422), outputs document /openapi.json."""

import marshmallow as ma
from marshmallow import validates_schema

from linli.canteen.menu.models import MEAL_KINDS, PORTIONS
from linli.shared.api import Schema

Fen = ma.fields.Integer


class DishCreateSchema(Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    description_zh = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    description_en = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    category = ma.fields.String(load_default="main", validate=ma.validate.Length(min=1, max=32))
    allergens = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)), load_default=list)
    tags = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=40)), load_default=list,
                          metadata={"description": "e.g. health, guest_chef, solar:小雪"})
    photo_url = ma.fields.URL(load_default=None, allow_none=True)
    full_price_fen = Fen(required=True, validate=ma.validate.Range(min=0, max=1_000_000))
    half_price_fen = Fen(load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=1_000_000),
                         metadata={"description": "Price of a half portion (半份菜); null = no half portion"})

    @validates_schema
    def _half_cheaper(self, data, **kwargs):
        half = data.get("half_price_fen")
        if half is not None and "full_price_fen" in data and half > data["full_price_fen"]:
            raise ma.ValidationError("A half portion cannot cost more than a full one.", "half_price_fen")


class DishUpdateSchema(Schema):
    name_zh = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    description_zh = ma.fields.String(validate=ma.validate.Length(max=2000))
    description_en = ma.fields.String(validate=ma.validate.Length(max=2000))
    category = ma.fields.String(validate=ma.validate.Length(min=1, max=32))
    allergens = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)))
    tags = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=40)))
    photo_url = ma.fields.URL(allow_none=True)
    full_price_fen = Fen(validate=ma.validate.Range(min=0, max=1_000_000))
    half_price_fen = Fen(allow_none=True, validate=ma.validate.Range(min=0, max=1_000_000))
    active = ma.fields.Boolean()


class DishSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description_zh = ma.fields.String()
    description_en = ma.fields.String()
    category = ma.fields.String()
    allergens = ma.fields.List(ma.fields.String())
    tags = ma.fields.List(ma.fields.String())
    photo_url = ma.fields.String(allow_none=True)
    full_price_fen = Fen()
    half_price_fen = Fen(allow_none=True)
    has_half = ma.fields.Boolean()
    active = ma.fields.Boolean()


class SetMealOptionInSchema(Schema):
    dish_id = ma.fields.Integer(required=True)
    portion = ma.fields.String(load_default="full", validate=ma.validate.OneOf(PORTIONS))


class SetMealGroupInSchema(Schema):
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    name_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    choose = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10))
    options = ma.fields.List(ma.fields.Nested(SetMealOptionInSchema), required=True,
                             validate=ma.validate.Length(min=1, max=30))


class SetMealCreateSchema(Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    description_zh = ma.fields.String(load_default="")
    description_en = ma.fields.String(load_default="")
    tags = ma.fields.List(ma.fields.String(), load_default=list)
    photo_url = ma.fields.URL(load_default=None, allow_none=True)
    price_fen = Fen(required=True, validate=ma.validate.Range(min=0, max=1_000_000))
    groups = ma.fields.List(ma.fields.Nested(SetMealGroupInSchema), required=True,
                            validate=ma.validate.Length(min=1, max=10),
                            metadata={"description": "Fixed items (options == choose) or choices, e.g. "
                                                     "one meat, two vegetables, rice"})


class SetMealOptionSchema(Schema):
    dish_id = ma.fields.Integer()
    portion = ma.fields.String()


class SetMealGroupSchema(Schema):
    id = ma.fields.Integer()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    choose = ma.fields.Integer()
    fixed = ma.fields.Boolean()
    options = ma.fields.List(ma.fields.Nested(SetMealOptionSchema))


class SetMealSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description_zh = ma.fields.String()
    description_en = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())
    photo_url = ma.fields.String(allow_none=True)
    price_fen = Fen()
    groups = ma.fields.List(ma.fields.Nested(SetMealGroupSchema))


class RetailItemCreateSchema(Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    name_zh = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    name_en = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    description_zh = ma.fields.String(load_default="")
    description_en = ma.fields.String(load_default="")
    brand = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    photo_url = ma.fields.URL(load_default=None, allow_none=True)
    price_fen = Fen(required=True, validate=ma.validate.Range(min=0, max=1_000_000))
    stock_remaining = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=1_000_000))


class RetailItemSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description_zh = ma.fields.String()
    description_en = ma.fields.String()
    brand = ma.fields.String()
    photo_url = ma.fields.String(allow_none=True)
    price_fen = Fen()
    stock_remaining = ma.fields.Integer()


class RestockSchema(Schema):
    delta = ma.fields.Integer(required=True, validate=ma.validate.Range(min=-1_000_000, max=1_000_000),
                              metadata={"description": "Units to add (negative: write off)"})


class MealServiceCreateSchema(Schema):
    service_date = ma.fields.Date(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(MEAL_KINDS))
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    order_cutoff_at = ma.fields.AwareDateTime(required=True)
    dine_in = ma.fields.Boolean(load_default=True)
    takeaway = ma.fields.Boolean(load_default=True)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))

    @validates_schema
    def _hours(self, data, **kwargs):
        if "starts_at" in data and "ends_at" in data and data["starts_at"] >= data["ends_at"]:
            raise ma.ValidationError("A meal service must start before it ends.", "ends_at")


class MealServiceSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    service_date = ma.fields.Date()
    kind = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    order_cutoff_at = ma.fields.DateTime()
    dine_in = ma.fields.Boolean()
    takeaway = ma.fields.Boolean()
    note = ma.fields.String()


class DateQuerySchema(Schema):
    date = ma.fields.Date(load_default=None, metadata={"description": "Shanghai date; default today"})


class MenuDishPortionSchema(Schema):
    price_fen = Fen()
    available = ma.fields.Integer(metadata={"description": "How many of this portion stock still allows"})


class MenuDishSchema(DishSchema):
    featured = ma.fields.Boolean(metadata={"description": "Tagged for today's solar term (listed first)"})
    full = ma.fields.Nested(MenuDishPortionSchema)
    half = ma.fields.Nested(MenuDishPortionSchema, allow_none=True)
    remaining_units = ma.fields.Integer()
    planned_units = ma.fields.Integer()


class MenuSetMealOptionSchema(SetMealOptionSchema):
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    available = ma.fields.Integer()


class MenuSetMealGroupSchema(SetMealGroupSchema):
    options = ma.fields.List(ma.fields.Nested(MenuSetMealOptionSchema))


class MenuSetMealSchema(SetMealSchema):
    daily_limit = ma.fields.Integer()
    remaining = ma.fields.Integer()
    groups = ma.fields.List(ma.fields.Nested(MenuSetMealGroupSchema))


class MenuServiceSchema(MealServiceSchema):
    ordering_open = ma.fields.Boolean()
    modes = ma.fields.List(ma.fields.String())
    dishes = ma.fields.List(ma.fields.Nested(MenuDishSchema))
    set_meals = ma.fields.List(ma.fields.Nested(MenuSetMealSchema))


class MenuSchema(Schema):
    community_id = ma.fields.String()
    date = ma.fields.Date()
    currency = ma.fields.String()
    canteen = ma.fields.Dict(metadata={"description": "name_zh, name_en"})
    annotations = ma.fields.Dict(metadata={"description": "From the menu_annotations hook: solar_term "
                                                          "{name_zh, name_en, start, next_*}, featured_tags"})
    services = ma.fields.List(ma.fields.Nested(MenuServiceSchema))
    retail = ma.fields.List(ma.fields.Nested(RetailItemSchema))


class MealServiceUpdateSchema(Schema):
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    order_cutoff_at = ma.fields.AwareDateTime()
    dine_in = ma.fields.Boolean()
    takeaway = ma.fields.Boolean()
    note = ma.fields.String(validate=ma.validate.Length(max=200))
