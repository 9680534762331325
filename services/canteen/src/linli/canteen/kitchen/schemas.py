import marshmallow as ma

from linli.canteen.kitchen.service import TRANSITIONS
from linli.canteen.orders.schemas import OrderSchema
from linli.shared.api import Schema


class QueueQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date = ma.fields.Date(load_default=None, metadata={"description": "Pickup date; default today (Shanghai)"})
    meal_service_id = ma.fields.Integer(load_default=None)
    include_collected = ma.fields.Boolean(load_default=False)


class QueueSchema(Schema):
    community_id = ma.fields.String()
    date = ma.fields.Date()
    meal_service_id = ma.fields.Integer(allow_none=True)
    etag = ma.fields.String(metadata={"description": "Send back as If-None-Match to poll cheaply (304)"})
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    orders = ma.fields.List(ma.fields.Nested(OrderSchema))


class AdvanceSchema(Schema):
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(TRANSITIONS)))


class CollectSchema(Schema):
    pickup_ref = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
