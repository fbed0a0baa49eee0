"""A local OpenID Connect provider, so apps can test identity-pool ``Logins`` from a
provider other than the user pool.

``POST /__local/oidc/token`` with ``{"sub": "...", "aud"?: "...", "expiresIn"?: seconds}``
answers ``{"idToken": "..."}``: an RS256 ID token with ``iss`` = ``<endpoint>/__local/oidc``,
signed by a key made at start-up and published at ``/__local/oidc/.well-known/jwks.json``.
The identity pool accepts it under the Logins key ``127.0.0.1:PORT/__local/oidc`` (the
issuer without ``https://``, as AWS names OIDC providers) if the pool lists the provider's
ARN in ``OpenIdConnectProviderARNs`` and ``aud`` is one of the configured audiences (AWS keeps
those in the IAM OIDC provider's client-ID list).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from .jwt import SigningKey

PATH = "/__local/oidc"
DEFAULT_ACCOUNT = "123456789012"


def issuer(endpoint: str) -> str:
    return f"{endpoint}{PATH}"


def provider_name(endpoint: str) -> str:
    """The Logins key: the issuer without its scheme."""
    return issuer(endpoint).split("://", 1)[-1]


def provider_arn(endpoint: str, account: str = DEFAULT_ACCOUNT) -> str:
    """The IAM OIDC provider ARN an identity pool lists in ``OpenIdConnectProviderARNs``."""
    return f"arn:aws:iam::{account}:oidc-provider/{provider_name(endpoint)}"


class LocalOidc:
    def __init__(self, audiences: list[str], *, account: str = DEFAULT_ACCOUNT, token_seconds: int = 3600) -> None:
        self.audiences = list(audiences)
        self.account = account
        self.token_seconds = token_seconds
        self.key = SigningKey()
        self.endpoint: str | None = None  # set once the server knows its port

    @property
    def issuer(self) -> str:
        return issuer(self.endpoint or "")

    @property
    def provider(self) -> str:
        return provider_name(self.endpoint or "")

    @property
    def provider_arn(self) -> str:
        return provider_arn(self.endpoint or "", self.account)

    def mint(self, request: Any) -> dict:
        """Raises ValueError for a bad request body."""
        if not isinstance(request, dict):
            raise ValueError('send a JSON object: {"sub": "...", "aud"?: "...", "expiresIn"?: seconds}')
        unknown = set(request) - {"sub", "aud", "expiresIn", "claims"}
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        sub = request.get("sub")
        if not isinstance(sub, str) or not sub:
            raise ValueError('"sub" must be a non-empty string')
        aud = request.get("aud", self.audiences[0] if self.audiences else None)
        if not (isinstance(aud, str) and aud) and not (isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud)):
            raise ValueError('"aud" must be a string or a list of strings')
        expires_in = request.get("expiresIn", self.token_seconds)
        if not isinstance(expires_in, int) or isinstance(expires_in, bool):
            raise ValueError('"expiresIn" must be an integer number of seconds (negative: already expired)')
        extra = request.get("claims") or {}
        if not isinstance(extra, dict):
            raise ValueError('"claims" must be an object')
        now = int(time.time())
        claims = dict(extra)
        claims.update({"iss": self.issuer, "sub": sub, "aud": aud, "iat": now, "exp": now + expires_in, "jti": str(uuid.uuid4())})
        return {"idToken": self.key.sign(claims), "issuer": self.issuer, "provider": self.provider}

    def configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
            "token_endpoint": f"{self.issuer}/token",
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["id_token"],
        }
