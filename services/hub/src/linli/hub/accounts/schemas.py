import marshmallow as ma

from linli.hub.accounts.models import ACCOUNT_KINDS
from linli.shared.api import Schema
from linli.shared.auth import ROLES


class LoginSchema(Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=256))


class TokenSchema(Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer(metadata={"description": "Seconds until the token expires"})


class AccountCreateSchema(Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z0-9][a-z0-9._-]{2,63}$"))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=8, max=256))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    kind = ma.fields.String(load_default="resident", validate=ma.validate.OneOf(ACCOUNT_KINDS))
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)), load_default=["diner"])
    communities = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=64)), required=True)
    resident_id = ma.fields.Integer(load_default=None, allow_none=True)
    phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32))


class AccountSchema(Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    kind = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    communities = ma.fields.List(ma.fields.String())
    disabled = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    last_login_at = ma.fields.DateTime(allow_none=True)


class AccountQuerySchema(Schema):
    community_id = ma.fields.String(required=True)


class PasswordChangeSchema(Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=8, max=256))
