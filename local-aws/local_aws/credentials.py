"""The credential store the SigV4 verifier checks requests against.

Long-term keys (AKIA...) have no session token and no expiry. Temporary keys
(ASIA..., as an identity pool hands out) carry a session token that every request
must repeat in X-Amz-Security-Token, and an expiry after which AWS answers
ExpiredToken / ExpiredTokenException. Add them with ``CredentialStore.add``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Credential:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None  # timezone-aware UTC; None = never expires
    # Who the key belongs to, for IAM policy evaluation. None (long-term dev keys): full access.
    # Identity-pool credentials carry the assumed role and the identity id (${cognito-identity.amazonaws.com:sub}).
    role_arn: str | None = None
    identity_id: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expiration is not None and now >= self.expiration

    @classmethod
    def from_json(cls, data: dict) -> "Credential":
        """``{"accessKeyId", "secretAccessKey", "sessionToken"?, "expiration"?, "roleArn"?, "identityId"?}``;
        expiration is epoch seconds or an ISO-8601 string; roleArn/identityId make it a role
        session whose requests are checked against that role's policy (authorize.py)."""
        expiration = data.get("expiration")
        if isinstance(expiration, (int, float)):
            expiration = datetime.fromtimestamp(expiration, timezone.utc)
        elif isinstance(expiration, str):
            expiration = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
            if expiration.tzinfo is None:
                expiration = expiration.replace(tzinfo=timezone.utc)
        return cls(
            access_key_id=data["accessKeyId"],
            secret_access_key=data["secretAccessKey"],
            session_token=data.get("sessionToken"),
            expiration=expiration,
            role_arn=data.get("roleArn"),
            identity_id=data.get("identityId"),
        )


class CredentialStore:
    """accessKeyId -> Credential, safe to use from the server's request threads."""

    def __init__(self, credentials: list[Credential] = ()) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, Credential] = {}
        for credential in credentials:
            self.add(credential)

    def add(self, credential: Credential) -> None:
        with self._lock:
            self._by_key[credential.access_key_id] = credential

    def remove(self, access_key_id: str) -> None:
        with self._lock:
            self._by_key.pop(access_key_id, None)

    def get(self, access_key_id: str) -> Credential | None:
        with self._lock:
            return self._by_key.get(access_key_id)
