"""Which AWS service a request on our single port is for.

Real AWS tells services apart by host name; here everything shares one port, so:

* Host ``<bucket>.s3.localhost[:port]``                    -> S3, virtual-hosted (the bucket from the host name,
  as S3's default addressing puts it: https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html;
  browsers resolve every ``*.localhost`` name to loopback, RFC 6761 section 6.3)
* ``X-Amz-Target: DynamoDB_20120810.*``                  -> dynamodb
* ``X-Amz-Target: AWSCognitoIdentityProviderService.*``  -> cognito-idp
* ``X-Amz-Target: AWSCognitoIdentityService.*``          -> cognito-identity
* a form POST (or a GET on ``/``) with ``Action=...``      -> sts
* ``GET /<region>_<id>/.well-known/jwks.json`` (and ``openid-configuration``) -> cognito-idp
  (S3 bucket names cannot contain ``_``, so these never shadow a bucket)
* everything else                                        -> S3, path-style ``/bucket/key``

Operations whose service model says ``authtype: none`` (InitiateAuth, SignUp, GetId,
GetCredentialsForIdentity, AssumeRoleWithWebIdentity, ...) are sent unsigned by
every SDK, so they are let through without a signature. The list comes from
botocore's bundled service models (the same models as shared/conformance/service-models).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from botocore.loaders import create_loader

from .errors import AwsError


@dataclass(frozen=True)
class Service:
    name: str  # credential-scope service name == moto backend name
    protocol: str  # "s3" | "json" | "query"
    json_content_type: str = "application/x-amz-json-1.1"
    # Prefix of "__type" in JSON authentication errors (DynamoDB namespaces them, Cognito does not).
    auth_error_type_prefix: str = ""


S3 = Service("s3", "s3")
DYNAMODB = Service("dynamodb", "json", "application/x-amz-json-1.0", "com.amazon.coral.service#")
COGNITO_IDP = Service("cognito-idp", "json")
COGNITO_IDENTITY = Service("cognito-identity", "json")
STS = Service("sts", "query")
ALL_SERVICES = (S3, DYNAMODB, COGNITO_IDP, COGNITO_IDENTITY, STS)
UNKNOWN_JSON_SERVICE = Service("unknown", "json")  # for answering an unknown X-Amz-Target

TARGET_PREFIXES = {
    "DynamoDB_20120810": DYNAMODB,
    "AWSCognitoIdentityProviderService": COGNITO_IDP,
    "AWSCognitoIdentityService": COGNITO_IDENTITY,
}

_COGNITO_WELL_KNOWN = re.compile(
    r"^/[a-z]{2}(?:-[a-z]+)+-\d+_[A-Za-z0-9]+/\.well-known/(?:jwks\.json|openid-configuration)$"
)


@dataclass(frozen=True)
class Route:
    service: Service
    operation: str | None
    signature_required: bool


# A bucket name as a DNS name (S3's bucket naming rules: 3-63 characters, lowercase letters, digits, dots and
# hyphens, starting and ending with a letter or digit), then ``.s3.localhost`` and an optional port.
_VIRTUAL_HOST = re.compile(r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3\.localhost(?::\d{1,5})?$")


def virtual_host_bucket(host: str | None) -> str | None:
    """The bucket of a virtual-hosted S3 request (``Host: <bucket>.s3.localhost[:port]``), else None.
    The Host header is compared as sent, lower-case: the client signed it so."""
    match = _VIRTUAL_HOST.match(host or "")
    return match.group(1) if match else None


@functools.lru_cache(maxsize=None)
def unsigned_operations(service_name: str) -> frozenset[str]:
    """Operations that the service model marks ``authtype: none`` / ``smithy.api#noAuth``."""
    model = create_loader().load_service_model(service_name, "service-2")
    return frozenset(
        name
        for name, operation in model["operations"].items()
        if operation.get("authtype") == "none" or operation.get("auth") == ["smithy.api#noAuth"]
    )


def route(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Route:
    """``path`` is the decoded path, ``query`` the raw query string, ``headers`` lower-cased."""
    if virtual_host_bucket(headers.get("host")) is not None:
        # A bucket's own host name answers S3 only, whatever the request carries (as on AWS).
        return Route(S3, None, True)
    target = headers.get("x-amz-target")
    if target:
        prefix, _, operation = target.partition(".")
        service = TARGET_PREFIXES.get(prefix)
        if service is None:
            raise AwsError(400, "UnknownOperationException", f"Unknown X-Amz-Target: {target}")
        return Route(service, operation, operation not in unsigned_operations(service.name))

    action = _query_action(method, path, query, headers, body)
    if action is not None:
        return Route(STS, action, action not in unsigned_operations("sts"))

    if method in ("GET", "HEAD") and _COGNITO_WELL_KNOWN.match(path):
        return Route(COGNITO_IDP, None, False)

    return Route(S3, None, True)


def _query_action(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> str | None:
    """The ``Action`` of a query-protocol (STS) call, or None if this is not one."""
    content_type = headers.get("content-type", "")
    if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if params.get("Action"):
            return params["Action"]
    if path == "/" and method in ("GET", "POST"):
        params = dict(parse_qsl(query, keep_blank_values=True))
        if params.get("Action"):
            return params["Action"]
    return None
