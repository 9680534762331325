"""Password and PIN hashing (argon2id) for the services that keep secrets: the hub's accounts, the
canteen's kiosk cards. Under ``TESTING`` a cheap profile keeps the tests fast."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_STRONG = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # tests only (TESTING=True)
_DUMMY_HASH = _STRONG.hash("linli-no-such-secret")


def hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("TESTING") else _STRONG


def hash_secret(secret: str) -> str:
    return hasher().hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when ``secret`` matches; with no stored hash, spend the same time and say False, so
    that timing does not tell whether an account or card exists."""
    try:
        return hasher().verify(stored_hash or _DUMMY_HASH, secret) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False
