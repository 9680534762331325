"""Identity: JWT bearer tokens verified with PyJWT against public keys or a JWKS URL.

Tokens carry ``sub``, ``roles`` and ``communities``; :func:`current_identity` reads them once
per request, :func:`require_roles` guards a view, :meth:`Identity.require_community`
scopes a read or write to the residents' committees the user belongs to.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app, g, request

from linli.shared.errors import Forbidden, Unauthorized
from linli.shared.keys import ALGORITHM, SigningKey, ensure_signing_key

ROLES = ("diner", "volunteer", "team_lead", "staff", "manager", "admin")
STAFF_ROLES = ("staff", "manager")  # the residents' committee's staff; admin passes every role check
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Identity:
    subject: str
    roles: frozenset[str]
    communities: frozenset[str]
    name: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False)

    def has_role(self, *roles: str) -> bool:
        return "admin" in self.roles or bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    def is_staff_of(self, community_id: str) -> bool:
        return self.is_staff and self.belongs_to(community_id)

    def belongs_to(self, community_id: str) -> bool:
        return "*" in self.communities or community_id in self.communities

    def require_community(self, community_id: str) -> None:
        if not self.belongs_to(community_id):
            raise Forbidden(
                f"Your account does not act for community '{community_id}'.", code="wrong_community"
            )


class TokenVerifier:
    """Verifies tokens against PEM public keys and/or a JWKS endpoint."""

    def __init__(self, *, issuer: str, audience: str, public_keys: Iterable[Any] = (), jwks_url: str | None = None) -> None:
        self.issuer = issuer
        self.audience = audience
        self.public_keys = list(public_keys)
        self.jwks_client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5) if jwks_url else None

    def verify(self, token: str) -> Identity:
        try:
            claims = self._decode(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"The token was refused: {error}.", code="invalid_token") from None
        return Identity(
            subject=str(claims["sub"]),
            roles=frozenset(claims.get("roles", ())),
            communities=frozenset(claims.get("communities", ())),
            name=claims.get("name"),
            claims=claims,
        )

    def _decode(self, token: str) -> dict[str, Any]:
        if self.jwks_client is not None:
            candidates = [self.jwks_client.get_signing_key_from_jwt(token).key]
        else:
            candidates = self.public_keys
        if not candidates:
            raise jwt.InvalidKeyError("no verification key configured")
        error: jwt.PyJWTError = jwt.InvalidSignatureError("signature matches no configured key")
        for key in candidates:  # several keys while one is being rotated out
            try:
                return jwt.decode(
                    token,
                    key=key,
                    algorithms=[ALGORITHM, "ES256", "EdDSA"],
                    audience=self.audience,
                    issuer=self.issuer,
                    options={"require": ["exp", "iat", "sub", "iss"]},
                    leeway=30,
                )
            except jwt.InvalidSignatureError as exc:
                error = exc
        raise error


def mint_token(
    signing_key: SigningKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    roles: Iterable[str],
    communities: Iterable[str],
    name: str | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=8),
    extra: dict[str, Any] | None = None,
) -> str:
    now = dt.datetime.now(dt.UTC)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "roles": sorted(set(roles)),
        "communities": sorted(set(communities)),
    }
    if name:
        claims["name"] = name
    claims.update(extra or {})
    return jwt.encode(claims, signing_key.private_pem, algorithm=ALGORITHM, headers={"kid": signing_key.kid})


def init_auth(app: Flask) -> None:
    files = app.config["LINLI_JWT_PUBLIC_KEY_FILES"]
    keys: list[Any] = [serialization.load_pem_public_key(Path(f).read_bytes()) for f in files]
    if not keys and not app.config["LINLI_JWKS_URL"]:
        # embedded setup: the key pair under var/keys
        signing_key = ensure_signing_key(app.config["LINLI_VAR_DIR"])
        keys = [serialization.load_pem_public_key(signing_key.public_pem)]
    app.extensions["linli_auth"] = TokenVerifier(
        issuer=app.config["LINLI_JWT_ISSUER"],
        audience=app.config["LINLI_JWT_AUDIENCE"],
        public_keys=keys,
        jwks_url=app.config["LINLI_JWKS_URL"],
    )


def current_identity() -> Identity | None:
    """The caller's identity, or None when no token was sent (anonymous kiosk use)."""
    if "linli_identity" in g:
        known: Identity | None = g.linli_identity
        return known
    header = request.headers.get("Authorization", "")
    identity = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Use 'Authorization: Bearer <token>'.", code="invalid_token")
        identity = current_app.extensions["linli_auth"].verify(token.strip())
    elif request.cookies.get("linli_token"):
        identity = current_app.extensions["linli_auth"].verify(request.cookies["linli_token"])
    g.linli_identity = identity
    return identity


def require_identity() -> Identity:
    identity = current_identity()
    if identity is None:
        raise Unauthorized("Sign in first: send a bearer token.", code="missing_token")
    return identity


def require_roles(*roles: str) -> Callable[[F], F]:
    """Guard a view: the caller must be signed in and hold one of ``roles`` (admin always passes)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            identity = require_identity()
            if roles and not identity.has_role(*roles):
                raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.", code="missing_role")
            return view(*args, **kwargs)

        # read by linli.shared.api.check_operation_contract: authenticate before parsing input
        wrapper.linli_required_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def require_staff_of(identity: Identity, community_id: str) -> None:
    """Domain guard: only the committee's staff of this community go on (403 otherwise)."""
    if not identity.is_staff:
        raise Forbidden("Only staff of the residents' committee do this.", code="missing_role")
    identity.require_community(community_id)
