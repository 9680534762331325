"""Tokens that must not pass, on each service: expired, another issuer, another audience, unsigned
(alg=none), signed with the public key as an HMAC secret, signed by a key the service does not know
(also when it verifies against a JWKS URL) - all 401 problem+json ``invalid_token``."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from linli.shared.keys import SigningKey, ensure_signing_key

# an operation of each service that needs a token and answers 200 to a good one
PROTECTED = {
    "canteen": "/api/orders?community_id=north-bund",
    "hub": "/api/teams?community_id=north-bund",
    "cases": "/api/cases/mine",
}


def claims(**override):
    now = dt.datetime.now(dt.UTC)
    base = {"iss": "linli-hub", "aud": "linli", "sub": "token-test", "iat": now, "nbf": now,
            "exp": now + dt.timedelta(minutes=10), "jti": uuid.uuid4().hex, "roles": ["staff"],
            "communities": ["north-bund"]}
    base.update(override)
    return {k: v for k, v in base.items() if v is not None}


def stranger_key() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return SigningKey("stranger", private, public)


def bad_tokens(key: SigningKey) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    sign = lambda body, signer=key: jwt.encode(body, signer.private_pem, algorithm="RS256",  # noqa: E731
                                                headers={"kid": signer.kid})
    stranger = stranger_key()
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    return {
        "expired": sign(claims(iat=now - dt.timedelta(hours=2), nbf=now - dt.timedelta(hours=2),
                               exp=now - dt.timedelta(minutes=5))),
        "wrong issuer": sign(claims(iss="someone-else")),
        "wrong audience": sign(claims(aud="another-app")),
        "no expiry": sign(claims(exp=None)),
        "alg none": jwt.encode(claims(), None, algorithm="none"),
        "hmac with the public key": _hmac_token(header, claims(), key.public_pem),
        "unknown key": sign(claims(), stranger),
        "unknown key, known kid": jwt.encode(claims(), stranger.private_pem, algorithm="RS256",
                                             headers={"kid": key.kid}),
        "garbage": "not.a.token",
    }


def _hmac_token(header: dict, body: dict, secret: bytes) -> str:
    """An HS256 token keyed with the RSA public key (the algorithm-confusion attack), made by hand
    since PyJWT refuses to use a PEM key as an HMAC secret."""
    import base64
    import hashlib
    import hmac

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = json.loads(json.dumps(body, default=lambda v: int(v.timestamp())))
    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def assert_refused(client, url: str, token: str, label: str) -> None:
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, (label, response.status_code, response.get_data(as_text=True)[:300])
    assert response.content_type.startswith("application/problem+json"), label
    assert response.json["code"] == "invalid_token", (label, response.json)


@pytest.mark.parametrize("service", list(PROTECTED))
def test_bad_tokens_are_refused(service, service_app, linli_var_dir, tokens):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app)
    client = app.test_client()
    good = client.get(PROTECTED[service], headers={"Authorization": f"Bearer {tokens('staff', sub='token-test')}"})
    assert good.status_code == 200, good.get_data(as_text=True)[:300]
    key = ensure_signing_key(linli_var_dir)
    for label, token in bad_tokens(key).items():
        assert_refused(client, PROTECTED[service], token, label)
        # the same token as the page cookie is no better: the pages treat its bearer as signed out
        client.set_cookie("linli_token", token)
        assert client.get(PROTECTED[service]).status_code == 401, label
        client.delete_cookie("linli_token")


@pytest.fixture
def jwks_server(linli_var_dir):
    """The hub's JWKS (the test key) served on loopback, as a real identity provider would."""
    document = json.dumps({"keys": [ensure_signing_key(linli_var_dir).public_jwk()]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("service", list(PROTECTED))
def test_bad_tokens_are_refused_against_a_jwks(service, service_app, jwks_server, linli_var_dir, tokens):
    app = service_app(service, importlib.import_module(f"linli.{service}.app").create_app, LINLI_JWKS_URL=jwks_server)
    client = app.test_client()
    good = client.get(PROTECTED[service], headers={"Authorization": f"Bearer {tokens('staff', sub='token-test')}"})
    assert good.status_code == 200, good.get_data(as_text=True)[:300]
    for label, token in bad_tokens(ensure_signing_key(linli_var_dir)).items():
        assert_refused(client, PROTECTED[service], token, label)
