"""Client-side helpers for the identity-pool and STS tests: unsigned boto3 clients, user-pool
ID tokens (real ones from sign-in, and forged ones signed with moto's user-pool key, which is
public in moto's package), the local OIDC provider, and an RS256 verifier written here with
``cryptography`` (independent of local_aws/identity/jwt.py)."""

from __future__ import annotations

import base64
import json

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from joserfc import jwk as jose_jwk
from joserfc import jwt as jose_jwt
from moto.utilities.utils import load_resource

from cognito_helpers import new_user, password_login
from conftest import send

_CLIENTS: dict[tuple[str, str], object] = {}


def unsigned(state: dict, service: str):
    """A boto3 client that never signs (what a browser without credentials sends)."""
    key = (state["endpoint"], service)
    if key not in _CLIENTS:
        _CLIENTS[key] = boto3.client(
            service,
            endpoint_url=state["endpoint"],
            region_name=state["region"],
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )
    return _CLIENTS[key]


def provider(state: dict, pool_key: str = "userPoolId") -> str:
    return f"cognito-idp.{state['region']}.amazonaws.com/{state[pool_key]}"


def sign_in(state: dict, username: str, *, client_key: str = "clientId", pool_key: str = "userPoolId", create: bool = True) -> dict:
    """Creates the user (once) and signs in; returns the AuthenticationResult."""
    if create:
        new_user(state, username, pool=pool_key)
    return password_login(state, username, "Test-Passw0rd!", client_key)["AuthenticationResult"]


_MOTO_KEY = jose_jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


def forged_pool_token(claims: dict) -> str:
    """A token signed with the user pools' real key (moto's), with any claims."""
    return jose_jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, _MOTO_KEY)


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def tamper(token: str) -> str:
    """Same header and signature, one claim changed."""
    head, _, sig = token.split(".")
    claims = claims_of(token)
    claims["sub"] = claims.get("sub", "") + "x"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{sig}"


def oidc_token(state: dict, **request) -> str:
    resp = send(state, "POST", "/__local/oidc/token", {"Content-Type": "application/json"}, json.dumps(request).encode())
    assert resp.status == 200, resp
    return resp.json()["idToken"]


def rs256_valid(token: str, jwks: dict) -> bool:
    def b64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    head, body, sig = token.split(".")
    header = json.loads(b64(head))
    if header.get("alg") != "RS256":
        return False
    for key in jwks["keys"]:
        if key["kid"] == header["kid"]:
            public = rsa.RSAPublicNumbers(int.from_bytes(b64(key["e"]), "big"), int.from_bytes(b64(key["n"]), "big")).public_key()
            try:
                public.verify(b64(sig), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
                return True
            except Exception:
                return False
    return False


def set_settings(state: dict, **settings) -> dict:
    resp = send(state, "POST", "/__local/settings", {"Content-Type": "application/json"}, json.dumps(settings).encode())
    assert resp.status == 200, resp
    return resp.json()
