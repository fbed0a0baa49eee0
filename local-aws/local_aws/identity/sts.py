"""STS ``AssumeRoleWithWebIdentity`` for tokens from the local identity pool's GetOpenIdToken
(the "basic" identity-pool flow: GetId, GetOpenIdToken, then STS), instead of moto's, which
accepts any token.

The call is unsigned by design (``smithy.api#noAuth``). The token must be one of ours: RS256
signed by the key of ``/__local/identity/.well-known/jwks.json``, ``iss``
``https://cognito-identity.amazonaws.com``, not expired. The role must trust it the way an
identity pool role's trust policy does (``cognito-identity.amazonaws.com:aud`` = the pool,
``cognito-identity.amazonaws.com:amr`` = authenticated / unauthenticated): the role has to be
the pool's authenticated role for an authenticated token, its unauthenticated role otherwise.
https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from ..errors import AwsError
from . import jwt
from .service import COGNITO_IDENTITY_ISSUER, IdentityPools

VERSION = "2011-06-15"
NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
# The default MaxSessionDuration of an IAM role (1 hour); DurationSeconds above it is refused.
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html#API_AssumeRoleWithWebIdentity_RequestParameters
MAX_SESSION_SECONDS = 3600
MIN_SESSION_SECONDS = 900
# The error shapes' documentation in the STS API reference (the exact wording AWS sends is not documented).
INVALID_TOKEN = (
    "The web identity token that was passed could not be validated by Amazon Web Services. "
    "Get a new identity token from the identity provider and then retry the request."
)
EXPIRED_TOKEN = (
    "The web identity token that was passed is expired or is not valid. "
    "Get a new identity token from the identity provider and then retry the request."
)
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})")
_SESSION_NAME = re.compile(r"[\w+=,.@-]*")


def _error(code: str, message: str, status: int = 400) -> AwsError:
    return AwsError(status, code, message)


def _validation(value, member: str, constraint: str) -> AwsError:
    shown = "null" if value is None else f"'{value}'"
    return _error("ValidationError", f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {constraint}")


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None:
        raise _validation(None, name[0].lower() + name[1:], "Member must not be null")
    return value


class WebIdentitySts:
    def __init__(self, pools: IdentityPools) -> None:
        self.pools = pools

    def assume_role_with_web_identity(self, params: dict[str, str]) -> str:
        """Returns the XML answer. Raises AwsError (rendered as an STS ``ErrorResponse``)."""
        version = params.get("Version")
        if version != VERSION:
            raise _error("InvalidAction", f"Could not find operation AssumeRoleWithWebIdentity for version {version or 'NO_VERSION_SPECIFIED'}")
        role_arn = _required(params, "RoleArn")
        session_name = _required(params, "RoleSessionName")
        token = _required(params, "WebIdentityToken")
        role = _ROLE_ARN.fullmatch(role_arn)
        if len(role_arn) < 20 or role is None:
            raise _validation(role_arn, "roleArn", "Member must be a valid IAM role ARN")
        if not 2 <= len(session_name) <= 64:
            raise _validation(session_name, "roleSessionName", "Member must have length between 2 and 64")
        if not _SESSION_NAME.fullmatch(session_name):
            raise _validation(session_name, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
        duration = None
        if params.get("DurationSeconds") not in (None, ""):
            try:
                duration = int(params["DurationSeconds"])
            except ValueError:
                raise _validation(params["DurationSeconds"], "durationSeconds", "Member must be an integer") from None
            if duration < MIN_SESSION_SECONDS:
                raise _validation(duration, "durationSeconds", f"Member must have value greater than or equal to {MIN_SESSION_SECONDS}")
            if duration > 43200:
                raise _validation(duration, "durationSeconds", "Member must have value less than or equal to 43200")
            if duration > MAX_SESSION_SECONDS:
                raise _error("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

        try:
            parsed = jwt.parse(token)
        except jwt.MalformedToken:
            raise _error("InvalidIdentityToken", INVALID_TOKEN) from None
        claims = parsed.claims
        if claims.get("iss") != COGNITO_IDENTITY_ISSUER:
            # What STS says for an issuer the account has no OIDC provider for.
            raise _error("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {claims.get('iss')}")
        if not jwt.verify_signature(parsed, self.pools.key.jwks()):
            raise _error("InvalidIdentityToken", INVALID_TOKEN)
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):
            raise _error("InvalidIdentityToken", INVALID_TOKEN)
        if time.time() >= exp:
            raise _error("ExpiredTokenException", EXPIRED_TOKEN)
        pool_id, identity_id, amr = claims.get("aud"), claims.get("sub"), claims.get("amr")
        if not isinstance(pool_id, str) or not isinstance(identity_id, str) or not isinstance(amr, list):
            raise _error("InvalidIdentityToken", INVALID_TOKEN)

        # The role's trust policy: aud is the pool, amr says which of its two roles.
        with self.pools._lock:
            roles = self.pools.roles.get(pool_id, {})
            wanted = roles.get("authenticated") if "authenticated" in amr else roles.get("unauthenticated") if "unauthenticated" in amr else None
            if wanted is None or wanted != role_arn:
                raise _error("AccessDenied", NOT_AUTHORIZED, 403)
            seconds = self.pools.settings.credential_seconds if duration is None else min(duration, self.pools.settings.credential_seconds)
            issued = self.pools.issue_credentials(role_arn=role_arn, identity_id=identity_id, seconds=seconds)

        account, role_name = role.group(1), role.group(2)
        role_id = "AROA" + hashlib.sha256(role_arn.encode()).hexdigest().upper()[:17]
        expiration = datetime.fromtimestamp(issued.expiration, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f'<AssumeRoleWithWebIdentityResponse xmlns="{NAMESPACE}">'
            "<AssumeRoleWithWebIdentityResult>"
            f"<SubjectFromWebIdentityToken>{escape(identity_id)}</SubjectFromWebIdentityToken>"
            f"<Audience>{escape(pool_id)}</Audience>"
            "<AssumedRoleUser>"
            f"<Arn>arn:aws:sts::{account}:assumed-role/{escape(role_name)}/{escape(session_name)}</Arn>"
            f"<AssumedRoleId>{role_id}:{escape(session_name)}</AssumedRoleId>"
            "</AssumedRoleUser>"
            "<Credentials>"
            f"<AccessKeyId>{issued.access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{escape(issued.secret_access_key)}</SecretAccessKey>"
            f"<SessionToken>{escape(issued.session_token)}</SessionToken>"
            f"<Expiration>{expiration}</Expiration>"
            "</Credentials>"
            "<Provider>cognito-identity.amazonaws.com</Provider>"
            "</AssumeRoleWithWebIdentityResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</AssumeRoleWithWebIdentityResponse>"
        )
