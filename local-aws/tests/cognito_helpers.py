"""Client-side helpers for the Cognito tests: a small SRP client, TOTP, SECRET_HASH,
the outbox, and boto3 clients.

The SRP client is written from the client's side of the protocol (A = g^a,
S = (B - k*g^x)^(a + u*x)) and does not import local_aws, so a server bug cannot be
mirrored by the test. Its Java-style padHex is checked against the vectors in
shared/conformance/srp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import struct
import time
from datetime import datetime, timezone
from urllib.parse import quote

import botocore.exceptions
import pytest

from conftest import boto_client, send

# RFC 5054 appendix A, 3072-bit group (g = 2).
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
g = 2


def pad_hex(n: int) -> str:
    """amazon-cognito-identity-js padHex: two's-complement hex, minimal, even length."""
    if n >= 0:
        h = format(n, "x")
        if len(h) % 2:
            h = "0" + h
        elif h[0] in "89abcdef":
            h = "00" + h
        return h
    # negative: two's complement of the smallest byte width that keeps the sign bit set
    width = 1
    while -(1 << (8 * width - 1)) > n:
        width += 1
    return format((1 << (8 * width)) + n, "x").rjust(2 * width, "0")


def _hash_hex(hex_string: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


K = int(_hash_hex(pad_hex(N) + pad_hex(g)), 16)


def cognito_timestamp(epoch: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if epoch is None else epoch, timezone.utc)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{days[moment.weekday()]} {months[moment.month - 1]} {moment.day} {moment:%H:%M:%S} UTC {moment.year}"


class SrpClient:
    def __init__(self, pool_id: str, a: int | None = None) -> None:
        self.pool_name = pool_id.split("_", 1)[1]
        self.a = a if a is not None else int.from_bytes(secrets.token_bytes(128), "big") % N
        self.A = pow(g, self.a, N)

    @property
    def srp_a(self) -> str:
        return format(self.A, "x")

    def signature(self, params: dict, password: str, timestamp: str) -> str:
        """PASSWORD_CLAIM_SIGNATURE for a PASSWORD_VERIFIER challenge's parameters."""
        user_id = params["USER_ID_FOR_SRP"]
        B = int(params["SRP_B"], 16)
        salt = int(params["SALT"], 16)
        u = int(_hash_hex(pad_hex(self.A) + pad_hex(B)), 16)
        identity = hashlib.sha256(f"{self.pool_name}{user_id}:{password}".encode()).hexdigest()
        x = int(_hash_hex(pad_hex(salt) + identity), 16)
        S = pow((B - K * pow(g, x, N)) % N, self.a + u * x, N)
        prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(S)), hashlib.sha256).digest()
        key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
        message = self.pool_name.encode() + user_id.encode() + base64.b64decode(params["SECRET_BLOCK"]) + timestamp.encode()
        return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()

    def answer(self, params: dict, password: str, timestamp: str | None = None) -> dict:
        timestamp = timestamp or cognito_timestamp()
        return {
            "USERNAME": params["USER_ID_FOR_SRP"],
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "TIMESTAMP": timestamp,
            "PASSWORD_CLAIM_SIGNATURE": self.signature(params, password, timestamp),
        }


def totp_code(secret_b32: str, at: float | None = None, step_offset: int = 0) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[19] & 15
    return str((int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 1_000_000).zfill(6)


def secret_hash(secret: str, username: str, client_id: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


_CLIENTS: dict[str, object] = {}


def idp(state: dict):
    """One boto3 client per server (creating clients is slow)."""
    if state["endpoint"] not in _CLIENTS:
        _CLIENTS[state["endpoint"]] = boto_client(state, "cognito-idp")
    return _CLIENTS[state["endpoint"]]


def refused(call, *args, **kwargs) -> dict:
    """Runs a boto3 call that must fail; returns its ``Error`` dict."""
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]


def outbox(state: dict, to: str) -> list[dict]:
    resp = send(state, "GET", f"/__local/outbox?to={quote(to)}")
    assert resp.status == 200, resp
    return resp.json()


def last_code(state: dict, to: str, purpose: str) -> str:
    messages = [m for m in outbox(state, to) if m["purpose"] == purpose]
    assert messages, f"no {purpose} message for {to}"
    return messages[-1]["code"]


def new_user(state: dict, username: str, password: str = "Test-Passw0rd!", *, pool: str = "userPoolId", attributes: dict | None = None) -> str:
    """A confirmed user with a permanent password, created through admin calls."""
    client = idp(state)
    attrs = attributes if attributes is not None else {"email": username, "email_verified": "true"}
    client.admin_create_user(
        UserPoolId=state[pool],
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(UserPoolId=state[pool], Username=username, Password=password, Permanent=True)
    return password


def password_login(state: dict, username: str, password: str, client_key: str = "clientId") -> dict:
    return idp(state).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=state[client_key], AuthParameters={"USERNAME": username, "PASSWORD": password}
    )


def srp_login(state: dict, username: str, password: str, *, pool: str = "userPoolId", client_key: str = "clientId", extra: dict | None = None) -> dict:
    """Full USER_SRP_AUTH; returns the RespondToAuthChallenge answer."""
    client = idp(state)
    srp_client = SrpClient(state[pool])
    start = client.initiate_auth(
        AuthFlow="USER_SRP_AUTH",
        ClientId=state[client_key],
        AuthParameters=dict({"USERNAME": username, "SRP_A": srp_client.srp_a}, **(extra or {})),
    )
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = dict(srp_client.answer(start["ChallengeParameters"], password), **(extra or {}))
    return client.respond_to_auth_challenge(ClientId=state[client_key], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
