"""In-memory records the Cognito layer keeps next to moto's own user pool objects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AuthSession:
    """One step of a sign-in: what the client may answer next, and until when."""

    id: str
    pool_id: str
    client_id: str
    username: str | None  # moto's internal username; None for a simulated (unknown-user) session
    expected: set[str]
    expires: float
    admin: bool = False
    names: set[str] = field(default_factory=set)  # every USERNAME the client may send back
    data: dict = field(default_factory=dict)
    failures: int = 0


@dataclass
class CodeEntry:
    code: str
    expires: float
    channel: str
    destination: str
    attribute: str  # "email" | "phone_number"
    failures: int = 0
    used: bool = False


@dataclass
class RefreshRecord:
    token: str
    pool_id: str
    client_id: str
    username: str
    origin_jti: str
    auth_time: int
    expires: float
    family: str
    scope: str = "aws.cognito.signin.user.admin"  # the access tokens' scope (OAuth scopes from managed login)
    revoked: bool = False
    rotated_at: float | None = None
    access_tokens: set[str] = field(default_factory=set)
    id_tokens: set[str] = field(default_factory=set)


@dataclass
class AccessRecord:
    pool_id: str
    client_id: str
    username: str
    expires: float
    refresh: str | None
    id_token: str | None = None
    revoked: bool = False
    scope: str = "aws.cognito.signin.user.admin"


@dataclass
class MfaState:
    totp_secret: str | None = None  # verified software token secret
    pending_secret: str | None = None  # from AssociateSoftwareToken, until verified
    last_counter: int = -1  # last accepted TOTP time step (no replay)
    email_enabled: bool = False


@dataclass
class SrpVerifier:
    password_digest: bytes
    user_id_for_srp: str
    salt: int
    v: int
