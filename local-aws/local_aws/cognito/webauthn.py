"""Passkeys (WebAuthn) for the Cognito layer: StartWebAuthnRegistration / CompleteWebAuthnRegistration,
ListWebAuthnCredentials, DeleteWebAuthnCredential, and the WEB_AUTHN first factor of USER_AUTH.
Both ceremonies are verified by the maintained py_webauthn library (PyPI ``webauthn``): challenge,
origin, relying-party id hash, signature, user presence / verification and sign count.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html#amazon-cognito-user-pools-authentication-flow-methods-passkey
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html

Choices where AWS's documentation leaves room (README lists them):

* The pool's ``WebAuthnConfiguration`` (SetUserPoolMfaConfig) gives the relying-party id and user
  verification; without a relying-party id, StartWebAuthnRegistration answers
  ``WebAuthnConfigurationMissingException`` (local-aws has no user pool domains to fall back on).
* Passkeys need ``WEB_AUTHN`` in the pool's AllowedFirstAuthFactors (else ``WebAuthnNotEnabledException``).
* "WebAuthnOriginNotAllowedException: the passkey credential's registration origin does not align
  with the user pool relying party id": the origin must be ``https://<relying-party id>``, or the
  origin of one of the app client's CallbackURLs whose host is the relying-party id or a subdomain
  of it (how an app on another port, or on ``http://localhost`` in development, is allowed). The
  browser already refuses a relying-party id that is not the page's domain or a suffix of it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..identity.jwt import b64url, b64url_decode
from webauthn import generate_authentication_options, generate_registration_options, options_to_json
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

if TYPE_CHECKING:  # pragma: no cover
    from .service import CognitoLayer

REGISTRATION_SECONDS = 300
MAX_LIST = 20  # WebAuthnCredentialsQueryLimitType



@dataclass
class Credential:
    id: bytes
    pool_id: str
    username: str
    public_key: bytes
    sign_count: int
    rp_id: str
    created: float
    transports: list[str] = field(default_factory=list)
    attachment: str | None = None
    name: str = ""


class WebAuthn:
    def __init__(self, layer: "CognitoLayer") -> None:
        self.layer = layer
        self.config: dict[str, dict] = {}  # pool id -> WebAuthnConfiguration
        self.credentials: dict[tuple[str, bytes], Credential] = {}  # (pool id, credential id)
        self.registrations: dict[tuple[str, str], tuple[bytes, str, float]] = {}  # (pool, user) -> (challenge, rp id, expires)
        self.user_handles: dict[tuple[str, str], bytes] = {}

    def _error(self, code: str, message: str):
        from .service import CognitoError

        return CognitoError(code, message)

    # ------------------------------------------------------------------ configuration (SetUserPoolMfaConfig)

    def set_config(self, pool, config: Any) -> None:
        if config is None:
            return
        if not isinstance(config, dict):
            raise self._error("InvalidParameterException", "Invalid WebAuthnConfiguration")
        rp_id = config.get("RelyingPartyId")
        if rp_id is not None and (not isinstance(rp_id, str) or not 1 <= len(rp_id) <= 127):
            raise self._error("InvalidParameterException", "Invalid RelyingPartyId")
        uv = config.get("UserVerification", "preferred")
        if uv not in ("required", "preferred"):
            raise self._error("InvalidParameterException", "UserVerification must be required or preferred")
        self.config[pool.id] = {k: v for k, v in {"RelyingPartyId": rp_id, "UserVerification": uv, "FactorConfiguration": config.get("FactorConfiguration")}.items() if v is not None}

    def get_config(self, pool) -> dict | None:
        return self.config.get(pool.id)

    @staticmethod
    def allowed(pool) -> bool:
        policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
        return "WEB_AUTHN" in (policy.get("AllowedFirstAuthFactors") or [])

    def _settings(self, pool) -> tuple[str, bool]:
        if not self.allowed(pool):
            raise self._error("WebAuthnNotEnabledException", "Passkeys are not enabled for this user pool.")
        config = self.config.get(pool.id) or {}
        if not config.get("RelyingPartyId"):
            raise self._error("WebAuthnConfigurationMissingException", "The user pool has no relying party id for passkeys.")
        return config["RelyingPartyId"], config.get("UserVerification") == "required"

    @staticmethod
    def _origins(client, rp_id: str) -> set[str]:
        allowed = {f"https://{rp_id}"}
        for url in client.extended_config.get("CallbackURLs") or []:
            parts = urlsplit(url) if isinstance(url, str) else None
            host = parts.hostname if parts else None
            if host and (host == rp_id or host.endswith("." + rp_id)):
                allowed.add(f"{parts.scheme}://{parts.netloc}")
        return allowed

    def _origin(self, credential: Any, rp_id: str, client) -> str:
        """The origin the browser wrote in clientDataJSON, when it is one this app client may use."""
        try:
            client_data = json.loads(b64url_decode(credential["response"]["clientDataJSON"]))
            origin = client_data["origin"]
            if not isinstance(origin, str):
                raise TypeError
        except (KeyError, TypeError, ValueError):
            raise self._error("InvalidParameterException", "Invalid credential: clientDataJSON") from None
        if origin not in self._origins(client, rp_id):
            raise self._error("WebAuthnOriginNotAllowedException", "The passkey's origin does not match the user pool's relying party id.")
        return origin

    def _user_handle(self, pool, user) -> bytes:
        return self.user_handles.setdefault((pool.id, user.username), secrets.token_bytes(32))

    def _mine(self, pool, user) -> list[Credential]:
        return sorted((c for c in self.credentials.values() if c.pool_id == pool.id and c.username == user.username), key=lambda c: (c.created, c.id))

    # ------------------------------------------------------------------ registration

    def start_registration(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        rp_id, uv_required = self._settings(pool)
        options = generate_registration_options(
            rp_id=rp_id,
            rp_name=pool.name,
            user_name=user.username,
            user_id=self._user_handle(pool, user),
            timeout=REGISTRATION_SECONDS * 1000,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED if uv_required else UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=c.id) for c in self._mine(pool, user)],
        )
        self.registrations[(pool.id, user.username)] = (options.challenge, rp_id, time.time() + REGISTRATION_SECONDS)
        return {"CredentialCreationOptions": json.loads(options_to_json(options))}

    def complete_registration(self, p: dict) -> dict:
        pool, user, record = self.layer._check_access_token(p.get("AccessToken"))
        rp_id, uv_required = self._settings(pool)
        client = pool.clients.get(record.client_id)
        credential = p.get("Credential")
        if not isinstance(credential, dict):
            raise self._error("InvalidParameterException", "Missing required parameter Credential")
        pending = self.registrations.pop((pool.id, user.username), None)
        if pending is None or time.time() >= pending[2]:
            raise self._error("WebAuthnChallengeNotFoundException", "No passkey registration is waiting for this user.")
        challenge, registered_rp, _ = pending
        if registered_rp != rp_id:
            raise self._error("WebAuthnRelyingPartyMismatchException", "The user pool's relying party id changed since the registration started.")
        origin = self._origin(credential, rp_id, client)
        try:
            verified = verify_registration_response(
                credential=credential, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
                require_user_verification=uv_required,
            )
        except WebAuthnException as failure:
            text = str(failure)
            if "RP ID hash" in text:
                raise self._error("WebAuthnRelyingPartyMismatchException", "The passkey belongs to another relying party.") from None
            raise self._error("InvalidParameterException", "The passkey registration did not verify.") from None
        key = (pool.id, verified.credential_id)
        if key in self.credentials:
            raise self._error("InvalidParameterException", "This passkey is already registered.")
        transports = [t for t in (credential.get("response") or {}).get("transports") or [] if isinstance(t, str)]
        attachment = credential.get("authenticatorAttachment") if credential.get("authenticatorAttachment") in ("platform", "cross-platform") else None
        self.credentials[key] = Credential(
            verified.credential_id, pool.id, user.username, verified.credential_public_key, verified.sign_count, rp_id,
            time.time(), transports, attachment, name=f"Passkey {len(self._mine(pool, user)) + 1}",
        )
        return {}

    def list_credentials(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        limit = p.get("MaxResults", MAX_LIST)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIST:
            raise self._error("InvalidParameterException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 20")
        mine = self._mine(pool, user)
        start = 0
        token = p.get("NextToken")
        if token is not None:
            ids = [b64url(c.id) for c in mine]
            if token not in ids:
                raise self._error("InvalidParameterException", "Invalid NextToken")
            start = ids.index(token)
        page = mine[start : start + limit]
        answer: dict[str, Any] = {"Credentials": [
            {k: v for k, v in {
                "CredentialId": b64url(c.id), "FriendlyCredentialName": c.name, "RelyingPartyId": c.rp_id,
                "AuthenticatorAttachment": c.attachment, "AuthenticatorTransports": c.transports, "CreatedAt": c.created,
            }.items() if v is not None}
            for c in page
        ]}
        if start + len(page) < len(mine):
            answer["NextToken"] = b64url(mine[start + len(page)].id)
        return answer

    def delete_credential(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        given = p.get("CredentialId")
        if not isinstance(given, str) or not given:
            raise self._error("InvalidParameterException", "Missing required parameter CredentialId")
        try:
            key = (pool.id, b64url_decode(given))
        except ValueError:
            key = None
        c = self.credentials.get(key) if key else None
        if c is None or c.username != user.username:
            raise self._error("ResourceNotFoundException", "Passkey does not exist.")
        del self.credentials[key]
        return {}

    # ------------------------------------------------------------------ sign-in (USER_AUTH, WEB_AUTHN)

    def available(self, pool, user) -> bool:
        """Whether WEB_AUTHN is a first factor for this user (unknown users are not revealed)."""
        if not self.allowed(pool) or not (self.config.get(pool.id) or {}).get("RelyingPartyId"):
            return False
        return user is None or bool(self._mine(pool, user))

    def start(self, pool, client, user, username: str, *, admin: bool) -> dict:
        rp_id, uv_required = self._settings(pool)
        options = generate_authentication_options(
            rp_id=rp_id,
            allow_credentials=[PublicKeyCredentialDescriptor(id=c.id) for c in self._mine(pool, user)] if user is not None else [],
            user_verification=UserVerificationRequirement.REQUIRED if uv_required else UserVerificationRequirement.PREFERRED,
        )
        session = self.layer._new_session(pool, client, user, {"WEB_AUTHN"}, admin=admin, names={username}, webauthn_challenge=options.challenge)
        return self.layer._challenge("WEB_AUTHN", session, {"CREDENTIAL_REQUEST_OPTIONS": options_to_json(options)})

    def respond(self, pool, client, user, session, responses: dict, *, admin: bool) -> dict:
        from .service import INCORRECT, _not_authorized, _required

        raw = _required(responses, "CREDENTIAL")
        self.layer._drop_session(session.id)  # one answer per challenge
        rp_id, uv_required = self._settings(pool)
        try:
            credential = json.loads(raw)
            key = (pool.id, b64url_decode(credential["rawId"]))
        except (ValueError, KeyError, TypeError):
            raise self._error("InvalidParameterException", "Invalid CREDENTIAL") from None
        stored = self.credentials.get(key)
        if user is None or stored is None or stored.username != user.username:
            raise _not_authorized(INCORRECT)
        origin = self._origin(credential, rp_id, client)
        try:
            verified = verify_authentication_response(
                credential=credential, expected_challenge=session.data["webauthn_challenge"], expected_rp_id=rp_id,
                expected_origin=origin, credential_public_key=stored.public_key,
                credential_current_sign_count=stored.sign_count, require_user_verification=uv_required,
            )
        except WebAuthnException:
            raise _not_authorized(INCORRECT) from None
        stored.sign_count = verified.new_sign_count
        # A passkey is a passwordless first factor: no MFA follows.
        return self.layer._after_first_factor(pool, client, user, admin=admin, names=session.names, passwordless=True)
