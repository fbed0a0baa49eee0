"""Cognito identity pools (``AWSCognitoIdentityService.*``) that local-aws answers itself.

moto keeps the identity pools (CreateIdentityPool, DescribeIdentityPool, UpdateIdentityPool,
... still go to moto), but its GetId accepts any token and returns a new id on every call,
and its GetCredentialsForIdentity hands out one hard-coded key. ``IdentityPools`` answers
GetId, GetCredentialsForIdentity, GetOpenIdToken, DeleteIdentities, DescribeIdentity,
ListIdentities, SetIdentityPoolRoles and GetIdentityPoolRoles against moto's pool objects,
with identities and logins kept here:

* every ``Logins`` token is verified (RS256 signature against the provider's JWKS, issuer =
  Logins key, audience = an app client / OIDC audience configured for the pool, not expired,
  an ID token) before anything else happens;
* one identity per (pool, provider, subject), created by the first GetId with that login;
  GetId without logins makes a new guest identity each time;
* credentials are fresh temporary keys per call, registered in the SigV4 ``CredentialStore``
  with the pool's role and the identity id (for the IAM evaluator), valid for
  ``credential_seconds``.

Error types and messages are Cognito's; where the wording comes from real responses rather
than the API reference, the source is cited next to the code, and README.md lists the
remaining guesses.
"""

from __future__ import annotations

import base64
import json
import math
import re
import secrets
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from moto.cognitoidentity.models import cognitoidentity_backends
from moto.cognitoidp.models import cognitoidp_backends
from moto.utilities.utils import load_resource

from ..credentials import Credential, CredentialStore
from ..errors import AwsError
from . import jwt
from .oidc import LocalOidc

COGNITO_IDENTITY_ISSUER = "https://cognito-identity.amazonaws.com"
# The Logins key of a token that cognito-identity itself issued (GetOpenIdTokenForDeveloperIdentity,
# GetOpenIdToken): "Logins": {"cognito-identity.amazonaws.com": token} in GetCredentialsForIdentity.
# https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html
IDENTITY_LOGIN = "cognito-identity.amazonaws.com"
# "If you don't provide an expiration time, the token is valid for 15 minutes. ... The maximum token
# duration you can set is 24 hours."
# https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html
DEVELOPER_TOKEN_SECONDS = 900
MAX_DEVELOPER_TOKEN_SECONDS = 86400
# "The OpenID token is valid for 10 minutes."
# https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html
OPEN_ID_TOKEN_SECONDS = 600

# Messages as Cognito sends them (quoted in issues of AWS's own SDKs: amazon-cognito-identity-js
# #7, #91, #153, #407; aws-sdk-ios #2570; amplify-js #2443; aws-sdk-android #175; aws-sdk-js-v3 #3113).
NOT_OIDC = "Invalid login token. Not a valid OpenId Connect identity token."
ISSUER_MISMATCH = "Invalid login token. Issuer doesn't match providerName"
UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
CANNOT_VERIFY = "Invalid login token. Couldn't verify signed token."
INCORRECT_AUDIENCE = "Invalid login token. Incorrect token audience."
LOGINS_DONT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool."
UNAUTHENTICATED_NOT_SUPPORTED = "Unauthenticated access is not supported for this identity pool."
INVALID_POOL_CONFIGURATION = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
LOGIN_CONFLICT = "Logins are already linked to different identities."
# Role mappings with AmbiguousRoleResolution "Deny" (the wording quoted in aws-amplify/amplify-js#8644).
AMBIGUOUS_DENIED = "The ambiguous role mapping rules for: {} denied this request."
# Local wording (see README.md): the developer guide says only that access is denied.
CUSTOM_ROLE_DENIED = "CustomRoleArn is not a role the role mapping allows for this login."

_ID_PATTERN = re.compile(r"[\w-]+:[0-9a-f-]+")
_ROLE_ARN = re.compile(r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+")
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


class IdentityError(AwsError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(status, code, message)


def _not_authorized(message: str) -> IdentityError:
    return IdentityError("NotAuthorizedException", message)


def _validation(value: Any, member: str, constraint: str) -> IdentityError:
    # The AWS front end's validation message (coral), e.g. for a malformed IdentityPoolId.
    shown = "null" if value is None else f"'{value}'"
    return IdentityError("ValidationException", f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {constraint}")


def _identifier(params: dict, name: str) -> str:
    """IdentityId / IdentityPoolId: required, ``[\\w-]+:[0-9a-f-]+``, 1-55 characters."""
    value = params.get(name)
    member = name[0].lower() + name[1:]
    if value is None:
        raise _validation(None, member, "Member must not be null")
    if not isinstance(value, str) or not value:
        raise IdentityError("SerializationException", f"Invalid value for {name}")
    if len(value) > 55:
        raise _validation(value, member, "Member must have length less than or equal to 55")
    if not _ID_PATTERN.fullmatch(value):
        raise _validation(value, member, "Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")
    return value


def _claim_list(value: Any) -> list[str]:
    """A multi-valued claim (cognito:roles, cognito:groups): a JSON array in the ID token, or a
    comma-separated string as the developer guide describes cognito:roles."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _claim_text(value: Any) -> list[str]:
    """A claim's values as text for rule matching (a list claim: each member)."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list):
        return [t for v in value for t in _claim_text(v) if not isinstance(v, list)]
    return []


def _rule_matches(rule: dict, claims: dict) -> bool:
    """One MappingRule: the claim must be present; a multi-valued claim matches when one of its
    values does (NotEqual: when none equals the value).
    https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_MappingRule.html"""
    if rule["Claim"] not in claims:
        return False
    values, wanted, kind = _claim_text(claims[rule["Claim"]]), rule["Value"], rule["MatchType"]
    if kind == "NotEqual":
        return bool(values) and wanted not in values
    test = {"Equals": str.__eq__, "Contains": str.__contains__, "StartsWith": str.startswith}[kind]
    return any(test(v, wanted) for v in values)


def _check_login_sizes(logins: dict) -> None:
    """API reference, LoginsMap: keys (IdentityProviderName) 1-128 characters, values
    (IdentityProviderToken) 1-50000; the value is sensitive, so it is never shown."""
    for provider, token in logins.items():
        if not 1 <= len(provider) <= 128:
            raise _validation(provider, "logins", "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
        if not 1 <= len(token) <= 50000:
            raise _validation("***", "logins", "Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]")


def _role_arn(arn: Any) -> str:
    if not isinstance(arn, str) or not 20 <= len(arn) <= 2048 or not _ROLE_ARN.fullmatch(arn):
        raise IdentityError("InvalidParameterException", f"Invalid role ARN: {arn}")
    return arn


def _role_mappings(value: Any) -> dict[str, dict]:
    """SetIdentityPoolRoles' RoleMappings, checked against the API reference (RoleMapping,
    RulesConfigurationType, MappingRule): at most 10 providers; Type Token or Rules;
    "If you specify Token or Rules as the Type, AmbiguousRoleResolution is required"; Rules
    needs RulesConfiguration with 1 to 25 rules ("You can specify up to 25 rules per identity
    provider"), each with Claim (1-64), MatchType, Value (1-128) and a role ARN.
    https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RoleMapping.html"""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise IdentityError("SerializationException", "RoleMappings must be a map of provider names to role mappings")
    if len(value) > 10:
        raise _validation("{...}", "roleMappings", "Member must have length less than or equal to 10")
    out = {}
    for provider, mapping in value.items():
        if not 1 <= len(provider) <= 128 or not isinstance(mapping, dict):
            raise _validation(provider, "roleMappings", "Member must have length between 1 and 128")
        kind = mapping.get("Type")
        if kind not in ("Token", "Rules"):
            raise _validation(kind, f"roleMappings.{provider}.member.type", "Member must satisfy enum value set: [Token, Rules]")
        resolution = mapping.get("AmbiguousRoleResolution")
        if resolution is None:
            raise IdentityError("InvalidParameterException", f"AmbiguousRoleResolution must be specified for the {kind} role mapping of {provider}.")
        if resolution not in ("AuthenticatedRole", "Deny"):
            raise _validation(resolution, f"roleMappings.{provider}.member.ambiguousRoleResolution", "Member must satisfy enum value set: [AuthenticatedRole, Deny]")
        checked: dict[str, Any] = {"Type": kind, "AmbiguousRoleResolution": resolution}
        if kind == "Rules":
            rules = (mapping.get("RulesConfiguration") or {}).get("Rules") if isinstance(mapping.get("RulesConfiguration"), dict) else None
            if not isinstance(rules, list) or not rules:
                raise IdentityError("InvalidParameterException", f"RulesConfiguration with at least one rule is required for the Rules role mapping of {provider}.")
            if len(rules) > 25:
                raise IdentityError("InvalidParameterException", f"At most 25 rules can be specified for {provider}.")
            clean = []
            for rule in rules:
                if not isinstance(rule, dict):
                    raise IdentityError("SerializationException", "Rules must be a list of MappingRule structures")
                claim, match, wanted = rule.get("Claim"), rule.get("MatchType"), rule.get("Value")
                if not isinstance(claim, str) or not 1 <= len(claim) <= 64 or any(c.isspace() for c in claim):
                    raise _validation(claim, "roleMappings.member.rulesConfiguration.rules.member.claim", "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
                if match not in ("Equals", "Contains", "StartsWith", "NotEqual"):
                    raise _validation(match, "roleMappings.member.rulesConfiguration.rules.member.matchType", "Member must satisfy enum value set: [Equals, Contains, StartsWith, NotEqual]")
                if not isinstance(wanted, str) or not 1 <= len(wanted) <= 128:
                    raise _validation(wanted, "roleMappings.member.rulesConfiguration.rules.member.value", "Member must have length between 1 and 128")
                clean.append({"Claim": claim, "MatchType": match, "Value": wanted, "RoleARN": _role_arn(rule.get("RoleARN"))})
            checked["RulesConfiguration"] = {"Rules": clean}
        out[provider] = checked
    return out


def _strip_scheme(url: str) -> str:
    return url.split("://", 1)[1] if "://" in url else url


@dataclass
class Settings:
    """Run-time settings (``/__local/settings``)."""

    credential_seconds: int = 3600  # lifetime of the temporary credentials issued from then on
    open_id_token_seconds: int = OPEN_ID_TOKEN_SECONDS  # lifetime of GetOpenIdToken's tokens

    def to_json(self) -> dict:
        return {"credentialSeconds": self.credential_seconds, "openIdTokenSeconds": self.open_id_token_seconds}

    def update(self, data: Any) -> None:
        """Raises ValueError (nothing is changed) for unknown keys or bad values."""
        if not isinstance(data, dict):
            raise ValueError('send a JSON object, e.g. {"credentialSeconds": 2}')
        names = {"credentialSeconds": "credential_seconds", "openIdTokenSeconds": "open_id_token_seconds"}
        unknown = set(data) - set(names)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        for key, value in data.items():
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 43200:
                raise ValueError(f'"{key}" must be an integer number of seconds from 1 to 43200')
        for key, value in data.items():
            setattr(self, names[key], value)


@dataclass
class Identity:
    identity_id: str
    pool_id: str
    created: float
    modified: float
    logins: dict[str, str] = field(default_factory=dict)  # provider name -> subject
    merged_into: str | None = None  # a guest identity merged into another one is disabled

    def describe(self) -> dict:
        return {
            "IdentityId": self.identity_id,
            "Logins": sorted(self.logins),
            "CreationDate": self.created,
            "LastModifiedDate": self.modified,
        }


@dataclass(frozen=True)
class Login:
    """A verified Logins entry. ``mapping_key`` is its key in the pool's RoleMappings (a user
    pool's is ``<provider>:<app client id>``); ``claims`` those of its token (empty for a
    developer user identifier). ``identity_token``: a token cognito-identity issued
    (``cognito-identity.amazonaws.com``), whose subject is the identity id itself."""

    provider: str
    subject: str
    user_pool: bool
    mapping_key: str = ""
    claims: dict = field(default_factory=dict, compare=False, hash=False)
    identity_token: bool = False
    developer: bool = False


@dataclass(frozen=True)
class IssuedCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: int  # epoch seconds


class IdentityPools:
    def __init__(self, *, credentials: CredentialStore, settings: Settings | None = None, oidc: LocalOidc | None = None) -> None:
        self.credentials = credentials
        self.settings = settings or Settings()
        self.oidc = oidc
        self.key = jwt.SigningKey()  # signs GetOpenIdToken tokens (served at /__local/identity/.well-known/jwks.json)
        self._lock = threading.RLock()
        self.identities: dict[str, Identity] = {}
        self.links: dict[tuple[str, str, str], str] = {}  # (pool id, provider, subject) -> identity id
        self.roles: dict[str, dict[str, str]] = {}  # pool id -> {"authenticated": arn, "unauthenticated": arn}
        self.role_mappings: dict[str, dict[str, dict]] = {}  # pool id -> {provider: RoleMapping}
        self._issued: list[tuple[str, int]] = []  # (access key id, expiration) of the keys handed out
        self._user_pool_jwks = load_resource("cognitoidp/resources/jwks-public.json")
        self.HANDLERS: dict[str, Callable[[dict], dict]] = {
            "GetId": self.get_id,
            "GetCredentialsForIdentity": self.get_credentials_for_identity,
            "GetOpenIdToken": self.get_open_id_token,
            "DeleteIdentities": self.delete_identities,
            "DescribeIdentity": self.describe_identity,
            "ListIdentities": self.list_identities,
            "SetIdentityPoolRoles": self.set_identity_pool_roles,
            "GetIdentityPoolRoles": self.get_identity_pool_roles,
            "GetOpenIdTokenForDeveloperIdentity": self.get_open_id_token_for_developer_identity,
            "LookupDeveloperIdentity": self.lookup_developer_identity,
        }

    # ------------------------------------------------------------------ entry point

    def handle(self, operation: str, body: bytes) -> dict | None:
        """The JSON answer for ``operation``, or None to let moto answer. Raises AwsError."""
        handler = self.HANDLERS.get(operation)
        if handler is None:
            return None
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = None
        if not isinstance(params, dict):
            raise IdentityError("SerializationException", "Start of structure or map found where not expected.")
        with self._lock:
            return handler(params)

    # ------------------------------------------------------------------ moto lookups

    @staticmethod
    def _pool(pool_id: str):
        for regions in list(cognitoidentity_backends.values()):
            for region, backend in list(regions.items()):
                if region != "global" and pool_id in backend.identity_pools:
                    return backend.identity_pools[pool_id]
        raise IdentityError("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")

    @staticmethod
    def _user_pool_exists(pool_id: str) -> bool:
        for regions in list(cognitoidp_backends.values()):
            for region, backend in list(regions.items()):
                if region != "global" and pool_id in backend.user_pools:
                    return True
        return False

    def _identity(self, identity_id: str) -> Identity:
        identity = self.identities.get(identity_id)
        if identity is None:
            raise IdentityError("ResourceNotFoundException", f"Identity '{identity_id}' not found.")
        if identity.merged_into is not None:
            # A guest identity merged into the identity its login already had is disabled;
            # Cognito then answers (aws-amplify/amplify-js#6616, aws-amplify/aws-sdk-android#175):
            raise _not_authorized(f"Access to Identity '{identity_id}' is forbidden.")
        return identity

    # ------------------------------------------------------------------ logins

    def _verify_logins(self, pool, logins: Any) -> list[Login]:
        if logins is None:
            return []
        if not isinstance(logins, dict) or not all(isinstance(v, str) for v in logins.values()):
            raise IdentityError("SerializationException", "Logins must be a map of provider names to tokens")
        if len(logins) > 10:
            raise _validation("{...}", "logins", "Member must have length less than or equal to 10")
        _check_login_sizes(logins)
        return [self._verify_login(pool, provider, token) for provider, token in logins.items()]

    def _verify_login(self, pool, provider: str, token: str) -> Login:
        """One Logins entry, checked the way Cognito checks an OpenID Connect ID token:
        issuer = provider name, provider configured for the pool, signature, audience,
        expiry, and (user pools) an ID token, not an access token."""
        try:
            parsed = jwt.parse(token)
        except jwt.MalformedToken:
            raise _not_authorized(NOT_OIDC) from None
        claims = parsed.claims
        iss = claims.get("iss")
        if not isinstance(iss, str) or _strip_scheme(iss) != provider:
            raise _not_authorized(ISSUER_MISMATCH)

        if provider == IDENTITY_LOGIN:
            # A token this service issued (GetOpenIdTokenForDeveloperIdentity / GetOpenIdToken): our
            # signature, audience = this identity pool, not expired, and an authenticated identity's
            # (amr "authenticated"). The caller checks that its subject is the identity asked for.
            # https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html
            if not jwt.verify_signature(parsed, self.key.jwks()):
                raise _not_authorized(CANNOT_VERIFY)
            if claims.get("aud") != pool.identity_pool_id:
                raise _not_authorized(INCORRECT_AUDIENCE)
            self._check_expiry(claims)
            amr = claims.get("amr")
            if not isinstance(amr, list) or "authenticated" not in amr:
                raise _not_authorized(NOT_OIDC)
            return Login(provider, self._subject(claims), user_pool=False, mapping_key=provider, claims=claims, identity_token=True)

        if provider.startswith("cognito-idp."):
            # Logins key cognito-idp.<region>.amazonaws.com/<userPoolId>; the pool lists it in
            # CognitoIdentityProviders, once per app client it accepts.
            # https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-integrating-user-pools-with-identity-pools.html
            clients = [
                entry.get("ClientId")
                for entry in (pool.cognito_identity_providers or [])
                if isinstance(entry, dict) and entry.get("ProviderName") == provider
            ]
            if not clients:
                raise _not_authorized(UNSUPPORTED_PROVIDER)
            user_pool_id = provider.rsplit("/", 1)[-1]
            # Every local user pool signs with moto's key, served at /<userPoolId>/.well-known/jwks.json.
            if not self._user_pool_exists(user_pool_id) or not jwt.verify_signature(parsed, self._user_pool_jwks):
                raise _not_authorized(CANNOT_VERIFY)
            if "aud" not in claims:
                # What an access token (client_id, no aud) gets (amazon-cognito-identity-js#7).
                raise _not_authorized("Invalid login token. Missing a required claim: aud")
            if claims["aud"] not in clients:
                # An app client that is not a provider of the pool (amazon-cognito-identity-js#7, amplify-js#2067).
                raise _not_authorized(UNSUPPORTED_PROVIDER)
            self._check_expiry(claims)
            if claims.get("token_use") != "id":
                raise _not_authorized(NOT_OIDC)
            # RoleMappings name a user pool as "<provider>:<app client id>" (API_SetIdentityPoolRoles).
            return Login(provider, self._subject(claims), user_pool=True, mapping_key=f"{provider}:{claims['aud']}", claims=claims)

        oidc = self.oidc
        if oidc is not None and oidc.endpoint and provider == oidc.provider and oidc.provider_arn in (pool.open_id_connect_provider_arns or []):
            if not jwt.verify_signature(parsed, oidc.key.jwks()):
                raise _not_authorized(CANNOT_VERIFY)
            aud = claims.get("aud")
            if aud is None:
                raise _not_authorized("Invalid login token. Missing a required claim: aud")
            audiences = aud if isinstance(aud, list) else [aud]
            if not any(a in oidc.audiences for a in audiences):
                raise _not_authorized(INCORRECT_AUDIENCE)
            self._check_expiry(claims)
            return Login(provider, self._subject(claims), user_pool=False, mapping_key=provider, claims=claims)

        raise _not_authorized(UNSUPPORTED_PROVIDER)

    @staticmethod
    def _check_expiry(claims: dict) -> None:
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):
            raise _not_authorized("Invalid login token. Missing a required claim: exp")
        now = int(time.time())
        if now >= exp:
            # "Invalid login token. Token expired: 1589092400 >= 1589092129" (aws-sdk-ios#2570): now >= exp.
            raise _not_authorized(f"Invalid login token. Token expired: {now} >= {int(exp)}")

    @staticmethod
    def _subject(claims: dict) -> str:
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise _not_authorized("Invalid login token. Missing a required claim: sub")
        return sub

    # ------------------------------------------------------------------ identities

    def _new_identity(self, pool) -> Identity:
        region = pool.identity_pool_id.split(":", 1)[0]
        now = time.time()
        identity = Identity(f"{region}:{uuid.uuid4()}", pool.identity_pool_id, now, now)
        self.identities[identity.identity_id] = identity
        return identity

    def _owners(self, pool_id: str, logins: list[Login]) -> set[str]:
        owners = {
            self.links[(pool_id, login.provider, login.subject)]
            for login in logins
            if not login.identity_token and (pool_id, login.provider, login.subject) in self.links
        }
        # A token cognito-identity issued names its identity as its subject.
        owners.update(login.subject for login in logins if login.identity_token and login.subject in self.identities)
        return owners

    def _link(self, identity: Identity, logins: list[Login]) -> None:
        for login in logins:
            if login.identity_token:
                continue  # the identity's own token, not a login of its own
            key = (identity.pool_id, login.provider, login.subject)
            if self.links.get(key) != identity.identity_id:
                self.links[key] = identity.identity_id
                identity.logins[login.provider] = login.subject
                identity.modified = time.time()

    def _authorize(self, pool, identity: Identity, logins: list[Login]) -> Identity:
        """Which identity the caller gets for ``identity`` + verified ``logins``; links new
        logins and merges a guest identity into the one its login already belongs to."""
        if not logins:
            if identity.logins:
                # An authenticated identity needs one of its logins.
                raise _not_authorized(LOGINS_DONT_MATCH)
            if not pool.allow_unauthenticated_identities:
                raise _not_authorized(UNAUTHENTICATED_NOT_SUPPORTED)
            return identity
        owners = self._owners(pool.identity_pool_id, logins)
        if identity.logins:
            if identity.identity_id not in owners:
                raise _not_authorized(LOGINS_DONT_MATCH)
            if len(owners) > 1:
                raise IdentityError("ResourceConflictException", LOGIN_CONFLICT)
            self._link(identity, logins)
            return identity
        # A guest identity signing in. A login nobody has yet is linked to it (the guest keeps
        # its id); a login that already has an identity wins: Cognito merges the guest into
        # that identity, whose id the caller gets back ("Amazon Cognito makes sure that an old
        # identity retains the same unique identifier as the new one, and that the profile data
        # is merged"; the SDKs report the change as identityChanged(old, new)).
        # https://docs.aws.amazon.com/cognito/latest/developerguide/switching-identities.html
        if len(owners) > 1:
            raise IdentityError("ResourceConflictException", LOGIN_CONFLICT)
        if not owners or owners == {identity.identity_id}:
            self._link(identity, logins)
            return identity
        survivor = self.identities[owners.pop()]
        identity.merged_into = survivor.identity_id
        identity.modified = time.time()
        self._link(survivor, logins)
        return survivor

    def _remove(self, identity: Identity) -> None:
        self.identities.pop(identity.identity_id, None)
        for key in [k for k, v in self.links.items() if v == identity.identity_id]:
            del self.links[key]

    # ------------------------------------------------------------------ credentials

    def issue_credentials(self, *, role_arn: str, identity_id: str | None, seconds: int | None = None) -> IssuedCredentials:
        """A fresh temporary key (``ASIA`` + 16), registered in the SigV4 credential store
        until it expires. Also used by STS AssumeRoleWithWebIdentity."""
        seconds = self.settings.credential_seconds if seconds is None else seconds
        issued = IssuedCredentials(
            access_key_id="ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret_access_key="".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
            session_token="IQoJb3JpZ2luX2Vj" + base64.b64encode(secrets.token_bytes(600)).decode("ascii"),
            # Whole seconds (the API's Expiration), never shorter than asked for.
            expiration=math.ceil(time.time() + seconds),
        )
        self._forget_expired()
        self._issued.append((issued.access_key_id, issued.expiration))
        self.credentials.add(
            Credential(
                access_key_id=issued.access_key_id,
                secret_access_key=issued.secret_access_key,
                session_token=issued.session_token,
                expiration=datetime.fromtimestamp(issued.expiration, timezone.utc),
                role_arn=role_arn,
                identity_id=identity_id,
            )
        )
        return issued

    def _forget_expired(self) -> None:
        """Keys expired for over a day go (AWS answers ExpiredToken for a while, then
        stops recognising the key; we keep them long enough for any test)."""
        cutoff = time.time() - 86400
        keep = []
        for key, expiration in self._issued:
            if expiration < cutoff:
                self.credentials.remove(key)
            else:
                keep.append((key, expiration))
        self._issued = keep

    def _role(self, pool, authenticated: bool) -> str:
        role = self.roles.get(pool.identity_pool_id, {}).get("authenticated" if authenticated else "unauthenticated")
        if not role:
            raise IdentityError("InvalidIdentityPoolConfigurationException", INVALID_POOL_CONFIGURATION)
        return role

    # ------------------------------------------------------------------ role choice

    def _choose_role(self, pool, logins: list[Login], custom: str | None) -> str:
        """The role GetCredentialsForIdentity assumes, as the developer guide's "Using role-based
        access control" describes it
        (https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html):

        * a guest gets the unauthenticated role, a login without a role mapping the
          authenticated role; CustomRoleArn can then only name that role;
        * a login whose provider has a RoleMapping (the first such login, in Logins order):
          - Token: "Use the GetCredentialsForIdentity CustomRoleArn parameter if it is set and it
            matches a role in the cognito:roles claim. If this parameter doesn't match a role in
            cognito:roles, deny access. If the CustomRoleArn parameter is not set, use the
            cognito:preferred_role claim. If the cognito:preferred_role claim is not set, use the
            fallback behavior configured in the identity pool."
          - Rules: "Rules are evaluated in order, and the IAM role for the first matching rule is
            used, unless CustomRoleArn is specified to override the order"; CustomRoleArn must then
            be the role of a rule that matches.
          - no match: AmbiguousRoleResolution, AuthenticatedRole (the pool's authenticated role)
            or Deny (NotAuthorizedException).
        """
        if not logins:
            return self._checked_custom(self._role(pool, authenticated=False), custom)
        mappings = self.role_mappings.get(pool.identity_pool_id, {})
        for login in logins:
            mapping = mappings.get(login.mapping_key)
            if mapping is None:
                continue
            if mapping["Type"] == "Token":
                allowed = _claim_list(login.claims.get("cognito:roles"))
                if custom is not None:
                    if custom in allowed:
                        return custom
                    raise _not_authorized(CUSTOM_ROLE_DENIED)
                preferred = login.claims.get("cognito:preferred_role")
                if isinstance(preferred, str) and preferred:
                    return preferred
            else:
                matching = [rule["RoleARN"] for rule in mapping["RulesConfiguration"]["Rules"] if _rule_matches(rule, login.claims)]
                if custom is not None:
                    if custom in matching:
                        return custom
                    raise _not_authorized(CUSTOM_ROLE_DENIED)
                if matching:
                    return matching[0]
            if mapping["AmbiguousRoleResolution"] == "Deny":
                raise _not_authorized(AMBIGUOUS_DENIED.format(login.mapping_key))
            return self._role(pool, authenticated=True)
        return self._checked_custom(self._role(pool, authenticated=True), custom)

    @staticmethod
    def _checked_custom(role: str, custom: str | None) -> str:
        if custom is not None and custom != role:
            # Without a role mapping there is only one role to assume (see README.md).
            raise IdentityError("InvalidParameterException", "CustomRoleArn is not a role this identity can assume.")
        return role

    # ------------------------------------------------------------------ operations

    def get_id(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html"""
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        logins = self._verify_logins(pool, p.get("Logins"))
        if not logins:
            if not pool.allow_unauthenticated_identities:
                raise _not_authorized(UNAUTHENTICATED_NOT_SUPPORTED)
            return {"IdentityId": self._new_identity(pool).identity_id}
        for login in logins:
            if login.identity_token:
                self._identity(login.subject)  # a token of a deleted (or merged) identity names nobody
        owners = self._owners(pool.identity_pool_id, logins)
        if len(owners) > 1:
            raise IdentityError("ResourceConflictException", LOGIN_CONFLICT)
        identity = self.identities[owners.pop()] if owners else self._new_identity(pool)
        self._link(identity, logins)
        return {"IdentityId": identity.identity_id}

    def _caller(self, p: dict) -> tuple[Any, Identity, list[Login]]:
        """The pool, the identity the caller gets and its verified logins (GetCredentialsForIdentity, GetOpenIdToken)."""
        identity = self._identity(_identifier(p, "IdentityId"))
        pool = self._pool(identity.pool_id)
        logins = self._verify_logins(pool, p.get("Logins"))
        if any(login.identity_token and login.subject != identity.identity_id for login in logins):
            # A developer-authenticated identity's token is good for that identity only.
            raise _not_authorized(LOGINS_DONT_MATCH)
        return pool, self._authorize(pool, identity, logins), logins

    def get_credentials_for_identity(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html"""
        custom = p.get("CustomRoleArn")
        if custom is not None and (not isinstance(custom, str) or not 20 <= len(custom) <= 2048):
            raise _validation(custom, "customRoleArn", "Member must have length between 20 and 2048")
        pool, identity, logins = self._caller(p)
        role = self._choose_role(pool, logins, custom)
        issued = self.issue_credentials(role_arn=role, identity_id=identity.identity_id)
        return {
            "IdentityId": identity.identity_id,
            "Credentials": {
                "AccessKeyId": issued.access_key_id,
                "SecretKey": issued.secret_access_key,
                "SessionToken": issued.session_token,
                "Expiration": issued.expiration,
            },
        }

    def get_open_id_token(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html"""
        pool, identity, logins = self._caller(p)
        return {"IdentityId": identity.identity_id, "Token": self.open_id_token(pool.identity_pool_id, identity.identity_id, logins)}

    def open_id_token(self, pool_id: str, identity_id: str, logins: list[Login], seconds: int | None = None) -> str:
        if logins:
            amr = ["authenticated"]
            for login in logins:
                if login.identity_token:
                    amr.extend(a for a in login.claims.get("amr", []) if isinstance(a, str) and a not in amr)
                    continue
                amr.append(login.provider)
                if login.user_pool:
                    amr.append(f"{login.provider}:CognitoSignIn:{login.subject}")
                elif login.developer:
                    amr.append(f"{login.provider}:{pool_id}:{login.subject}")
        else:
            amr = ["unauthenticated"]
        now = int(time.time())
        lifetime = self.settings.open_id_token_seconds if seconds is None else seconds
        return self.key.sign(
            {"sub": identity_id, "aud": pool_id, "amr": amr, "iss": COGNITO_IDENTITY_ISSUER, "iat": now, "exp": now + lifetime},
            typ=None,
        )

    def delete_identities(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DeleteIdentities.html
        Unknown ids are skipped: the ErrorCode enum of UnprocessedIdentityIds has only
        AccessDenied and InternalServerError."""
        ids = p.get("IdentityIdsToDelete")
        if ids is None:
            raise _validation(None, "identityIdsToDelete", "Member must not be null")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 60:
            raise _validation("[...]", "identityIdsToDelete", "Member must have length between 1 and 60")
        for identity_id in ids:
            _identifier({"IdentityId": identity_id}, "IdentityId")
        for identity_id in ids:
            identity = self.identities.get(identity_id)
            if identity is not None:
                self._remove(identity)
        return {"UnprocessedIdentityIds": []}

    def describe_identity(self, p: dict) -> dict:
        identity_id = _identifier(p, "IdentityId")
        identity = self.identities.get(identity_id)
        if identity is None:
            raise IdentityError("ResourceNotFoundException", f"Identity '{identity_id}' not found.")
        return identity.describe()

    def list_identities(self, p: dict) -> dict:
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        limit = p.get("MaxResults")
        if limit is None:
            raise _validation(None, "maxResults", "Member must not be null")
        if not isinstance(limit, int) or not 1 <= limit <= 60:
            raise _validation(limit, "maxResults", "Member must have value between 1 and 60")
        members = [
            i for i in self.identities.values()
            if i.pool_id == pool.identity_pool_id and not (p.get("HideDisabled") and i.merged_into)
        ]
        start = 0
        if p.get("NextToken") is not None:
            try:
                start = int(str(p["NextToken"]))
            except ValueError:
                raise IdentityError("InvalidParameterException", "Invalid NextToken") from None
        page = members[start : start + limit]
        answer: dict[str, Any] = {"IdentityPoolId": pool.identity_pool_id, "Identities": [i.describe() for i in page]}
        if start + limit < len(members):
            answer["NextToken"] = str(start + limit)
        return answer

    def set_identity_pool_roles(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html"""
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        roles = p.get("Roles")
        if roles is None:
            raise _validation(None, "roles", "Member must not be null")
        if not isinstance(roles, dict) or set(roles) - {"authenticated", "unauthenticated"}:
            raise IdentityError("InvalidParameterException", "Roles may only have the keys authenticated and unauthenticated.")
        for arn in roles.values():
            _role_arn(arn)
        mappings = _role_mappings(p.get("RoleMappings"))
        self.roles[pool.identity_pool_id] = dict(roles)
        self.role_mappings[pool.identity_pool_id] = mappings
        return {}

    def get_identity_pool_roles(self, p: dict) -> dict:
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        answer = {"IdentityPoolId": pool.identity_pool_id, "Roles": dict(self.roles.get(pool.identity_pool_id, {}))}
        if self.role_mappings.get(pool.identity_pool_id):
            answer["RoleMappings"] = json.loads(json.dumps(self.role_mappings[pool.identity_pool_id]))
        return answer

    # ------------------------------------------------------------------ developer-authenticated identities

    def get_open_id_token_for_developer_identity(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html
        Signed with the developer's AWS credentials (routing.py: the operation is not unsigned).
        "You can only specify one developer provider as part of the Logins map, which is linked to
        the identity pool"; its value is the developer user identifier. Other Logins entries are
        public providers' tokens, verified as in GetId. Without IdentityId the identity of these
        logins is returned (a new one if they have none); with it, the logins are linked to it."""
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        logins = p.get("Logins")
        if logins is None:
            raise _validation(None, "logins", "Member must not be null")
        if not isinstance(logins, dict) or not all(isinstance(v, str) for v in logins.values()):
            raise IdentityError("SerializationException", "Logins must be a map of provider names to tokens")
        if len(logins) > 10:
            raise _validation("{...}", "logins", "Member must have length less than or equal to 10")
        _check_login_sizes(logins)
        duration = p.get("TokenDuration", DEVELOPER_TOKEN_SECONDS)
        if not isinstance(duration, int) or isinstance(duration, bool) or not 1 <= duration <= MAX_DEVELOPER_TOKEN_SECONDS:
            raise _validation(duration, "tokenDuration", f"Member must have value between 1 and {MAX_DEVELOPER_TOKEN_SECONDS}")
        developer = pool.developer_provider_name or ""
        if not developer or developer not in logins:
            # Local wording (README.md): the developer provider of the pool must be in Logins.
            raise IdentityError("InvalidParameterException", "Logins must contain the developer provider name of this identity pool.")
        user = logins[developer]
        if not 1 <= len(user) <= 1024:
            raise _validation("***", "developerUserIdentifier", "Member must have length between 1 and 1024")
        verified = [Login(developer, user, user_pool=False, mapping_key=developer, developer=True)]
        verified += [self._verify_login(pool, name, token) for name, token in logins.items() if name != developer]
        if any(login.identity_token for login in verified):
            raise _not_authorized(UNSUPPORTED_PROVIDER)
        key = (pool.identity_pool_id, developer, user)
        if p.get("IdentityId") is not None:
            identity = self._identity(_identifier(p, "IdentityId"))
            if identity.pool_id != pool.identity_pool_id:
                raise IdentityError("ResourceNotFoundException", f"Identity '{identity.identity_id}' not found.")
            if self.links.get(key, identity.identity_id) != identity.identity_id:
                # API reference: "The provided developer user identifier is already registered with
                # Cognito under a different identity ID."
                raise IdentityError("DeveloperUserAlreadyRegisteredException", "The provided developer user identifier is already registered with Cognito under a different identity ID.")
            if self._owners(pool.identity_pool_id, verified) - {identity.identity_id}:
                raise IdentityError("ResourceConflictException", LOGIN_CONFLICT)
        else:
            owners = self._owners(pool.identity_pool_id, verified)
            if len(owners) > 1:
                raise IdentityError("ResourceConflictException", LOGIN_CONFLICT)
            identity = self.identities[owners.pop()] if owners else self._new_identity(pool)
        self._link(identity, verified)
        token = self.open_id_token(pool.identity_pool_id, identity.identity_id, verified, seconds=duration)
        return {"IdentityId": identity.identity_id, "Token": token}

    def lookup_developer_identity(self, p: dict) -> dict:
        """https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_LookupDeveloperIdentity.html
        By IdentityId or DeveloperUserIdentifier (one is needed); both must name the same identity."""
        pool = self._pool(_identifier(p, "IdentityPoolId"))
        developer = pool.developer_provider_name or ""
        user, identity_id = p.get("DeveloperUserIdentifier"), p.get("IdentityId")
        if user is None and identity_id is None:
            raise IdentityError("InvalidParameterException", "IdentityId or DeveloperUserIdentifier is required.")
        if user is not None:
            if not isinstance(user, str) or not 1 <= len(user) <= 1024:
                raise _validation("***", "developerUserIdentifier", "Member must have length between 1 and 1024")
            found = self.links.get((pool.identity_pool_id, developer, user))
            if found is None or (identity_id is not None and identity_id != found):
                raise IdentityError("ResourceNotFoundException", "No matching developer user identifier found.")
            identity_id = found
        identity_id = _identifier({"IdentityId": identity_id}, "IdentityId")
        identity = self.identities.get(identity_id)
        if identity is None or identity.pool_id != pool.identity_pool_id:
            raise IdentityError("ResourceNotFoundException", f"Identity '{identity_id}' not found.")
        users = sorted(u for (pid, name, u), owner in self.links.items() if pid == pool.identity_pool_id and name == developer and owner == identity_id)
        return {"IdentityId": identity_id, "DeveloperUserIdentifierList": users}
