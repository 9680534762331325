import marshmallow as ma
from marshmallow import validates_schema

from linli.canteen.menu.models import PORTIONS
from linli.canteen.orders.models import LINE_KINDS, ORDER_STATES
from linli.canteen.orders.service import CHANNELS, MAX_LINES, MAX_QUANTITY, MODES
from linli.shared.api import Schema

_REQUIRED = {"dish": "dish_id", "set_meal": "set_meal_id", "retail": "retail_item_id"}


class OrderLineInSchema(Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(LINE_KINDS))
    dish_id = ma.fields.Integer()
    portion = ma.fields.String(validate=ma.validate.OneOf(PORTIONS),
                               metadata={"description": "dish lines: full (default) or half (半份)"})
    set_meal_id = ma.fields.Integer()
    choices = ma.fields.List(ma.fields.Integer(), metadata={"description": "set meal lines: the chosen dish ids "
                                                                           "(fixed items may be left out)"})
    retail_item_id = ma.fields.Integer()
    quantity = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_QUANTITY))

    @validates_schema
    def _kind_fields(self, data, **kwargs):
        needed = _REQUIRED.get(data.get("kind", ""))
        if needed and needed not in data:
            raise ma.ValidationError(f"A {data['kind']} line needs {needed}.", needed)
        extra = [k for k in ("dish_id", "set_meal_id", "retail_item_id") if k in data and k != needed]
        if data.get("kind") != "dish" and "portion" in data:
            extra.append("portion")
        if data.get("kind") != "set_meal" and "choices" in data:
            extra.append("choices")
        if extra:
            raise ma.ValidationError(f"Not part of a {data.get('kind')} line.", extra[0])


class OrderCreateSchema(Schema):
    community_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    meal_service_id = ma.fields.Integer(required=True)
    lines = ma.fields.List(ma.fields.Nested(OrderLineInSchema), required=True,
                           validate=ma.validate.Length(min=1, max=MAX_LINES))
    mode = ma.fields.String(load_default="dine_in", validate=ma.validate.OneOf(MODES))
    channel = ma.fields.String(load_default="api", validate=ma.validate.OneOf(CHANNELS))
    pickup_time = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    diner_id = ma.fields.String(load_default=None, allow_none=True,
                                metadata={"description": "Counter staff ordering for a diner account"})


class OrderLineSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    dish_id = ma.fields.Integer(allow_none=True)
    portion = ma.fields.String(allow_none=True)
    set_meal_id = ma.fields.Integer(allow_none=True)
    retail_item_id = ma.fields.Integer(allow_none=True)
    choices = ma.fields.List(ma.fields.Dict())
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    quantity = ma.fields.Integer()
    unit_price_fen = ma.fields.Integer()
    line_total_fen = ma.fields.Integer()


class OrderAdjustmentSchema(Schema):
    code = ma.fields.String()
    label_zh = ma.fields.String()
    label_en = ma.fields.String()
    amount_fen = ma.fields.Integer()


class OrderSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.String()
    diner_id = ma.fields.String(allow_none=True)
    meal_service_id = ma.fields.Integer()
    channel = ma.fields.String()
    mode = ma.fields.String()
    pickup_number = ma.fields.Integer(metadata={"description": "Short number called at the counter, per day"})
    pickup_date = ma.fields.Date()
    pickup_ref = ma.fields.String(metadata={"description": "Secret reference in the QR code; also lets an "
                                                           "anonymous (kiosk) diner see or cancel the order"})
    pickup_time = ma.fields.DateTime(allow_none=True)
    state = ma.fields.String(attribute="effective_state", metadata={"enum": list(ORDER_STATES)})
    subtotal_fen = ma.fields.Integer()
    adjustments_fen = ma.fields.Integer()
    total_fen = ma.fields.Integer()
    currency = ma.fields.String()
    note = ma.fields.String()
    expires_at = ma.fields.DateTime()
    paid_at = ma.fields.DateTime(allow_none=True)
    preparing_at = ma.fields.DateTime(allow_none=True)
    ready_at = ma.fields.DateTime(allow_none=True)
    collected_at = ma.fields.DateTime(allow_none=True)
    cancelled_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    lines = ma.fields.List(ma.fields.Nested(OrderLineSchema))
    adjustments = ma.fields.List(ma.fields.Nested(OrderAdjustmentSchema))


class OrderQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date = ma.fields.Date(load_default=None)
    state = ma.fields.String(load_default=None, validate=ma.validate.OneOf(ORDER_STATES))
    diner_id = ma.fields.String(load_default=None)
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class OrderRefQuerySchema(Schema):
    ref = ma.fields.String(load_default=None, metadata={"description": "The order's pickup reference"})
