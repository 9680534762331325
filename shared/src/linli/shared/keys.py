"""Signing keys for the embedded setup: an RSA key pair under var/keys, made on first run.

In production the hub (or a real OIDC provider) signs tokens and the services verify them
against its JWKS; this module only serves the no-server setup and tests.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: bytes
    public_pem: bytes

    def public_jwk(self) -> dict[str, str]:
        public_key = serialization.load_pem_public_key(self.public_pem)
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise ValueError(f"key {self.kid} is a {type(public_key).__name__}, not RSA")
        jwk: dict[str, str] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
        jwk.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return jwk


def _kid_for(public_pem: bytes) -> str:
    import hashlib

    return hashlib.sha256(public_pem).hexdigest()[:16]


def ensure_signing_key(var_dir: Path) -> SigningKey:
    """Load var/keys/jwt-private.pem, creating the pair once (safe when services race)."""
    key_dir = Path(var_dir) / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)
    private_path = key_dir / "jwt-private.pem"
    public_path = key_dir / "jwt-public.pem"
    if not private_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        tmp = key_dir / f".jwt-private.{os.getpid()}.tmp"
        tmp.write_bytes(private_pem)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, private_path)  # atomic: the first process wins
            (key_dir / f".jwt-public.{os.getpid()}.tmp").write_bytes(public_pem)
            os.replace(key_dir / f".jwt-public.{os.getpid()}.tmp", public_path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    private_pem = private_path.read_bytes()
    loaded = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{private_path} holds a {type(loaded).__name__}; tokens are signed with RSA")
    public_pem = loaded.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKey(kid=_kid_for(public_pem), private_pem=private_pem, public_pem=public_pem)
