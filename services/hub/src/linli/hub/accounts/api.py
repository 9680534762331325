"""Routes of accounts and tokens: sign-in, JWKS, accounts, password change, disabling."""

from flask_smorest import Blueprint

from linli.hub.accounts import service
from linli.hub.accounts.keys import jwks
from linli.hub.accounts.schemas import (
    AccountCreateSchema,
    AccountQuerySchema,
    AccountSchema,
    LoginSchema,
    PasswordChangeSchema,
    TokenSchema,
)
from linli.hub.accounts.setup import login_rate_limit
from linli.shared.auth import STAFF_ROLES, current_identity, require_identity, require_roles

blp = Blueprint("accounts", __name__, description="Accounts, sign-in and the token keys (JWKS)")


@blp.post("/api/auth/token")
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
def issue_token(data):
    """Sign in with username and password; returns a short-lived bearer token (rate-limited)."""
    login_rate_limit()
    return service.login(data["username"], data["password"])


JWKS_RESPONSE = {"description": "A JSON Web Key Set", "content": {"application/json": {"schema": {
    "type": "object", "required": ["keys"],
    "properties": {"keys": {"type": "array", "items": {"type": "object", "required": ["kty"],
                                                         "additionalProperties": True}}}}}}}


@blp.get("/.well-known/jwks.json")
@blp.doc(responses={"200": JWKS_RESPONSE})
def jwks_document():
    """The public keys that verify hub tokens (RFC 7517)."""
    return jwks(), 200, {"Cache-Control": "public, max-age=300"}


@blp.post("/api/accounts")
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def create_account(data):
    """Create an account (staff: residents, volunteers, team leads of their communities)."""
    return service.create_account(current_identity(), **data)


@blp.get("/api/accounts")
@blp.arguments(AccountQuerySchema, location="query")
@blp.response(200, AccountSchema(many=True))
@blp.doc(security=[{"bearer": []}])
@require_roles(*STAFF_ROLES)
def list_accounts(query):
    """Accounts of one community."""
    return service.list_accounts(require_identity(), **query)


@blp.get("/api/accounts/me")
@blp.response(200, AccountSchema)
@blp.doc(security=[{"bearer": []}])
def me():
    """The signed-in account."""
    return service.account_of(require_identity())


@blp.post("/api/accounts/me/password")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.doc(security=[{"bearer": []}])
def change_password(data):
    """Change your own password (the current one is required)."""
    service.change_password(require_identity(), **data)


@blp.post("/api/accounts/<int:account_id>/disable")
@blp.response(200, AccountSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles("admin", "manager")
def disable(account_id):
    """Disable an account: it can no longer sign in; tokens already issued expire within their short TTL."""
    return service.set_disabled(require_identity(), account_id, disabled=True)


@blp.post("/api/accounts/<int:account_id>/enable")
@blp.response(200, AccountSchema)
@blp.doc(security=[{"bearer": []}])
@require_roles("admin", "manager")
def enable(account_id):
    """Re-enable a disabled account."""
    return service.set_disabled(require_identity(), account_id, disabled=False)
