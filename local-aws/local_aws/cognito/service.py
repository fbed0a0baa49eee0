"""Cognito user pool operations that local-aws answers itself instead of moto.

moto keeps the user pools, app clients and users (so admin calls, seeding and
``GetUser``-style lookups keep working), but it accepts any code and any SRP proof,
ignores SECRET_HASH, shares one TOTP secret and cannot revoke tokens. Every operation
in ``CognitoLayer.HANDLERS`` is therefore implemented here against moto's backend
objects; everything else goes to moto untouched (after the access-token check below).

Tokens stay moto-signed: they are minted with the user pool's own ``create_jwt`` and
registered in the pool's ``access_tokens``/``id_tokens`` maps, so moto's own operations
(e.g. ``UpdateUserAttributes``) accept them, and removed from there when revoked.

Error types and messages follow Cognito; where Cognito's documentation says how it
behaves the page is cited next to the code. Where it does not, README.md lists the
choice made here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.core.exceptions import JsonRESTError

from ..errors import AwsError
from . import srp, totp
from .devices import DEVICE_CHALLENGES, Devices
from .webauthn import WebAuthn
from .outbox import Outbox
from .state import AccessRecord, AuthSession, CodeEntry, MfaState, RefreshRecord, SrpVerifier



def _role_claims(groups) -> dict[str, Any]:
    """The ID token's cognito:roles (every RoleArn of the user's groups) and cognito:preferred_role:
    "set to the role from the group with the best (lowest) Precedence value. If there is only one
    allowed role, cognito:preferred_role is set to that role. If there are multiple roles and no
    single role has the best precedence, this claim is not set." (developer guide, "Using
    role-based access control", token-based mapping; a group without Precedence ranks last.)
    https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html"""
    # Best precedence first (a group without one last), then by name: a stable order.
    with_roles = sorted((g for g in groups if getattr(g, "role_arn", None)), key=lambda g: (g.precedence is None, g.precedence or 0, g.group_name))
    roles = list(dict.fromkeys(g.role_arn for g in with_roles))
    if not roles:
        return {}
    claims: dict[str, Any] = {"cognito:roles": roles}
    ranked = [g for g in with_roles if g.precedence is not None]
    if len(roles) == 1:
        claims["cognito:preferred_role"] = roles[0]
    elif ranked:
        best = min(g.precedence for g in ranked)
        top = {g.role_arn for g in ranked if g.precedence == best}
        if len(top) == 1:
            claims["cognito:preferred_role"] = top.pop()
    return claims

class CognitoError(AwsError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(400, code, message)


def _not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


INCORRECT = "Incorrect username or password."
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
CODE_MISMATCH = "Invalid verification code provided, please try again."
CODE_EXPIRED = "Invalid code provided, please request a code again."
ATTEMPTS_EXCEEDED = "Attempt limit exceeded, please try after some time."
MFA_MISMATCH = "Invalid code or auth state for the user."
# The scope of access tokens from the API sign-in flows; managed login grants OAuth scopes instead.
API_SCOPE = "aws.cognito.signin.user.admin"


@dataclass
class Settings:
    """The ``"cognito"`` section of config.json (all optional)."""

    # Sign-up and attribute codes: 24 h; forgot-password: 1 h; sign-in MFA/OTP codes: 3 min.
    # https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
    # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-sms-email-message.html
    code_lifetimes: dict[str, float] = field(
        default_factory=lambda: {"SIGN_UP": 86400, "FORGOT_PASSWORD": 3600, "VERIFY_ATTRIBUTE": 86400, "MFA": 180, "OTP": 180}
    )
    max_code_attempts: int = 5
    # "Amazon Cognito requires that your application respond to this challenge within a
    # few seconds" (RespondToAuthChallenge, PASSWORD_VERIFIER).
    srp_challenge_seconds: float = 60
    srp_timestamp_skew_seconds: float = 300
    # None: the app client's AuthSessionValidity (minutes, default 3).
    auth_session_seconds: float | None = None
    # None: the app client's AccessTokenValidity / IdTokenValidity / RefreshTokenValidity.
    token_lifetimes: dict[str, float | None] = field(default_factory=lambda: {"access": None, "id": None, "refresh": None})
    # Managed login's authorization codes: "valid for five minutes"
    # (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
    authorization_code_seconds: float = 300

    @classmethod
    def from_config(cls, data: dict | None) -> "Settings":
        data = data or {}
        settings = cls()
        settings.code_lifetimes.update(data.get("codeLifetimeSeconds") or {})
        settings.max_code_attempts = int(data.get("maxCodeAttempts", settings.max_code_attempts))
        settings.srp_challenge_seconds = float(data.get("srpChallengeSeconds", settings.srp_challenge_seconds))
        settings.srp_timestamp_skew_seconds = float(data.get("srpTimestampSkewSeconds", settings.srp_timestamp_skew_seconds))
        if data.get("authSessionSeconds") is not None:
            settings.auth_session_seconds = float(data["authSessionSeconds"])
        settings.token_lifetimes.update(data.get("tokenLifetimeSeconds") or {})
        if data.get("authorizationCodeSeconds") is not None:
            settings.authorization_code_seconds = float(data["authorizationCodeSeconds"])
        return settings


ALL_FLOWS = [
    "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH",
]
PUBLIC_FLOWS = {"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"}
ADMIN_FLOWS = {"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"}
# Which ExplicitAuthFlows entry (new or legacy name) enables a flow.
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ExplicitAuthFlows
FLOW_SWITCHES = {
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "REFRESH_TOKEN": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "USER_AUTH": {"ALLOW_USER_AUTH"},
}
# An app client created without ExplicitAuthFlows allows these.
DEFAULT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise CognitoError("InvalidParameterException", f"Missing required parameter {name}")
    if not isinstance(value, str):
        raise CognitoError("InvalidParameterException", f"Invalid value for parameter {name}")
    return value


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """base64(HMAC-SHA256(client secret, username + client id)).
    https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash"""
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(number: str) -> str:
    digits = number[1:] if number.startswith("+") else number
    return "+" + "*" * max(len(digits) - 4, 0) + digits[-4:]


def _attr(user, name: str) -> str | None:
    return user.attribute_lookup.get(name) if user is not None else None


def _verified(user, name: str) -> bool:
    return str(_attr(user, f"{name}_verified") or "").lower() == "true"


class CognitoLayer:
    def __init__(self, settings: Settings | None = None, outbox: Outbox | None = None) -> None:
        self.settings = settings or Settings()
        self.outbox = outbox or Outbox()
        self._lock = threading.RLock()
        self.sessions: dict[str, AuthSession] = {}
        self.srp_blocks: dict[str, str] = {}  # SECRET_BLOCK -> session id
        self.codes: dict[tuple, CodeEntry] = {}
        self.refresh: dict[str, RefreshRecord] = {}
        self.access: dict[str, AccessRecord] = {}
        self.mfa: dict[tuple[str, str], MfaState] = {}
        self.verifiers: dict[tuple[str, str], SrpVerifier] = {}
        self.email_mfa_config: dict[str, dict] = {}  # pool id -> EmailMfaConfiguration
        self.HANDLERS: dict[str, Callable[[dict], dict]] = {
            "InitiateAuth": lambda p: self.initiate_auth(p, admin=False),
            "AdminInitiateAuth": lambda p: self.initiate_auth(p, admin=True),
            "RespondToAuthChallenge": lambda p: self.respond_to_auth_challenge(p, admin=False),
            "AdminRespondToAuthChallenge": lambda p: self.respond_to_auth_challenge(p, admin=True),
            "SignUp": self.sign_up,
            "ConfirmSignUp": self.confirm_sign_up,
            "ResendConfirmationCode": self.resend_confirmation_code,
            "ForgotPassword": self.forgot_password,
            "ConfirmForgotPassword": self.confirm_forgot_password,
            "AdminResetUserPassword": self.admin_reset_user_password,
            "GetUserAttributeVerificationCode": self.get_user_attribute_verification_code,
            "VerifyUserAttribute": self.verify_user_attribute,
            "UpdateUserAttributes": self.update_user_attributes,
            "GetUser": self.get_user,
            "ChangePassword": self.change_password,
            "DeleteUser": self.delete_user,
            "AssociateSoftwareToken": self.associate_software_token,
            "VerifySoftwareToken": self.verify_software_token,
            "SetUserMFAPreference": self.set_user_mfa_preference,
            "AdminSetUserMFAPreference": self.admin_set_user_mfa_preference,
            "SetUserPoolMfaConfig": self.set_user_pool_mfa_config,
            "GetUserPoolMfaConfig": self.get_user_pool_mfa_config,
            "GetTokensFromRefreshToken": self.get_tokens_from_refresh_token,
            "RevokeToken": self.revoke_token,
            "GlobalSignOut": self.global_sign_out,
            "AdminUserGlobalSignOut": self.admin_user_global_sign_out,
            "AdminDisableUser": self.admin_disable_user,
            "AdminDeleteUser": self.admin_delete_user,
            # OAuth settings for managed login (app_clients.py).
            "CreateUserPoolClient": lambda p: app_clients.create_user_pool_client(self, p),
            "UpdateUserPoolClient": lambda p: app_clients.update_user_pool_client(self, p),
        }
        # Remembered devices (devices.py).
        self.devices = Devices(self)
        for op, fn in (("ConfirmDevice", self.devices.confirm_device), ("UpdateDeviceStatus", self.devices.update_device_status),
                       ("ForgetDevice", self.devices.forget_device), ("GetDevice", self.devices.get_device), ("ListDevices", self.devices.list_devices)):
            self.HANDLERS[op] = fn
        # Passkeys (webauthn.py).
        self.webauthn = WebAuthn(self)
        for op, fn in (("StartWebAuthnRegistration", self.webauthn.start_registration), ("CompleteWebAuthnRegistration", self.webauthn.complete_registration),
                       ("ListWebAuthnCredentials", self.webauthn.list_credentials), ("DeleteWebAuthnCredential", self.webauthn.delete_credential)):
            self.HANDLERS[op] = fn

    # ------------------------------------------------------------------ entry point

    def handle(self, operation: str, body: bytes) -> dict | None:
        """The JSON answer for ``operation``, or None to let moto answer. Raises AwsError."""
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = None
        if not isinstance(params, dict):
            raise CognitoError("SerializationException", "Start of structure or map found where not expected.")
        with self._lock:
            self._expire()
            handler = self.HANDLERS.get(operation)
            if handler is None:
                # moto answers; it must not accept a revoked or expired access token.
                if "AccessToken" in params:
                    self._check_access_token(params.get("AccessToken"))
                return None
            try:
                return self._with_device_metadata(operation, params, handler(params))
            except JsonRESTError as failure:  # raised by a moto backend method we called
                raise CognitoError(failure.error_type, failure.message) from None

    def _with_device_metadata(self, operation: str, p: dict, answer: dict) -> dict:
        """A sign-in's tokens get NewDeviceMetadata when the pool tracks devices and the request did
        not come from a confirmed device of the user (devices.py)."""
        result = answer.get("AuthenticationResult") if isinstance(answer, dict) else None
        if operation not in ("InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge") or not result:
            return answer
        if p.get("AuthFlow") in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return answer
        record = self.access.get(result.get("AccessToken"))
        pool = self._pool(record.pool_id) if record else None
        user = pool._get_user(record.username) if pool else None
        if user is None:
            return answer
        sent = [(p.get(k) or {}).get("DEVICE_KEY") for k in ("AuthParameters", "ChallengeResponses") if isinstance(p.get(k), dict)]
        known = [key for key in sent if self.devices.known(pool, user, key)]
        if known:
            self.devices.bind(pool, record.refresh, known[0])
        else:
            metadata = self.devices.new_metadata(pool, user.username, pool.id.split("_", 1)[0])
            if metadata is not None:
                result["NewDeviceMetadata"] = metadata
        return answer

    def _expire(self) -> None:
        now = time.time()
        for sid in [sid for sid, s in self.sessions.items() if s.expires + 600 < now]:
            self._drop_session(sid)

    # ------------------------------------------------------------------ moto lookups

    @staticmethod
    def _backends():
        for regions in list(cognitoidp_backends.values()):
            for region, backend in list(regions.items()):
                if region != "global":
                    yield backend

    def _client(self, client_id: str | None, pool_id: str | None = None):
        """(pool, client) for an app client id; with pool_id (admin calls) it must be in that pool."""
        if pool_id is not None:
            pool = self._pool(pool_id)
            client = pool.clients.get(client_id or "")
            if client is None:
                raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
            return pool, client
        for backend in self._backends():
            for pool in backend.user_pools.values():
                if client_id in pool.clients:
                    return pool, pool.clients[client_id]
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")

    def _pool(self, pool_id: str | None):
        for backend in self._backends():
            if pool_id in backend.user_pools:
                return backend.user_pools[pool_id]
        raise CognitoError("ResourceNotFoundException", f"User pool {pool_id} does not exist.")

    @staticmethod
    def _find_user(pool, name: str | None):
        """By username (or the email/phone when they are username attributes), or by a
        verified alias attribute."""
        if not name:
            return None
        user = pool._get_user(name)
        if user is not None:
            return user
        for alias in pool.extended_config.get("AliasAttributes") or []:
            for candidate in pool.users.values():
                if candidate.attribute_lookup.get(alias) == name and _verified(candidate, alias):
                    return candidate
        return None

    @staticmethod
    def _prevents_existence_errors(client) -> bool:
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
        return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"

    def _unknown_user_error(self) -> CognitoError:
        return CognitoError("UserNotFoundException", "User does not exist.")

    def _mfa_state(self, pool, user) -> MfaState:
        return self.mfa.setdefault((pool.id, user.id), MfaState())

    # ------------------------------------------------------------------ SECRET_HASH

    def _check_secret_hash(self, client, username: str | None, provided: str | None, *, alternatives: tuple[str, ...] = ()) -> None:
        """Clients with a secret must send SECRET_HASH; public clients need none.
        https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash"""
        if not client.generate_secret:
            return
        if not provided:
            raise _not_authorized(f"Client {client.id} is configured with secret but SECRET_HASH was not received")
        for name in (username, *alternatives):
            if name and hmac.compare_digest(secret_hash(client.secret, name, client.id).encode(), str(provided).encode()):
                return
        raise _not_authorized(f"Unable to verify secret hash for client {client.id}")

    def _check_client_secret(self, client, provided: str | None, error: str = "NotAuthorizedException") -> None:
        if not client.generate_secret:
            return
        if not provided or not hmac.compare_digest(str(provided).encode(), client.secret.encode()):
            raise CognitoError(error, f"Unable to verify secret hash for client {client.id}")

    # ------------------------------------------------------------------ sessions

    def _session_lifetime(self, client) -> float:
        if self.settings.auth_session_seconds is not None:
            return self.settings.auth_session_seconds
        return float(client.extended_config.get("AuthSessionValidity") or 3) * 60

    def _new_session(self, pool, client, user, expected: set[str], *, admin: bool, names=(), lifetime=None, **data) -> AuthSession:
        session = AuthSession(
            id=_b64url(secrets.token_bytes(384)),
            pool_id=pool.id,
            client_id=client.id,
            username=user.username if user is not None else None,
            expected=set(expected),
            expires=time.time() + (lifetime if lifetime is not None else self._session_lifetime(client)),
            admin=admin,
            names=set(names) | ({user.username} if user is not None else set()),
            data=data,
        )
        self.sessions[session.id] = session
        return session

    def _drop_session(self, sid: str) -> None:
        session = self.sessions.pop(sid, None)
        if session is not None and session.data.get("secret_block"):
            self.srp_blocks.pop(session.data["secret_block"], None)

    def _take_session(self, sid: str | None, client, challenge: str) -> AuthSession:
        if not sid:
            raise CognitoError("InvalidParameterException", "Missing required parameter Session")
        session = self.sessions.get(sid)
        if session is None or session.client_id != client.id or challenge not in session.expected:
            raise _not_authorized(INVALID_SESSION)
        if time.time() >= session.expires:
            self._drop_session(sid)
            raise _not_authorized(EXPIRED_SESSION)
        return session

    @staticmethod
    def _challenge(name: str, session: AuthSession | None, parameters: dict | None = None, available: list | None = None) -> dict:
        answer: dict[str, Any] = {"ChallengeName": name, "ChallengeParameters": parameters or {}}
        if session is not None:
            answer["Session"] = session.id
        if available is not None:
            answer["AvailableChallenges"] = available
        return answer

    # ------------------------------------------------------------------ InitiateAuth

    def initiate_auth(self, p: dict, *, admin: bool) -> dict:
        flow = p.get("AuthFlow")
        if flow not in ALL_FLOWS:
            raise CognitoError(
                "InvalidParameterException",
                f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(ALL_FLOWS)}]",
            )
        pool, client = self._client(p.get("ClientId"), p.get("UserPoolId") if admin else None)
        if flow not in (ADMIN_FLOWS if admin else PUBLIC_FLOWS):
            raise CognitoError("InvalidParameterException", "Initiate Auth method not supported.")
        flows = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_FLOWS
        if not FLOW_SWITCHES[flow] & set(flows):
            raise CognitoError("InvalidParameterException", f"{flow} flow not enabled for this client")
        params = p.get("AuthParameters") or {}
        if not isinstance(params, dict):
            raise CognitoError("InvalidParameterException", "Invalid AuthParameters")

        if flow in ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
            username = _required(params, "USERNAME")
            password = _required(params, "PASSWORD")
            self._check_secret_hash(client, username, params.get("SECRET_HASH"))
            user = self._password_first_factor(pool, client, username, password)
            return self._after_first_factor(pool, client, user, admin=admin, names={username}, device_key=params.get("DEVICE_KEY"))
        if flow == "USER_SRP_AUTH":
            username = _required(params, "USERNAME")
            srp_a = _required(params, "SRP_A")
            self._check_secret_hash(client, username, params.get("SECRET_HASH"))
            return self._start_srp(pool, client, username, srp_a, admin=admin, with_session=False)
        if flow == "CUSTOM_AUTH":
            username = _required(params, "USERNAME")
            self._check_secret_hash(client, username, params.get("SECRET_HASH"))
            if params.get("CHALLENGE_NAME") == "SRP_A" and params.get("SRP_A"):
                # local-aws has no Lambda triggers: CUSTOM_AUTH with SRP_A behaves like a
                # Define Auth Challenge trigger that asks for SRP and then issues tokens.
                return self._start_srp(pool, client, username, params["SRP_A"], admin=admin, with_session=True)
            raise _not_authorized("Custom auth lambda trigger is not configured for the user pool.")
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return self._refresh_token_auth(pool, client, params)
        return self._user_auth(pool, client, params, admin=admin)

    def _password_first_factor(self, pool, client, username: str, password: str):
        user = self._find_user(pool, username)
        if user is None:
            # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
            if self._prevents_existence_errors(client):
                raise _not_authorized(INCORRECT)
            raise self._unknown_user_error()
        if user.password is None or not hmac.compare_digest(str(user.password).encode(), password.encode()):
            raise _not_authorized(INCORRECT)
        return user

    def _after_first_factor(self, pool, client, user, *, admin: bool, names=(), passwordless: bool = False, device_key=None) -> dict:
        if not user.enabled:
            raise _not_authorized("User is disabled.")
        if user.status == UserStatus.UNCONFIRMED:
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        if user.status == UserStatus.RESET_REQUIRED:
            raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
        if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
            session = self._new_session(pool, client, user, {"NEW_PASSWORD_REQUIRED"}, admin=admin, names=names)
            attributes = {a["Name"]: a["Value"] for a in user.attributes if a["Name"] != "sub"}
            return self._challenge(
                "NEW_PASSWORD_REQUIRED",
                session,
                {"USER_ID_FOR_SRP": user.username, "requiredAttributes": "[]", "userAttributes": json.dumps(attributes)},
            )
        if not passwordless:
            # Passwordless first factors are not followed by MFA.
            # https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
            device = self.devices.challenge(pool, client, user, device_key, admin=admin, names=names)
            if device is not None:
                return device
            mfa = self._mfa_step(pool, client, user, admin=admin, names=names)
            if mfa is not None:
                return mfa
        return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user)}

    # ------------------------------------------------------------------ SRP

    def _verifier(self, pool, user) -> SrpVerifier:
        """Salt and verifier per user, stable while the password stays the same."""
        digest = hashlib.sha256(str(user.password).encode("utf-8")).digest()
        key = (pool.id, user.id)
        current = self.verifiers.get(key)
        if current is None or current.password_digest != digest or current.user_id_for_srp != user.username:
            salt = srp.new_salt()
            pool_name = pool.id.split("_", 1)[1]
            current = SrpVerifier(digest, user.username, salt, srp.verifier(pool_name, user.username, str(user.password), salt))
            self.verifiers[key] = current
        return current

    def _start_srp(self, pool, client, username: str, srp_a: str, *, admin: bool, with_session: bool, always_simulate: bool = False) -> dict:
        A = srp.parse_hex(srp_a)
        if A is None or A % srp.N == 0:
            # SRP-6a: the host aborts if A mod N == 0 (RFC 5054 section 2.5.4).
            raise _not_authorized("SRP_A is invalid.")
        user = self._find_user(pool, username)
        if user is None or user.password is None:
            if user is None and not (always_simulate or self._prevents_existence_errors(client)):
                raise self._unknown_user_error()
            # "When a user isn't found, Amazon Cognito returns a simulated response ...
            # the same 'salt' and internal user id in UUID format for the same user name
            # and user pool combination", and the proof then fails.
            # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
            seed = hashlib.sha256(f"{pool.id}\x00{username}".encode()).digest()
            user_id_for_srp = str(uuid.UUID(bytes=seed[:16], version=4)) if user is None else user.username
            salt, v = int.from_bytes(seed[16:32], "big"), pow(srp.G, int.from_bytes(secrets.token_bytes(32), "big"), srp.N)
            user = None
        else:
            verifier = self._verifier(pool, user)
            user_id_for_srp, salt, v = verifier.user_id_for_srp, verifier.salt, verifier.v
        b, B = srp.server_ephemeral(v)
        secret_block = base64.b64encode(secrets.token_bytes(512)).decode("ascii")
        session = self._new_session(
            pool, client, user, {"PASSWORD_VERIFIER"}, admin=admin, names={username, user_id_for_srp},
            lifetime=self.settings.srp_challenge_seconds,
            A=A, b=b, B=B, v=v, secret_block=secret_block, user_id_for_srp=user_id_for_srp,
        )
        self.srp_blocks[secret_block] = session.id
        parameters = {
            "SALT": format(salt, "x"),
            "SRP_B": format(B, "x"),
            "SECRET_BLOCK": secret_block,
            "USER_ID_FOR_SRP": user_id_for_srp,
            "USERNAME": user_id_for_srp,
        }
        return self._challenge("PASSWORD_VERIFIER", session if with_session else None, parameters)

    def _password_verifier(self, pool, client, p: dict, responses: dict, *, admin: bool) -> dict:
        block = _required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        claim = _required(responses, "PASSWORD_CLAIM_SIGNATURE")
        timestamp = _required(responses, "TIMESTAMP")
        username = _required(responses, "USERNAME")
        sid = self.srp_blocks.get(block)
        session = self.sessions.get(sid) if sid else None
        if session is None or session.client_id != client.id or (p.get("Session") and p["Session"] != sid):
            raise _not_authorized(INVALID_SESSION)
        self._drop_session(sid)  # one proof per SRP_B, right or wrong
        if time.time() >= session.expires:
            raise _not_authorized(EXPIRED_SESSION)
        self._check_secret_hash(client, username, responses.get("SECRET_HASH"))
        if username not in session.names:
            raise _not_authorized(INCORRECT)
        when = srp.parse_timestamp(timestamp)
        if when is None or abs(time.time() - when) > self.settings.srp_timestamp_skew_seconds:
            raise _not_authorized(INCORRECT)
        data = session.data
        u = srp.compute_u(data["A"], data["B"])
        if u == 0:
            raise _not_authorized(INCORRECT)
        S = srp.server_secret(data["A"], data["v"], u, data["b"])
        ok = srp.signature_matches(
            S=S, u=u, pool_name=pool.id.split("_", 1)[1], user_id_for_srp=data["user_id_for_srp"],
            secret_block_b64=block, timestamp=timestamp, claim_b64=claim,
        )
        user = pool._get_user(session.username) if session.username else None
        if not ok or user is None:
            raise _not_authorized(INCORRECT)
        return self._after_first_factor(pool, client, user, admin=admin, names=session.names, device_key=responses.get("DEVICE_KEY"))

    # ------------------------------------------------------------------ USER_AUTH

    @staticmethod
    def _first_factors(pool, user) -> list[str]:
        """AvailableChallenges: the pool's AllowedFirstAuthFactors that this user can use.
        https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html#authentication-flows-selection-choice"""
        policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
        allowed = policy.get("AllowedFirstAuthFactors") or ["PASSWORD"]
        factors = []
        if "PASSWORD" in allowed and (user is None or user.password is not None):
            factors += ["PASSWORD", "PASSWORD_SRP"]
        if "EMAIL_OTP" in allowed and (user is None or _attr(user, "email")):
            factors.append("EMAIL_OTP")
        if "SMS_OTP" in allowed and (user is None or _attr(user, "phone_number")):
            factors.append("SMS_OTP")
        return factors

    def _first_factors_with_passkeys(self, pool, user) -> list[str]:
        factors = self._first_factors(pool, user)
        return factors + ["WEB_AUTHN"] if self.webauthn.available(pool, user) else factors

    def _user_auth(self, pool, client, params: dict, *, admin: bool) -> dict:
        username = _required(params, "USERNAME")
        self._check_secret_hash(client, username, params.get("SECRET_HASH"))
        user = self._find_user(pool, username)
        # Choice-based sign-in never reveals a missing user, whatever PreventUserExistenceErrors
        # says: it answers with challenges the pool allows, and the sign-in then fails.
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
        available = self._first_factors_with_passkeys(pool, user)
        preferred = params.get("PREFERRED_CHALLENGE")
        if preferred and preferred in available:
            return self._select_first_factor(pool, client, user, username, preferred, params, admin=admin)
        session = self._new_session(pool, client, user, {"SELECT_CHALLENGE", *available}, admin=admin, names={username}, available=available)
        return self._challenge("SELECT_CHALLENGE", session, {}, available)

    def _select_first_factor(self, pool, client, user, username: str, answer: str, values: dict, *, admin: bool) -> dict:
        if answer == "PASSWORD":
            password = _required(values, "PASSWORD")
            if user is None:
                raise _not_authorized(INCORRECT)
            user = self._password_first_factor(pool, client, username, password)
            return self._after_first_factor(pool, client, user, admin=admin, names={username})
        if answer == "PASSWORD_SRP":
            return self._start_srp(pool, client, username, _required(values, "SRP_A"), admin=admin, with_session=True, always_simulate=True)
        if answer in ("EMAIL_OTP", "SMS_OTP"):
            if user is not None:
                if not user.enabled:
                    raise _not_authorized("User is disabled.")
                if user.status == UserStatus.UNCONFIRMED:
                    raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
            return self._start_code_challenge(pool, client, user, answer, purpose="OTP", admin=admin, names={username}, simulated_name=username)
        if answer == "WEB_AUTHN":
            if user is not None and (not user.enabled or user.status == UserStatus.UNCONFIRMED):
                raise _not_authorized("User is disabled.") if not user.enabled else CognitoError("UserNotConfirmedException", "User is not confirmed.")
            return self.webauthn.start(pool, client, user, username, admin=admin)
        raise CognitoError("InvalidParameterException", f"Unsupported challenge: {answer}")

    # ------------------------------------------------------------------ MFA

    def _pool_mfa_methods(self, pool) -> list[str]:
        methods = []
        if (pool.token_mfa_config or {}).get("Enabled"):
            methods.append("SOFTWARE_TOKEN_MFA")
        if pool.sms_mfa_config:
            methods.append("SMS_MFA")
        if pool.id in self.email_mfa_config:
            methods.append("EMAIL_OTP")
        return methods

    def _user_mfa_methods(self, pool, user) -> list[str]:
        allowed = self._pool_mfa_methods(pool)
        state = self._mfa_state(pool, user)
        methods = []
        if "SOFTWARE_TOKEN_MFA" in allowed and user.software_token_mfa_enabled and state.totp_secret:
            methods.append("SOFTWARE_TOKEN_MFA")
        if "SMS_MFA" in allowed and user.sms_mfa_enabled and _attr(user, "phone_number"):
            methods.append("SMS_MFA")
        if "EMAIL_OTP" in allowed and state.email_enabled and _attr(user, "email"):
            methods.append("EMAIL_OTP")
        return methods

    def _mfa_step(self, pool, client, user, *, admin: bool, names=()) -> dict | None:
        """https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html"""
        if pool.mfa_config not in ("ON", "OPTIONAL"):
            return None
        methods = self._user_mfa_methods(pool, user)
        if not methods:
            if pool.mfa_config != "ON":
                return None
            can_setup = [m for m in self._pool_mfa_methods(pool) if m == "SOFTWARE_TOKEN_MFA"] or self._pool_mfa_methods(pool)
            session = self._new_session(pool, client, user, {"MFA_SETUP"}, admin=admin, names=names, mfa_setup_verified=False)
            return self._challenge("MFA_SETUP", session, {"MFAS_CAN_SETUP": json.dumps(can_setup)})
        preferred = user.preferred_mfa_setting
        if preferred in methods:
            choice = preferred
        elif len(methods) == 1:
            choice = methods[0]
        else:
            session = self._new_session(pool, client, user, {"SELECT_MFA_TYPE"}, admin=admin, names=names, choices=methods)
            return self._challenge("SELECT_MFA_TYPE", session, {"MFAS_CAN_CHOOSE": json.dumps(methods)})
        return self._start_mfa(pool, client, user, choice, admin=admin, names=names)

    def _start_mfa(self, pool, client, user, method: str, *, admin: bool, names=()) -> dict:
        if method == "SOFTWARE_TOKEN_MFA":
            session = self._new_session(pool, client, user, {"SOFTWARE_TOKEN_MFA"}, admin=admin, names=names)
            return self._challenge("SOFTWARE_TOKEN_MFA", session, {})
        return self._start_code_challenge(pool, client, user, method, purpose="MFA", admin=admin, names=names)

    def _start_code_challenge(self, pool, client, user, challenge: str, *, purpose: str, admin: bool, names=(), simulated_name: str = "") -> dict:
        """SMS_MFA / EMAIL_OTP (MFA) or EMAIL_OTP / SMS_OTP (first factor): send a code."""
        channel = "SMS" if challenge in ("SMS_MFA", "SMS_OTP") else "EMAIL"
        attribute = "phone_number" if channel == "SMS" else "email"
        lifetime = min(self.settings.code_lifetimes[purpose], self._session_lifetime(client))
        code = f"{secrets.randbelow(10 ** 6):06d}"
        if user is not None:
            destination = _attr(user, attribute) or ""
            self.outbox.deliver(to=destination, username=user.username, channel=channel, purpose=purpose, code=code, user_pool_id=pool.id)
        else:  # simulated: nothing is sent, no code can match
            destination = simulated_name if "@" in simulated_name else "user@example.com"
            if channel == "SMS":
                destination = "+10000000000"
            code = None
        session = self._new_session(
            pool, client, user, {challenge}, admin=admin, names=names,
            code=code, code_expires=time.time() + lifetime, passwordless=purpose == "OTP",
        )
        masked = mask_phone(destination) if channel == "SMS" else mask_email(destination)
        return self._challenge(
            challenge, session, {"CODE_DELIVERY_DELIVERY_MEDIUM": channel, "CODE_DELIVERY_DESTINATION": masked}
        )

    def _check_session_code(self, session: AuthSession, given: str | None, name: str) -> None:
        if not given:
            raise CognitoError("InvalidParameterException", f"Missing required parameter {name}")
        expected = session.data.get("code")
        if expected is not None and time.time() >= session.data.get("code_expires", 0):
            self._drop_session(session.id)
            raise CognitoError("ExpiredCodeException", CODE_EXPIRED)
        if expected is None or not hmac.compare_digest(expected.encode(), str(given).encode()):
            self._session_failure(session)
            raise CognitoError("CodeMismatchException", MFA_MISMATCH)

    def _session_failure(self, session: AuthSession) -> None:
        session.failures += 1
        if session.failures >= self.settings.max_code_attempts:
            self._drop_session(session.id)

    # ------------------------------------------------------------------ RespondToAuthChallenge

    def respond_to_auth_challenge(self, p: dict, *, admin: bool) -> dict:
        pool, client = self._client(p.get("ClientId"), p.get("UserPoolId") if admin else None)
        name = p.get("ChallengeName")
        responses = p.get("ChallengeResponses") or {}
        if not isinstance(responses, dict):
            raise CognitoError("InvalidParameterException", "Invalid ChallengeResponses")
        if not name:
            raise CognitoError("InvalidParameterException", "Missing required parameter ChallengeName")
        if name == "PASSWORD_VERIFIER":
            return self._password_verifier(pool, client, p, responses, admin=admin)
        session = self._take_session(p.get("Session"), client, name)
        username = _required(responses, "USERNAME")
        self._check_secret_hash(client, username, responses.get("SECRET_HASH"))
        if username not in session.names:
            raise _not_authorized(INVALID_SESSION)
        user = pool._get_user(session.username) if session.username else None
        if session.username and user is None:
            self._drop_session(session.id)
            raise self._unknown_user_error()
        names = session.names

        if "SELECT_CHALLENGE" in session.expected:
            answer = responses.get("ANSWER") if name == "SELECT_CHALLENGE" else name
            if answer not in session.data.get("available", []):
                raise CognitoError("InvalidParameterException", f"Invalid ANSWER: {answer}")
            self._drop_session(session.id)
            return self._select_first_factor(pool, client, user, username, answer, responses, admin=admin)

        if name == "NEW_PASSWORD_REQUIRED":
            new_password = _required(responses, "NEW_PASSWORD")
            self._validate_password(pool, new_password)
            updates = [
                {"Name": key[len("userAttributes."):], "Value": value}
                for key, value in responses.items()
                if key.startswith("userAttributes.")
            ]
            if updates:
                user.update_attributes(updates)
            user.password = new_password
            user.status = UserStatus.CONFIRMED
            self._drop_session(session.id)
            mfa = self._mfa_step(pool, client, user, admin=admin, names=names)
            if mfa is not None:
                return mfa
            return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user)}

        if name == "SELECT_MFA_TYPE":
            answer = responses.get("ANSWER")
            if answer not in session.data.get("choices", []):
                raise CognitoError("InvalidParameterException", f"Invalid ANSWER: {answer}")
            self._drop_session(session.id)
            return self._start_mfa(pool, client, user, answer, admin=admin, names=names)

        if name == "SOFTWARE_TOKEN_MFA":
            code = responses.get("SOFTWARE_TOKEN_MFA_CODE")
            if not code:
                raise CognitoError("InvalidParameterException", "Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
            state = self._mfa_state(pool, user)
            counter = totp.verify(state.totp_secret, code) if state.totp_secret else None
            if counter is None or counter <= state.last_counter:
                self._session_failure(session)
                raise CognitoError("CodeMismatchException", MFA_MISMATCH)
            state.last_counter = counter
            self._drop_session(session.id)
            return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user)}

        if name in ("SMS_MFA", "EMAIL_OTP", "SMS_OTP"):
            field_name = f"{name}_CODE"
            self._check_session_code(session, responses.get(field_name), field_name)
            self._drop_session(session.id)
            if user is None:  # simulated session; unreachable since no code matches
                raise _not_authorized(INCORRECT)
            if session.data.get("passwordless"):
                return self._after_first_factor(pool, client, user, admin=admin, names=names, passwordless=True)
            return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user)}

        if name == "MFA_SETUP":
            if not session.data.get("mfa_setup_verified"):
                raise CognitoError("MFAMethodNotFoundException", "No MFA method has been set up for the user.")
            self._drop_session(session.id)
            return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user)}

        if name == "WEB_AUTHN":
            return self.webauthn.respond(pool, client, user, session, responses, admin=admin)

        if name in DEVICE_CHALLENGES:
            return self.devices.respond(pool, client, user, session, name, responses, admin=admin)

        raise CognitoError("InvalidParameterException", f"Unsupported challenge: {name}")

    def _validate_password(self, pool, password: str) -> None:
        try:
            pool.backend._validate_password(pool.id, password)
        except JsonRESTError:
            raise CognitoError("InvalidPasswordException", "Password does not conform to policy") from None

    # ------------------------------------------------------------------ tokens

    def _lifetimes(self, client) -> dict[str, float]:
        """Seconds for each token: config.json's override, else the app client's validity.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html"""
        config = client.extended_config
        units = config.get("TokenValidityUnits") or {}
        out = {}
        for kind, key, unit_key, default, default_unit in (
            ("access", "AccessTokenValidity", "AccessToken", 60, "minutes"),
            ("id", "IdTokenValidity", "IdToken", 60, "minutes"),
            ("refresh", "RefreshTokenValidity", "RefreshToken", 30, "days"),
        ):
            override = self.settings.token_lifetimes.get(kind)
            if override is not None:
                out[kind] = float(override)
            elif config.get(key) is not None:
                out[kind] = float(config[key]) * UNIT_SECONDS[units.get(unit_key) or ("days" if kind == "refresh" else "hours")]
            else:
                out[kind] = float(default) * UNIT_SECONDS[default_unit]
        return out

    def _issue(
        self, pool, client, user, *, record: RefreshRecord | None = None, new_refresh: bool = True,
        scope: str | None = None, id_claims: dict | None = None, at_hash: bool = False, id_token: bool = True,
    ) -> dict:
        """Mints moto-signed access and ID tokens (and a refresh token) and records them.

        Managed login (oauth.py) passes the granted OAuth ``scope`` (kept with the refresh token,
        so refreshed access tokens carry it too), ``id_claims`` (``nonce``), ``at_hash`` and
        ``id_token=False`` when ``openid`` was not granted."""
        now = time.time()
        scope = scope or (record.scope if record is not None else API_SCOPE)
        lifetimes = self._lifetimes(client)
        event_id = str(uuid.uuid4())
        if record is None or new_refresh:
            family = record.family if record is not None else str(uuid.uuid4())
            origin_jti = str(uuid.uuid4())
            auth_time = record.auth_time if record is not None else int(now)
            token = ".".join(
                _b64url(part)
                for part in (
                    b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}',
                    secrets.token_bytes(256),
                    secrets.token_bytes(12),
                    secrets.token_bytes(1200),
                    secrets.token_bytes(16),
                )
            )
            new_record = RefreshRecord(
                token, pool.id, client.id, user.username, origin_jti, auth_time, now + lifetimes["refresh"], family, scope
            )
            self.refresh[token] = new_record
            pool.refresh_tokens[token] = (client.id, user.username, origin_jti)
            issued_from = new_record
        else:
            issued_from = record
        groups = [g.group_name for g in user.groups]
        access_extra: dict[str, Any] = {
            "origin_jti": issued_from.origin_jti,
            "event_id": event_id,
            "auth_time": issued_from.auth_time,
            "scope": scope,
        }
        id_extra: dict[str, Any] = {"origin_jti": issued_from.origin_jti, "event_id": event_id, "auth_time": issued_from.auth_time}
        if groups:
            access_extra["cognito:groups"] = groups
            id_extra["cognito:groups"] = groups
        id_extra.update(_role_claims(user.groups))
        readable = client.extended_config.get("ReadAttributes")
        for attribute in user.attributes:
            attr_name, value = attribute["Name"], attribute["Value"]
            if attr_name == "sub" or (readable and attr_name not in readable):
                continue
            if attr_name in ("email_verified", "phone_number_verified"):
                value = str(value).lower() == "true"
            elif attr_name == "identities":
                # Federated users: the attribute is a JSON string, the ID token carries the array.
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            id_extra[attr_name] = value
        access_token, _ = pool.create_jwt(client.id, user.username, "access", expires_in=int(lifetimes["access"]), extra_data=access_extra)
        if at_hash:
            # OpenID Connect Core 3.1.3.6: left half of SHA-256 of the access token, base64url.
            id_extra["at_hash"] = _b64url(hashlib.sha256(access_token.encode("ascii")).digest()[:16])
        id_extra.update(id_claims or {})
        minted_id = None
        if id_token:
            minted_id, _ = pool.create_jwt(client.id, user.username, "id", expires_in=int(lifetimes["id"]), extra_data=id_extra)
            pool.id_tokens[minted_id] = (client.id, user.username)
            issued_from.id_tokens.add(minted_id)
        pool.access_tokens[access_token] = (client.id, user.username)
        self.access[access_token] = AccessRecord(
            pool.id, client.id, user.username, now + lifetimes["access"], issued_from.token, minted_id, scope=scope
        )
        issued_from.access_tokens.add(access_token)
        result = {"AccessToken": access_token, "ExpiresIn": int(lifetimes["access"]), "TokenType": "Bearer"}
        if minted_id is not None:
            result["IdToken"] = minted_id
        if new_refresh:
            result["RefreshToken"] = issued_from.token
        return result

    def _refresh_record(self, client, token: str) -> RefreshRecord:
        record = self.refresh.get(token or "")
        if record is None or record.client_id != client.id:
            raise _not_authorized("Invalid Refresh Token")
        if record.revoked:
            raise _not_authorized("Refresh Token has been revoked")
        if time.time() >= record.expires:
            # The message Cognito sends (as quoted in aws-amplify/amplify-js#4542 and
            # aws-amplify/amplify-swift#3496); unknown tokens get "Invalid Refresh Token".
            raise _not_authorized("Refresh Token has expired")
        return record

    def _refresh_user(self, pool, record: RefreshRecord):
        user = pool._get_user(record.username)
        if user is None:
            raise _not_authorized("User does not exist.")
        if not user.enabled:
            raise _not_authorized("User is disabled.")
        return user

    @staticmethod
    def _rotation(client) -> tuple[bool, float]:
        rotation = client.extended_config.get("RefreshTokenRotation") or {}
        return rotation.get("Feature") == "ENABLED", float(rotation.get("RetryGracePeriodSeconds") or 0)

    def _refresh_token_auth(self, pool, client, params: dict) -> dict:
        token = _required(params, "REFRESH_TOKEN")
        record = self._refresh_record(client, token)
        self.devices.check_refresh(record, params.get("DEVICE_KEY"))
        rotating, _ = self._rotation(client)
        if rotating:
            # "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh
            # token rotation enabled."
            # https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
            raise _not_authorized("Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken")
        user = self._refresh_user(pool, record)
        self._check_secret_hash(client, user.username, params.get("SECRET_HASH"), alternatives=(user.id,))
        if record.rotated_at is not None:
            raise CognitoError("RefreshTokenReuseException", "Refresh Token has been rotated")
        return {"ChallengeParameters": {}, "AuthenticationResult": self._issue(pool, client, user, record=record, new_refresh=False)}

    def get_tokens_from_refresh_token(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html"""
        pool, client = self._client(p.get("ClientId"))
        token = _required(p, "RefreshToken")
        self._check_client_secret(client, p.get("ClientSecret"))
        flows = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_FLOWS
        if "ALLOW_REFRESH_TOKEN_AUTH" not in flows:
            raise CognitoError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
        record = self._refresh_record(client, token)
        self.devices.check_refresh(record, p.get("DeviceKey"))
        rotating, grace = self._rotation(client)
        now = time.time()
        if record.rotated_at is not None and now > record.rotated_at + grace:
            # A rotated-out refresh token is refused once the grace period is over.
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
            raise CognitoError("RefreshTokenReuseException", "Refresh Token has been rotated")
        user = self._refresh_user(pool, record)
        if not rotating:
            return {"AuthenticationResult": self._issue(pool, client, user, record=record, new_refresh=False)}
        if record.rotated_at is None:
            record.rotated_at = now
        return {"AuthenticationResult": self._issue(pool, client, user, record=record, new_refresh=True)}

    def _revoke_access(self, token: str) -> None:
        record = self.access.get(token)
        if record is None or record.revoked:
            return
        record.revoked = True
        try:
            pool = self._pool(record.pool_id)
        except CognitoError:
            return
        pool.access_tokens.pop(token, None)
        if record.id_token:
            pool.id_tokens.pop(record.id_token, None)

    def _revoke_refresh(self, record: RefreshRecord) -> None:
        record.revoked = True
        for token in list(record.access_tokens):
            self._revoke_access(token)
        try:
            self._pool(record.pool_id).refresh_tokens[record.token] = None
        except CognitoError:
            pass

    def _revoke_user(self, pool, username: str) -> None:
        for record in list(self.refresh.values()):
            if record.pool_id == pool.id and record.username == username:
                self._revoke_refresh(record)
        for token, record in list(self.access.items()):
            if record.pool_id == pool.id and record.username == username:
                self._revoke_access(token)

    def revoke_token(self, p: dict) -> dict:
        """Revokes the refresh token and the access tokens issued from it.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html"""
        token = _required(p, "Token")
        pool, client = self._client(p.get("ClientId"))
        self._check_client_secret(client, p.get("ClientSecret"), error="UnauthorizedException")
        if client.extended_config.get("EnableTokenRevocation") is False:
            raise CognitoError("UnsupportedOperationException", "Token revocation is not enabled for this app client.")
        if token in self.access or token.count(".") == 2:
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        record = self.refresh.get(token)
        if record is None:
            return {}
        if record.client_id != client.id:
            raise CognitoError("UnauthorizedException", "The refresh token was not issued to this client.")
        for other in list(self.refresh.values()):
            if other.family == record.family:
                self._revoke_refresh(other)
        return {}

    # ------------------------------------------------------------------ access tokens

    def _check_access_token(self, token: Any) -> tuple[Any, Any, AccessRecord]:
        record = self.access.get(token) if isinstance(token, str) else None
        if record is None:
            raise _not_authorized("Invalid Access Token")
        if record.revoked:
            raise _not_authorized("Access Token has been revoked")
        if time.time() >= record.expires:
            raise _not_authorized("Access Token has expired")
        if API_SCOPE not in record.scope.split():
            # Managed-login tokens without aws.cognito.signin.user.admin cannot call the user API
            # (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html);
            # the message as Cognito sends it is quoted in aws-amplify/aws-sdk-android#871.
            raise _not_authorized("Access Token does not have required scopes")
        pool = self._pool(record.pool_id)
        user = pool._get_user(record.username)
        if user is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")
        if not user.enabled:
            raise _not_authorized("User is disabled.")
        return pool, user, record

    def get_user(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        answer: dict[str, Any] = {"Username": user.username, "UserAttributes": [dict(a) for a in user.attributes]}
        methods = self._user_mfa_methods(pool, user)
        if methods:
            answer["UserMFASettingList"] = methods
        if user.preferred_mfa_setting:
            answer["PreferredMfaSetting"] = user.preferred_mfa_setting
        return answer

    def change_password(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        proposed = _required(p, "ProposedPassword")
        previous = p.get("PreviousPassword")
        if previous is None or user.password is None or not hmac.compare_digest(str(user.password).encode(), str(previous).encode()):
            raise _not_authorized(INCORRECT)
        self._validate_password(pool, proposed)
        user.password = proposed
        return {}

    def delete_user(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        self._revoke_user(pool, user.username)
        pool.backend.admin_delete_user(pool.id, user.username)
        return {}

    def global_sign_out(self, p: dict) -> dict:
        """Invalidates the user's refresh tokens and access tokens.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html"""
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        self._revoke_user(pool, user.username)
        pool.sign_out(user.username)
        return {}

    def admin_user_global_sign_out(self, p: dict) -> dict:
        pool = self._pool(p.get("UserPoolId"))
        user = pool.backend.admin_get_user(pool.id, p.get("Username"))
        self._revoke_user(pool, user.username)
        pool.sign_out(user.username)
        return {}

    def admin_disable_user(self, p: dict) -> dict:
        """"Deactivates a user and revokes all access tokens for the user."
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDisableUser.html"""
        pool = self._pool(p.get("UserPoolId"))
        user = pool.backend.admin_get_user(pool.id, p.get("Username"))
        user.enabled = False
        self._revoke_user(pool, user.username)
        return {}

    def admin_delete_user(self, p: dict) -> dict:
        pool = self._pool(p.get("UserPoolId"))
        user = pool.backend.admin_get_user(pool.id, p.get("Username"))
        self._revoke_user(pool, user.username)
        pool.backend.admin_delete_user(pool.id, user.username)
        return {}

    # ------------------------------------------------------------------ codes

    def _send_code(self, pool, user, purpose: str, attribute: str, code_key: tuple) -> dict:
        channel = "SMS" if attribute == "phone_number" else "EMAIL"
        destination = _attr(user, attribute)
        code = f"{secrets.randbelow(10 ** 6):06d}"
        self.codes[code_key] = CodeEntry(code, time.time() + float(self.settings.code_lifetimes[purpose]), channel, destination, attribute)
        self.outbox.deliver(to=destination, username=user.username, channel=channel, purpose=purpose, code=code, user_pool_id=pool.id)
        return self._delivery(channel, destination, attribute)

    @staticmethod
    def _delivery(channel: str, destination: str, attribute: str) -> dict:
        return {
            "Destination": mask_phone(destination) if channel == "SMS" else mask_email(destination),
            "DeliveryMedium": channel,
            "AttributeName": attribute,
        }

    def _client_and_username(self, p: dict):
        """(pool, app client, Username) of a per-user request made without tokens, its SECRET_HASH checked."""
        pool, client = self._client(p.get("ClientId"))
        username = _required(p, "Username")
        self._check_secret_hash(client, username, p.get("SecretHash"))
        return pool, client, username

    def _user_to_confirm(self, pool, client, username: str):
        """The user a confirmation code is for. An unknown user gets CodeMismatchException when user-existence
        errors are prevented (as if the code were wrong), else UserNotFoundException."""
        user = self._find_user(pool, username)
        if user is None:
            if self._prevents_existence_errors(client):
                raise CognitoError("CodeMismatchException", CODE_MISMATCH)
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        return user

    def _user_for_code(self, pool, client, username: str):
        """The user a code is for, or None when an unknown user must get a simulated delivery (user-existence
        errors prevented); otherwise an unknown user is UserNotFoundException."""
        user = self._find_user(pool, username)
        if user is None and not self._prevents_existence_errors(client):
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        return user

    def _simulated_delivery(self, pool, username: str) -> dict:
        # "return a response indicating a code was sent to a simulated delivery medium"
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
        if "@" in username:
            return self._delivery("EMAIL", username, "email")
        return self._delivery("EMAIL", f"{username[:1] or 'x'}@example.com", "email")

    def _consume_code(self, key: tuple, given: str | None, *, consume: bool = True) -> CodeEntry:
        if not given:
            raise CognitoError("InvalidParameterException", "Missing required parameter ConfirmationCode")
        entry = self.codes.get(key)
        if entry is None:
            raise CognitoError("CodeMismatchException", CODE_MISMATCH)
        if entry.failures >= self.settings.max_code_attempts:
            raise CognitoError("LimitExceededException", ATTEMPTS_EXCEEDED)
        if entry.used or time.time() >= entry.expires:
            raise CognitoError("ExpiredCodeException", CODE_EXPIRED)
        if not hmac.compare_digest(entry.code.encode(), str(given).encode()):
            entry.failures += 1
            raise CognitoError("CodeMismatchException", CODE_MISMATCH)
        if consume:
            entry.used = True
        return entry

    @staticmethod
    def _sign_up_attribute(pool, user) -> str | None:
        """Where a sign-up code goes: the auto-verified attribute the user has (phone first).
        https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html"""
        auto = pool.extended_config.get("AutoVerifiedAttributes") or []
        if "phone_number" in auto and _attr(user, "phone_number"):
            return "phone_number"
        if "email" in auto and _attr(user, "email"):
            return "email"
        return None

    def sign_up(self, p: dict) -> dict:
        pool, client = self._client(p.get("ClientId"))
        username = _required(p, "Username")
        password = _required(p, "Password")
        self._check_secret_hash(client, username, p.get("SecretHash"))
        try:
            user, _ = pool.backend.sign_up(client.id, username, password, p.get("UserAttributes") or [])
        except JsonRESTError as failure:
            if failure.error_type == "InvalidPasswordException":
                raise CognitoError("InvalidPasswordException", "Password did not conform with policy") from None
            if failure.error_type == "UsernameExistsException":
                raise CognitoError("UsernameExistsException", "User already exists") from None
            raise
        answer: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.id}
        attribute = self._sign_up_attribute(pool, user)
        if attribute:
            answer["CodeDeliveryDetails"] = self._send_code(pool, user, "SIGN_UP", attribute, (pool.id, user.username, "SIGN_UP"))
        return answer

    def confirm_sign_up(self, p: dict) -> dict:
        pool, client, username = self._client_and_username(p)
        user = self._user_to_confirm(pool, client, username)
        if user.status != UserStatus.UNCONFIRMED:
            raise _not_authorized(f"User cannot be confirmed. Current status is {user.status.value}")
        entry = self._consume_code((pool.id, user.username, "SIGN_UP"), p.get("ConfirmationCode"))
        user.status = UserStatus.CONFIRMED
        user.update_attributes([{"Name": f"{entry.attribute}_verified", "Value": "true"}])
        return {}

    def resend_confirmation_code(self, p: dict) -> dict:
        pool, client, username = self._client_and_username(p)
        user = self._user_for_code(pool, client, username)
        if user is None:
            return {"CodeDeliveryDetails": self._simulated_delivery(pool, username)}
        if user.status != UserStatus.UNCONFIRMED:
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        attribute = self._sign_up_attribute(pool, user)
        if attribute is None:
            raise CognitoError("InvalidParameterException", "Auto verification not turned on.")
        return {"CodeDeliveryDetails": self._send_code(pool, user, "SIGN_UP", attribute, (pool.id, user.username, "SIGN_UP"))}

    def _recovery_attribute(self, pool, user) -> str:
        """AccountRecoverySetting, by priority; without one, phone before email (legacy).
        https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-recover-a-user-account.html"""
        setting = pool.extended_config.get("AccountRecoverySetting") or {}
        mechanisms = sorted(
            setting.get("RecoveryMechanisms") or [{"Priority": 1, "Name": "verified_phone_number"}, {"Priority": 2, "Name": "verified_email"}],
            key=lambda m: m.get("Priority", 0),
        )
        for mechanism in mechanisms:
            if mechanism["Name"] == "admin_only":
                raise _not_authorized("Contact administrator to reset password.")
            attribute = "phone_number" if mechanism["Name"] == "verified_phone_number" else "email"
            if _attr(user, attribute) and _verified(user, attribute):
                return attribute
        raise CognitoError(
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
        )

    def forgot_password(self, p: dict) -> dict:
        pool, client, username = self._client_and_username(p)
        user = self._user_for_code(pool, client, username)
        if user is None:
            return {"CodeDeliveryDetails": self._simulated_delivery(pool, username)}
        if not user.enabled:
            raise _not_authorized("User is disabled.")
        attribute = self._recovery_attribute(pool, user)
        return {"CodeDeliveryDetails": self._send_code(pool, user, "FORGOT_PASSWORD", attribute, (pool.id, user.username, "FORGOT_PASSWORD"))}

    def confirm_forgot_password(self, p: dict) -> dict:
        pool, client = self._client(p.get("ClientId"))
        username = _required(p, "Username")
        password = _required(p, "Password")
        self._check_secret_hash(client, username, p.get("SecretHash"))
        user = self._user_to_confirm(pool, client, username)
        key = (pool.id, user.username, "FORGOT_PASSWORD")
        self._consume_code(key, p.get("ConfirmationCode"), consume=False)
        self._validate_password(pool, password)
        self._consume_code(key, p.get("ConfirmationCode"))
        user.password = password
        if user.status in (UserStatus.RESET_REQUIRED, UserStatus.FORCE_CHANGE_PASSWORD):
            user.status = UserStatus.CONFIRMED
        return {}

    def admin_reset_user_password(self, p: dict) -> dict:
        """Moto sets RESET_REQUIRED; Cognito also sends the user a code to reset with.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html"""
        pool = self._pool(p.get("UserPoolId"))
        user = pool.backend.admin_get_user(pool.id, p.get("Username"))
        attribute = self._recovery_attribute(pool, user)
        pool.backend.admin_reset_user_password(pool.id, user.username)
        self._send_code(pool, user, "FORGOT_PASSWORD", attribute, (pool.id, user.username, "FORGOT_PASSWORD"))
        return {}

    def get_user_attribute_verification_code(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        attribute = _required(p, "AttributeName")
        if attribute not in ("email", "phone_number") or not _attr(user, attribute):
            raise CognitoError("InvalidParameterException", f"Invalid attribute: {attribute}")
        return {"CodeDeliveryDetails": self._send_code(pool, user, "VERIFY_ATTRIBUTE", attribute, (pool.id, user.username, "VERIFY_ATTRIBUTE", attribute))}

    def verify_user_attribute(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        attribute = _required(p, "AttributeName")
        given = p.get("Code")
        if not given:
            raise CognitoError("InvalidParameterException", "Missing required parameter Code")
        self._consume_code((pool.id, user.username, "VERIFY_ATTRIBUTE", attribute), given)
        user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
        return {}

    def update_user_attributes(self, p: dict) -> dict:
        """A changed email/phone becomes unverified; if the pool auto-verifies it, a code is sent.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html"""
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        updates = p.get("UserAttributes")
        if not isinstance(updates, list):
            raise CognitoError("InvalidParameterException", "Missing required parameter UserAttributes")
        before = dict(user.attribute_lookup)
        pool.backend.update_user_attributes(p["AccessToken"], updates)
        auto = pool.extended_config.get("AutoVerifiedAttributes") or []
        deliveries = []
        for attribute in ("email", "phone_number"):
            if _attr(user, attribute) and _attr(user, attribute) != before.get(attribute):
                user.update_attributes([{"Name": f"{attribute}_verified", "Value": "false"}])
                if attribute in auto:
                    deliveries.append(
                        self._send_code(pool, user, "VERIFY_ATTRIBUTE", attribute, (pool.id, user.username, "VERIFY_ATTRIBUTE", attribute))
                    )
        return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}

    # ------------------------------------------------------------------ TOTP and MFA preferences

    def _token_or_session_user(self, p: dict, operation: str):
        """(pool, user, session or None) from AccessToken or an MFA_SETUP Session."""
        if p.get("AccessToken"):
            pool, user, _ = self._check_access_token(p["AccessToken"])
            return pool, user, None
        sid = p.get("Session")
        if not sid:
            raise CognitoError("InvalidParameterException", f"{operation} needs an AccessToken or a Session")
        session = self.sessions.get(sid)
        if session is None or "MFA_SETUP" not in session.expected:
            raise _not_authorized(INVALID_SESSION)
        if time.time() >= session.expires:
            self._drop_session(sid)
            raise _not_authorized(EXPIRED_SESSION)
        pool = self._pool(session.pool_id)
        user = pool._get_user(session.username)
        if user is None:
            raise self._unknown_user_error()
        return pool, user, session

    def _continue_setup_session(self, pool, session: AuthSession, **data) -> AuthSession:
        client = pool.clients.get(session.client_id)
        self._drop_session(session.id)
        user = pool._get_user(session.username)
        merged = dict(session.data, **data)
        return self._new_session(pool, client, user, {"MFA_SETUP"}, admin=session.admin, names=session.names, **merged)

    def associate_software_token(self, p: dict) -> dict:
        """A fresh 160-bit secret per call; it takes effect once VerifySoftwareToken accepts a code.
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html"""
        pool, user, session = self._token_or_session_user(p, "AssociateSoftwareToken")
        if "SOFTWARE_TOKEN_MFA" not in self._pool_mfa_methods(pool):
            raise CognitoError("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
        state = self._mfa_state(pool, user)
        state.pending_secret = totp.new_secret()
        answer = {"SecretCode": state.pending_secret}
        if session is not None:
            answer["Session"] = self._continue_setup_session(pool, session).id
        return answer

    def verify_software_token(self, p: dict) -> dict:
        pool, user, session = self._token_or_session_user(p, "VerifySoftwareToken")
        code = _required(p, "UserCode")
        state = self._mfa_state(pool, user)
        counter = totp.verify(state.pending_secret, code) if state.pending_secret else None
        if counter is None:
            raise CognitoError("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
        state.totp_secret, state.pending_secret, state.last_counter = state.pending_secret, None, counter
        user.token_verified = True
        answer: dict[str, Any] = {"Status": "SUCCESS"}
        if session is not None:
            # Set up during sign-in (MFA_SETUP): the token becomes the user's MFA.
            user.software_token_mfa_enabled = True
            user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
            answer["Session"] = self._continue_setup_session(pool, session, mfa_setup_verified=True).id
        return answer

    def _set_mfa_preference(self, pool, user, p: dict) -> None:
        """https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html"""
        state = self._mfa_state(pool, user)
        token = p.get("SoftwareTokenMfaSettings")
        sms = p.get("SMSMfaSettings")
        email = p.get("EmailMfaSettings")
        if token and token.get("Enabled") and not state.totp_secret:
            raise CognitoError("InvalidParameterException", "User has not verified software token mfa")
        for settings, method in ((token, "SOFTWARE_TOKEN_MFA"), (sms, "SMS_MFA"), (email, "EMAIL_OTP")):
            if not settings:
                continue
            enabled = bool(settings.get("Enabled"))
            if method == "SOFTWARE_TOKEN_MFA":
                user.software_token_mfa_enabled = enabled
            elif method == "SMS_MFA":
                user.sms_mfa_enabled = enabled
            else:
                state.email_enabled = enabled
            if enabled and settings.get("PreferredMfa"):
                user.preferred_mfa_setting = method
            elif user.preferred_mfa_setting == method and (not enabled or settings.get("PreferredMfa") is False):
                user.preferred_mfa_setting = None

    def set_user_mfa_preference(self, p: dict) -> dict:
        pool, user, _ = self._check_access_token(p.get("AccessToken"))
        self._set_mfa_preference(pool, user, p)
        return {}

    def admin_set_user_mfa_preference(self, p: dict) -> dict:
        pool = self._pool(p.get("UserPoolId"))
        user = pool.backend.admin_get_user(pool.id, p.get("Username"))
        self._set_mfa_preference(pool, user, p)
        return {}

    def set_user_pool_mfa_config(self, p: dict) -> dict:
        """moto drops EmailMfaConfiguration; it is kept here."""
        pool = self._pool(p.get("UserPoolId"))
        mfa = p.get("MfaConfiguration") or pool.mfa_config
        if mfa not in ("ON", "OFF", "OPTIONAL"):
            raise CognitoError("InvalidParameterException", "[MfaConfiguration] must be one of 'ON', 'OFF', or 'OPTIONAL'.")
        sms = p.get("SmsMfaConfiguration")
        token = p.get("SoftwareTokenMfaConfiguration")
        email = p.get("EmailMfaConfiguration")
        if mfa != "OFF" and sms is None and token is None and email is None:
            raise CognitoError("InvalidParameterException", "At least one MFA configuration must be provided.")
        self.webauthn.set_config(pool, p.get("WebAuthnConfiguration"))
        pool.backend.set_user_pool_mfa_config(pool.id, sms, token, mfa)
        if email is not None:
            self.email_mfa_config[pool.id] = email
        elif "EmailMfaConfiguration" in p:
            self.email_mfa_config.pop(pool.id, None)
        return self.get_user_pool_mfa_config({"UserPoolId": pool.id})

    def get_user_pool_mfa_config(self, p: dict) -> dict:
        pool = self._pool(p.get("UserPoolId"))
        answer = {k: v for k, v in pool.backend.get_user_pool_mfa_config(pool.id).items() if v is not None}
        if pool.id in self.email_mfa_config:
            answer["EmailMfaConfiguration"] = self.email_mfa_config[pool.id]
        if self.webauthn.get_config(pool):
            answer["WebAuthnConfiguration"] = self.webauthn.get_config(pool)
        return answer


# app_clients.py needs CognitoError from this module, so it is imported once everything above exists.
from . import app_clients  # noqa: E402
