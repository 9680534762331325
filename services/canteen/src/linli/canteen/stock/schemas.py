import marshmallow as ma

from linli.shared.api import Schema


class OfferDishSchema(Schema):
    planned_portions = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=100_000),
                                         metadata={"description": "Full portions planned (2 units each; "
                                                                  "a half portion draws 1 unit)"})
    position = ma.fields.Integer(load_default=0)


class OfferSetMealSchema(Schema):
    daily_limit = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=100_000))


class DishStockSchema(Schema):
    id = ma.fields.Integer()
    meal_service_id = ma.fields.Integer()
    dish_id = ma.fields.Integer()
    planned_units = ma.fields.Integer()
    remaining_units = ma.fields.Integer()
    position = ma.fields.Integer()


class SetMealStockSchema(Schema):
    id = ma.fields.Integer()
    meal_service_id = ma.fields.Integer()
    set_meal_id = ma.fields.Integer()
    daily_limit = ma.fields.Integer()
    remaining = ma.fields.Integer()


class ServiceStockSchema(Schema):
    dishes = ma.fields.List(ma.fields.Nested(DishStockSchema))
    set_meals = ma.fields.List(ma.fields.Nested(SetMealStockSchema))
