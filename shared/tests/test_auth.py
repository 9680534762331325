"""Tokens: issuer, audience, expiry, roles and the communities claim."""

import datetime as dt

import jwt
import pytest

from linli.shared.auth import Identity, TokenVerifier, mint_token
from linli.shared.errors import Forbidden, Unauthorized
from linli.shared.keys import ensure_signing_key


@pytest.fixture
def key(tmp_path):
    return ensure_signing_key(tmp_path)


def verifier(key, **kwargs):
    from cryptography.hazmat.primitives import serialization

    public = serialization.load_pem_public_key(key.public_pem)
    return TokenVerifier(issuer=kwargs.get("issuer", "linli-hub"), audience="linli", public_keys=[public])


def token(key, **overrides):
    args = {"issuer": "linli-hub", "audience": "linli", "subject": "u1", "roles": ["staff"],
            "communities": ["north-bund"]}
    args.update(overrides)
    return mint_token(key, **args)


def test_valid_token_gives_identity(key):
    identity = verifier(key).verify(token(key))
    assert identity.subject == "u1" and identity.roles == {"staff"} and identity.is_staff
    identity.require_community("north-bund")
    with pytest.raises(Forbidden):
        identity.require_community("fenglin-huiyuan")


@pytest.mark.parametrize("overrides", [
    {"issuer": "someone-else"},
    {"audience": "other"},
    {"ttl": dt.timedelta(seconds=-120)},
])
def test_refused_tokens(key, overrides):
    with pytest.raises(Unauthorized):
        verifier(key).verify(token(key, **overrides))


def test_token_signed_by_another_key_is_refused(key, tmp_path_factory):
    other = ensure_signing_key(tmp_path_factory.mktemp("other"))
    with pytest.raises(Unauthorized):
        verifier(key).verify(token(other))


def test_none_algorithm_is_refused(key):
    forged = jwt.encode({"iss": "linli-hub", "aud": "linli", "sub": "x", "iat": 0, "exp": 2**31, "roles": ["admin"]},
                        key=None, algorithm="none")
    with pytest.raises(Unauthorized):
        verifier(key).verify(forged)


def test_admin_passes_role_checks_and_star_community():
    admin = Identity("a", frozenset({"admin"}), frozenset({"*"}))
    assert admin.has_role("manager") and admin.belongs_to("anywhere")


def test_key_pair_is_made_once(tmp_path):
    assert ensure_signing_key(tmp_path).kid == ensure_signing_key(tmp_path).kid
    assert ensure_signing_key(tmp_path).public_jwk()["kty"] == "RSA"
