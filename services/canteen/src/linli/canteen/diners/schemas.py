import datetime as dt

import marshmallow as ma

from linli.canteen.diners.meal_card import MAX_TOP_UP_FEN
from linli.canteen.diners.models import GROUPS
from linli.shared.api import Schema
from linli.shared.localtime import local_today

COMMUNITY = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))


class CommunityQuerySchema(Schema):
    community_id = COMMUNITY


class DinerProfileInSchema(Schema):
    community_id = COMMUNITY
    display_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    groups = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(GROUPS)), load_default=list,
                            metadata={"description": "elderly_alone (孤老), disabled (残疾人)"})
    subsidy_eligible = ma.fields.Boolean(load_default=False)

    @ma.validates("birth_date")
    def _past(self, value, **kwargs):
        if value is not None and not (dt.date(1900, 1, 1) <= value <= local_today()):
            raise ma.ValidationError("The birth date must be a real date in the past.")


class DinerProfileSchema(Schema):
    diner_id = ma.fields.String()
    community_id = ma.fields.String()
    display_name = ma.fields.String()
    birth_date = ma.fields.Date(allow_none=True)
    groups = ma.fields.List(ma.fields.String())
    subsidy_eligible = ma.fields.Boolean()
    source = ma.fields.String()
    updated_at = ma.fields.DateTime()


class SubsidyQuoteSchema(Schema):
    offered = ma.fields.Boolean()
    eligible = ma.fields.Boolean()
    per_meal_fen = ma.fields.Integer()
    meals_left_today = ma.fields.Integer()
    available_fen = ma.fields.Integer()


class TopUpSchema(Schema):
    community_id = COMMUNITY
    amount_fen = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_TOP_UP_FEN))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class MealCardSchema(Schema):
    diner_id = ma.fields.String()
    community_id = ma.fields.String()
    balance_fen = ma.fields.Integer()
    currency = ma.fields.String()
    updated_at = ma.fields.DateTime()


class LedgerEntrySchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "top_up, charge or refund"})
    amount_fen = ma.fields.Integer(metadata={"description": "signed: + top-up / refund, - charge"})
    balance_after_fen = ma.fields.Integer()
    payment_id = ma.fields.Integer(allow_none=True)
    created_by = ma.fields.String()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()


class LedgerSchema(Schema):
    card = ma.fields.Nested(MealCardSchema)
    ledger_sum_fen = ma.fields.Integer()
    entries = ma.fields.List(ma.fields.Nested(LedgerEntrySchema))


class KioskCardInSchema(Schema):
    community_id = COMMUNITY
    card_number = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d{6,16}$", error="6 to 16 digits"),
                                   metadata={"description": "printed on the meal card, or typed in by a card reader"})
    pin = ma.fields.String(required=True, load_only=True, validate=ma.validate.Regexp(r"^\d{4,6}$",
                                                                                       error="4 to 6 digits"))


class KioskCardSchema(Schema):
    community_id = ma.fields.String()
    diner_id = ma.fields.String()
    card_number = ma.fields.String()
    issued_by = ma.fields.String()
    locked_until = ma.fields.AwareDateTime(allow_none=True)
