"""The hub's token signing key and the JWKS that the other services verify against.

Embedded setup: the key pair under ``var/keys`` (``linli.shared.keys.ensure_signing_key``).
Production: ``LINLI_JWT_PRIVATE_KEY_FILE`` names a PEM private key (RSA); its public half is served at
``/.well-known/jwks.json``. During a key rotation ``LINLI_JWT_EXTRA_PUBLIC_KEY_FILES`` (comma-separated
PEM public keys) keeps the old key in the JWKS until the tokens it signed have expired.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app

from linli.shared.keys import SigningKey, ensure_signing_key


def load_private_key_file(path: str | Path) -> SigningKey:
    private_pem = Path(path).read_bytes()
    key = serialization.load_pem_private_key(private_pem, password=None)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKey(kid=hashlib.sha256(public_pem).hexdigest()[:16], private_pem=private_pem, public_pem=public_pem)


def _public_only(path: str) -> SigningKey:
    public_pem = Path(path).read_bytes()
    return SigningKey(kid=hashlib.sha256(public_pem).hexdigest()[:16], private_pem=b"", public_pem=public_pem)


def init_keys(app: Flask) -> None:
    path = app.config.get("LINLI_JWT_PRIVATE_KEY_FILE") or os.environ.get("LINLI_JWT_PRIVATE_KEY_FILE")
    key = load_private_key_file(path) if path else ensure_signing_key(app.config["LINLI_VAR_DIR"])
    extra = app.config.get("LINLI_JWT_EXTRA_PUBLIC_KEY_FILES")
    if extra is None:
        extra = [p for p in os.environ.get("LINLI_JWT_EXTRA_PUBLIC_KEY_FILES", "").split(",") if p]
    app.extensions["linli_signing_key"] = key
    app.extensions["linli_jwks"] = {"keys": [key.public_jwk(), *(_public_only(p).public_jwk() for p in extra)]}


def signing_key() -> SigningKey:
    return current_app.extensions["linli_signing_key"]


def jwks() -> dict[str, Any]:
    return current_app.extensions["linli_jwks"]
