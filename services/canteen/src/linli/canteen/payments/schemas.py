import marshmallow as ma

from linli.shared.api import Schema

MAX_FEN = 10_000_000


class PaymentCreateSchema(Schema):
    provider = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32),
                                metadata={"description": "cash, meal_card, subsidy, stripe or a plugin's"})
    amount_fen = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_FEN), metadata={
        "description": "Part of the order to pay this way (split payment); default: all that is owed"})
    payment_method = ma.fields.String(validate=ma.validate.Length(min=3, max=255), metadata={
        "description": "Stripe only: a PaymentMethod id to confirm at once (counter terminal); "
                       "without it the browser confirms with the returned client_secret"})


class PaymentSchema(Schema):
    id = ma.fields.Integer()
    order_id = ma.fields.Integer()
    community_id = ma.fields.String()
    diner_id = ma.fields.String(allow_none=True)
    provider = ma.fields.String()
    amount_fen = ma.fields.Integer()
    currency = ma.fields.String()
    state = ma.fields.String(metadata={"description": "created, pending, succeeded, failed or canceled"})
    refunded_fen = ma.fields.Integer()
    external_ref = ma.fields.String(allow_none=True)
    failure_code = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    confirmed_at = ma.fields.DateTime(allow_none=True)


class StartedPaymentSchema(PaymentSchema):
    client_secret = ma.fields.String(allow_none=True, metadata={"description": "Stripe: for the Payment Element"})
    publishable_key = ma.fields.String(allow_none=True)
    payment_method_types = ma.fields.List(ma.fields.String())


class ProviderSchema(Schema):
    identifier = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    needs_diner = ma.fields.Boolean()


class OrderPaymentsSchema(Schema):
    order_id = ma.fields.Integer()
    order_state = ma.fields.String()
    total_fen = ma.fields.Integer()
    currency = ma.fields.String()
    paid_fen = ma.fields.Integer()
    refunded_fen = ma.fields.Integer()
    owed_fen = ma.fields.Integer(metadata={"description": "Total minus payments succeeded or still open"})
    payments = ma.fields.List(ma.fields.Nested(PaymentSchema))
    providers = ma.fields.List(ma.fields.Nested(ProviderSchema))


class RefundCreateSchema(Schema):
    amount_fen = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_FEN),
                                   metadata={"description": "Default: all that is left to refund"})
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class RefundSchema(Schema):
    id = ma.fields.Integer()
    payment_id = ma.fields.Integer()
    provider = ma.fields.String()
    amount_fen = ma.fields.Integer()
    state = ma.fields.String()
    external_ref = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    created_at = ma.fields.DateTime()


class WebhookResultSchema(Schema):
    status = ma.fields.String()
    id = ma.fields.String()


class TakingsQuerySchema(Schema):
    community_id = ma.fields.String(required=True)
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data["date_from"] > data["date_to"]:
            raise ma.ValidationError("date_from must not be after date_to.", "date_to")


class TakingsSchema(Schema):
    community_id = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    takings_fen = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
