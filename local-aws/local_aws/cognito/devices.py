"""Remembered devices (device tracking) for the Cognito layer: NewDeviceMetadata on sign-in,
ConfirmDevice storing the device's SRP verifier, UpdateDeviceStatus / ForgetDevice /
ListDevices / GetDevice, and device SRP (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) verified
server-side with the same SRP code as the user's password (``srp.py``), with the device group
key in the place of the pool name and the device key in the place of the user id.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html

Behaviour where the documentation leaves a choice (README lists them):

* Device tracking is on when the pool has a ``DeviceConfiguration`` with any property set
  ("When you provide a value for any property of DeviceConfiguration, you activate the device
  remembering for the user pool").
* A sign-in that sends no DEVICE_KEY, or one this pool does not know for this user, gets fresh
  ``NewDeviceMetadata``; one whose device is confirmed does not.
* A remembered device is asked to prove itself (DEVICE_SRP_AUTH) after the first factor; MFA is
  then skipped only when the pool's ``ChallengeRequiredOnNewDevice`` is true ("When true, a
  remembered device can sign in with device authentication instead of SMS and TOTP factors
  for MFA"). A device that is confirmed but not remembered signs in with MFA as a new one would.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import srp

if TYPE_CHECKING:  # pragma: no cover
    from .service import CognitoLayer

DEVICE_CHALLENGES = ("DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER")
# DeviceKeyType: [\w-]+_[0-9a-f-]+, 1-55 characters.
_DEVICE_KEY = re.compile(r"[\w-]+_[0-9a-f-]+")
MAX_LIST = 60  # QueryLimitType


@dataclass
class Device:
    key: str
    pool_id: str
    username: str
    group_key: str
    created: float
    name: str | None = None
    salt: int | None = None  # from ConfirmDevice's DeviceSecretVerifierConfig
    v: int | None = None
    remembered: bool = False
    modified: float = 0.0
    last_authenticated: float = 0.0

    @property
    def confirmed(self) -> bool:
        return self.v is not None


def tracking(pool) -> dict | None:
    """The pool's DeviceConfiguration when device tracking is on, else None."""
    config = pool.extended_config.get("DeviceConfiguration")
    if isinstance(config, dict) and any(k in config for k in ("ChallengeRequiredOnNewDevice", "DeviceOnlyRememberedOnUserPrompt")):
        return config
    return None


def _b64_int(value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return int.from_bytes(base64.b64decode(value, validate=True), "big")
    except (binascii.Error, ValueError):
        return None


class Devices:
    def __init__(self, layer: "CognitoLayer") -> None:
        self.layer = layer
        self.devices: dict[tuple[str, str], Device] = {}  # (pool id, device key)
        self.group_keys: dict[tuple[str, str], str] = {}  # (pool id, username)
        self.refresh_devices: dict[str, tuple[str, str]] = {}  # refresh token family -> (pool id, device key)

    # ------------------------------------------------------------------ helpers

    def _error(self, code: str, message: str):
        from .service import CognitoError

        return CognitoError(code, message)

    def _user_device(self, pool, user, key: Any, *, confirmed_only: bool = True) -> Device:
        if not isinstance(key, str) or not key:
            raise self._error("InvalidParameterException", "Missing required parameter DeviceKey")
        if len(key) > 55 or not _DEVICE_KEY.fullmatch(key):
            raise self._error("InvalidParameterException", "1 validation error detected: Value at 'deviceKey' failed to satisfy constraint")
        device = self.devices.get((pool.id, key))
        if device is None or device.username != user.username or (confirmed_only and not device.confirmed):
            raise self._error("ResourceNotFoundException", "Device does not exist.")
        return device

    def _tracked_pool(self, pool):
        if tracking(pool) is None:
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html
            raise self._error("InvalidUserPoolConfigurationException", "Device tracking is not enabled for this user pool.")

    def known(self, pool, user, key: Any) -> Device | None:
        device = self.devices.get((pool.id, key)) if isinstance(key, str) else None
        return device if device is not None and device.username == user.username and device.confirmed else None

    # ------------------------------------------------------------------ sign-in hooks

    def new_metadata(self, pool, username: str, region: str) -> dict | None:
        """NewDeviceMetadata for tokens just issued to ``username`` by a sign-in (None when the
        pool does not track devices)."""
        if tracking(pool) is None:
            return None
        group_key = self.group_keys.get((pool.id, username))
        if group_key is None:
            alphabet = string.ascii_letters + string.digits
            group_key = "-" + "".join(secrets.choice(alphabet) for _ in range(9))
            self.group_keys[(pool.id, username)] = group_key
        key = f"{region}_{uuid.uuid4()}"
        self.devices[(pool.id, key)] = Device(key, pool.id, username, group_key, created=time.time())
        return {"DeviceKey": key, "DeviceGroupKey": group_key}

    def challenge(self, pool, client, user, key: Any, *, admin: bool, names) -> dict | None:
        """After the first factor: DEVICE_SRP_AUTH for a remembered device of this user, else None."""
        if tracking(pool) is None:
            return None
        device = self.known(pool, user, key)
        if device is None or not device.remembered:
            return None
        session = self.layer._new_session(pool, client, user, {"DEVICE_SRP_AUTH"}, admin=admin, names=names, device_key=device.key)
        return self.layer._challenge("DEVICE_SRP_AUTH", session, {"USERNAME": user.username})

    def respond(self, pool, client, user, session, name: str, responses: dict, *, admin: bool) -> dict:
        from .service import INCORRECT, _not_authorized, _required

        key = session.data.get("device_key")
        given = _required(responses, "DEVICE_KEY")
        device = self.devices.get((pool.id, key)) if key else None
        if user is None or device is None or given != key or not device.confirmed or device.username != user.username:
            self.layer._drop_session(session.id)
            raise _not_authorized(INCORRECT)
        if name == "DEVICE_SRP_AUTH":
            A = srp.parse_hex(_required(responses, "SRP_A"))
            self.layer._drop_session(session.id)
            if A is None or A % srp.N == 0:
                raise _not_authorized("SRP_A is invalid.")
            b, B = srp.server_ephemeral(device.v)
            secret_block = base64.b64encode(secrets.token_bytes(512)).decode("ascii")
            nxt = self.layer._new_session(
                pool, client, user, {"DEVICE_PASSWORD_VERIFIER"}, admin=admin, names=session.names,
                lifetime=self.layer.settings.srp_challenge_seconds, device_key=key, A=A, b=b, B=B, device_block=secret_block,
            )
            parameters = {"SRP_B": format(B, "x"), "SALT": format(device.salt, "x"), "SECRET_BLOCK": secret_block, "USERNAME": user.username, "DEVICE_KEY": key}
            return self.layer._challenge("DEVICE_PASSWORD_VERIFIER", nxt, parameters)

        # DEVICE_PASSWORD_VERIFIER: one proof per SRP_B, right or wrong.
        self.layer._drop_session(session.id)
        data = session.data
        block = _required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        claim = _required(responses, "PASSWORD_CLAIM_SIGNATURE")
        timestamp = _required(responses, "TIMESTAMP")
        when = srp.parse_timestamp(timestamp)
        if block != data.get("device_block") or when is None or abs(time.time() - when) > self.layer.settings.srp_timestamp_skew_seconds:
            raise _not_authorized(INCORRECT)
        u = srp.compute_u(data["A"], data["B"])
        if u == 0:
            raise _not_authorized(INCORRECT)
        S = srp.server_secret(data["A"], device.v, u, data["b"])
        if not srp.signature_matches(
            S=S, u=u, pool_name=device.group_key, user_id_for_srp=device.key, secret_block_b64=block, timestamp=timestamp, claim_b64=claim
        ):
            raise _not_authorized(INCORRECT)
        device.last_authenticated = time.time()
        if not (tracking(pool) or {}).get("ChallengeRequiredOnNewDevice"):
            mfa = self.layer._mfa_step(pool, client, user, admin=admin, names=session.names)
            if mfa is not None:
                if "Session" in mfa and mfa["Session"] in self.layer.sessions:
                    self.layer.sessions[mfa["Session"]].data["device_key"] = key
                return mfa
        return {"ChallengeParameters": {}, "AuthenticationResult": self.layer._issue(pool, client, user)}

    def check_refresh(self, record, device_key: Any) -> None:
        """A refresh token issued to a session whose device was confirmed needs that device's key: "You must
        provide the confirmed device key in this request if device remembering is enabled in your user pool"
        (GetTokensFromRefreshToken, DeviceKey; InitiateAuth REFRESH_TOKEN_AUTH takes DEVICE_KEY alike)."""
        from .service import _not_authorized

        bound = self.refresh_devices.get(record.family)
        if bound is None or bound not in self.devices:  # no confirmed device in this session, or forgotten since
            return
        if device_key != bound[1]:
            raise _not_authorized("Invalid Refresh Token")

    def bind(self, pool, refresh_token: str | None, device_key: str) -> None:
        """The session signed in from a confirmed device: its refresh token needs that device's key."""
        record = self.layer.refresh.get(refresh_token or "")
        if record is not None:
            self.refresh_devices[record.family] = (pool.id, device_key)

    # ------------------------------------------------------------------ operations (access token)

    def confirm_device(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html"""
        pool, user, access = self.layer._check_access_token(p.get("AccessToken"))
        self._tracked_pool(pool)
        device = self._user_device(pool, user, p.get("DeviceKey"), confirmed_only=False)
        if device.confirmed:
            raise self._error("DeviceKeyExistsException", "Device key already exists.")
        config = p.get("DeviceSecretVerifierConfig")
        if not isinstance(config, dict):
            raise self._error("InvalidParameterException", "Missing required parameter DeviceSecretVerifierConfig")
        salt, v = _b64_int(config.get("Salt")), _b64_int(config.get("PasswordVerifier"))
        if salt is None or v is None or v % srp.N == 0:
            raise self._error("InvalidParameterException", "Invalid DeviceSecretVerifierConfig")
        name = p.get("DeviceName")
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 1024):
            raise self._error("InvalidParameterException", "Invalid DeviceName")
        prompt = bool(tracking(pool).get("DeviceOnlyRememberedOnUserPrompt"))
        device.salt, device.v, device.name = salt, v, name
        device.remembered = not prompt
        device.modified = time.time()
        self.bind(pool, access.refresh, device.key)
        return {"UserConfirmationNecessary": prompt}

    def update_device_status(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        self._tracked_pool(pool)
        device = self._user_device(pool, user, p.get("DeviceKey"))
        status = p.get("DeviceRememberedStatus")
        if status not in ("remembered", "not_remembered"):
            raise self._error(
                "InvalidParameterException",
                f"1 validation error detected: Value '{status}' at 'deviceRememberedStatus' failed to satisfy constraint: "
                "Member must satisfy enum value set: [remembered, not_remembered]",
            )
        device.remembered = status == "remembered"
        device.modified = time.time()
        return {}

    def forget_device(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        self._tracked_pool(pool)
        device = self._user_device(pool, user, p.get("DeviceKey"))
        del self.devices[(pool.id, device.key)]
        return {}

    def get_device(self, p: dict) -> dict:
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        self._tracked_pool(pool)
        return {"Device": self._describe(self._user_device(pool, user, p.get("DeviceKey")))}

    def list_devices(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListDevices.html"""
        pool, user, _ = self.layer._check_access_token(p.get("AccessToken"))
        self._tracked_pool(pool)
        limit = p.get("Limit", MAX_LIST)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_LIST:
            raise self._error("InvalidParameterException", "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
        mine = sorted((d for d in self.devices.values() if d.pool_id == pool.id and d.username == user.username and d.confirmed), key=lambda d: (d.created, d.key))
        start = 0
        token = p.get("PaginationToken")
        if token is not None:
            keys = [d.key for d in mine]
            if token not in keys:
                raise self._error("InvalidParameterException", "Invalid PaginationToken")
            start = keys.index(token)
        page = mine[start : start + (limit or MAX_LIST)]
        answer: dict[str, Any] = {"Devices": [self._describe(d) for d in page]}
        if start + len(page) < len(mine):
            answer["PaginationToken"] = mine[start + len(page)].key
        return answer

    @staticmethod
    def _describe(d: Device) -> dict:
        attributes = [{"Name": "device_status", "Value": "valid"}, {"Name": "dev:device_remembered_status", "Value": "remembered" if d.remembered else "not_remembered"}]
        if d.name is not None:
            attributes.append({"Name": "device_name", "Value": d.name})
        out = {"DeviceKey": d.key, "DeviceAttributes": attributes, "DeviceCreateDate": d.created, "DeviceLastModifiedDate": d.modified or d.created}
        if d.last_authenticated:
            out["DeviceLastAuthenticatedDate"] = d.last_authenticated
        return out
