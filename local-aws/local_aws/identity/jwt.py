"""RS256 JSON Web Tokens, signed and verified with ``cryptography`` only.

Deliberately small and strict: three base64url parts, a JSON object header and payload,
``alg: RS256`` and a ``kid`` found in the verifying key set; nothing else is accepted
(no ``alg: none``, no HMAC, no embedded keys).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not all(c.isalnum() or c in "-_" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def public_key_from_jwk(jwk: dict) -> rsa.RSAPublicKey:
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


class MalformedToken(ValueError):
    """Not three base64url parts with a JSON object header and payload."""


@dataclass(frozen=True)
class ParsedToken:
    header: dict
    claims: dict
    signing_input: bytes
    signature: bytes


def parse(token: Any) -> ParsedToken:
    """Decodes without verifying. Raises MalformedToken."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise MalformedToken("not a JWS compact serialization")
    head, body, sig = token.split(".")
    try:
        header = json.loads(b64url_decode(head))
        claims = json.loads(b64url_decode(body))
        signature = b64url_decode(sig)
    except ValueError as failure:
        raise MalformedToken(str(failure)) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise MalformedToken("header and payload must be JSON objects")
    return ParsedToken(header, claims, f"{head}.{body}".encode("ascii"), signature)


def verify_signature(token: ParsedToken, jwks: dict) -> bool:
    """True if ``token`` is RS256-signed by the key of its ``kid`` in ``jwks`` (``{"keys": [...]}``)."""
    if token.header.get("alg") != "RS256" or not isinstance(token.header.get("kid"), str):
        return False
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == token.header["kid"] and jwk.get("kty") == "RSA":
            try:
                public_key_from_jwk(jwk).verify(token.signature, token.signing_input, padding.PKCS1v15(), hashes.SHA256())
                return True
            except (InvalidSignature, ValueError, KeyError):
                return False
    return False


class SigningKey:
    """A fresh 2048-bit RSA key (per server start) that signs RS256 tokens and publishes its JWKS."""

    def __init__(self, kid: str | None = None) -> None:
        self.kid = kid or secrets.token_hex(8)
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(self, claims: dict, *, typ: str | None = "JWT") -> str:
        header: dict[str, Any] = {"kid": self.kid, "alg": "RS256"}
        if typ:
            header["typ"] = typ
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        signature = self._private.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def jwks(self) -> dict:
        numbers = self._private.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid, "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}]}
