"""IAM authorization of requests signed with role credentials (identity-pool keys).

After the SigV4 verifier has accepted a request, ``Authorizer.authorize`` maps it to the
IAM actions, resources and condition keys AWS evaluates for it, and evaluates the role's
policies from config.json (``identityPool.authenticatedRole`` / ``unauthenticatedRole``)
with ``iam.py``. Keys without a ``role_arn`` (the long-term dev key) have full access, as
an account's administrator would. A denial is raised as ``AuthError`` in AWS's shapes:

* S3: 403 ``AccessDenied`` with the "additional context" message S3 sends for requests
  within the bucket owner's account
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html):
  ``User: <arn> is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k"
  because no identity-based policy allows the s3:GetObject action``.
* DynamoDB/Cognito: 400 ``AccessDeniedException`` (DynamoDB: ``__type``
  ``com.amazon.coral.service#AccessDeniedException``), message ``User: <arn> is not
  authorized to perform: dynamodb:GetItem on resource: <table arn> because no
  identity-based policy allows the dynamodb:GetItem action``; an explicit Deny says
  ``with an explicit deny in an identity-based policy`` instead
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
* STS: 403 ``AccessDenied`` (query protocol).

``<arn>`` is the role session, ``arn:aws:sts::<account>:assumed-role/<role name>/CognitoIdentityCredentials``
(the session name Cognito identity pools use).

Request mapping (per AWS's "Required permissions for Amazon S3 API operations",
https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html,
and the Service Authorization Reference for DynamoDB,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html):
see ``s3_checks`` and ``dynamodb_checks``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable, Iterable
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from . import errors, iam
from .credentials import Credential
from .errors import AuthError, AwsError
from .sigv4 import IncomingRequest

SESSION_NAME = "CognitoIdentityCredentials"
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"

# Condition keys this module puts in the request context. A policy that reads any other key
# is refused at start-up: an absent key would make ForAllValues/negated conditions true.
MULTIVALUED_KEYS = {"dynamodb:leadingkeys"}
SUPPORTED_KEYS = {
    "aws:userid",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:requestedregion",
    "aws:securetransport",
    "cognito-identity.amazonaws.com:sub",
    "s3:prefix",
    "s3:delimiter",
    "s3:max-keys",
    "dynamodb:leadingkeys",
    "iot:clientid",  # filled in by the IoT front (iot/auth.py) for iot:* actions
}


@dataclass(frozen=True)
class Check:
    """One permission a request needs: IAM action, resource ARN ("*" if the action takes
    none) and the request's service-specific condition keys. ``action`` None = an operation
    local-aws cannot map, which role credentials are never allowed."""

    action: str | None
    resource: str
    context: dict = field(default_factory=dict)


Filter = Callable[[Callable], Callable]  # wraps moto's WSGI app for one request


# --------------------------------------------------------------------------------------
# S3

# subresource -> (GET/HEAD action, PUT action, DELETE action) for bucket and object requests.
_BUCKET_SUBRESOURCES = {
    "accelerate": ("GetAccelerateConfiguration", "PutAccelerateConfiguration", None),
    "acl": ("GetBucketAcl", "PutBucketAcl", None),
    "analytics": ("GetAnalyticsConfiguration", "PutAnalyticsConfiguration", "PutAnalyticsConfiguration"),
    "cors": ("GetBucketCORS", "PutBucketCORS", "PutBucketCORS"),
    "encryption": ("GetEncryptionConfiguration", "PutEncryptionConfiguration", "PutEncryptionConfiguration"),
    "intelligent-tiering": ("GetIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration"),
    "inventory": ("GetInventoryConfiguration", "PutInventoryConfiguration", "PutInventoryConfiguration"),
    "lifecycle": ("GetLifecycleConfiguration", "PutLifecycleConfiguration", "PutLifecycleConfiguration"),
    "location": ("GetBucketLocation", None, None),
    "logging": ("GetBucketLogging", "PutBucketLogging", None),
    "metrics": ("GetMetricsConfiguration", "PutMetricsConfiguration", "PutMetricsConfiguration"),
    "notification": ("GetBucketNotification", "PutBucketNotification", None),
    "object-lock": ("GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration", None),
    "ownershipControls": ("GetBucketOwnershipControls", "PutBucketOwnershipControls", "PutBucketOwnershipControls"),
    "policy": ("GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"),
    "policyStatus": ("GetBucketPolicyStatus", None, None),
    "publicAccessBlock": ("GetBucketPublicAccessBlock", "PutBucketPublicAccessBlock", "PutBucketPublicAccessBlock"),
    "replication": ("GetReplicationConfiguration", "PutReplicationConfiguration", "PutReplicationConfiguration"),
    "requestPayment": ("GetBucketRequestPayment", "PutBucketRequestPayment", None),
    "tagging": ("GetBucketTagging", "PutBucketTagging", "PutBucketTagging"),
    "uploads": ("ListBucketMultipartUploads", None, None),
    "versioning": ("GetBucketVersioning", "PutBucketVersioning", None),
    "versions": ("ListBucketVersions", None, None),
    "website": ("GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite"),
}
# With ?versionId= the object actions become their *Version* forms.
_OBJECT_SUBRESOURCES = {
    "acl": ("GetObject{v}Acl", "PutObject{v}Acl", None),
    "attributes": ("GetObject{v}Attributes", None, None),
    "legal-hold": ("GetObjectLegalHold", "PutObjectLegalHold", None),
    "retention": ("GetObjectRetention", "PutObjectRetention", None),
    "tagging": ("GetObject{v}Tagging", "PutObject{v}Tagging", "DeleteObject{v}Tagging"),
    "torrent": ("GetObject{v}Torrent", None, None),
}


def s3_arn(bucket: str, key: str | None = None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


def split_s3_path(raw_path: str) -> tuple[str, str]:
    """Path-style ``/bucket/key`` (still percent-encoded) -> (bucket, key), both decoded;
    the key keeps ``//`` and ``.`` segments as S3 does."""
    bucket, _, key = raw_path[1:].partition("/") if raw_path.startswith("/") else raw_path.partition("/")
    return unquote(bucket), unquote(key)


def _list_context(params: dict[str, str]) -> dict:
    """s3:prefix / s3:delimiter / s3:max-keys of a list request: the query parameter's
    value when it is sent (``prefix=`` gives ""), absent otherwise — AWS's policy examples
    for listing the bucket root test ``"s3:prefix": ""``, which clients send explicitly
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html)."""
    names = {"prefix": "s3:prefix", "delimiter": "s3:delimiter", "max-keys": "s3:max-keys"}
    return {key: params[name] for name, key in names.items() if name in params}


def _copy_source_check(header: str) -> Check:
    """``x-amz-copy-source: /bucket/key[?versionId=...]`` (URL-encoded): reading the source."""
    source, _, query = header.partition("?")
    bucket, key = split_s3_path(source if source.startswith("/") else "/" + source)
    versioned = any(name == "versionId" for name, _ in parse_qsl(query))
    return Check("s3:GetObjectVersion" if versioned else "s3:GetObject", s3_arn(bucket, key))


def s3_checks(method: str, raw_path: str, params: dict[str, str], headers: dict[str, str]) -> list[Check]:
    """The permissions an S3 request needs (DeleteObjects, which AWS checks per key, is
    handled by ``Authorizer`` itself)."""
    if raw_path in ("", "/"):
        return [Check("s3:ListAllMyBuckets" if method in ("GET", "HEAD") else None, "*")]
    bucket, key = split_s3_path(raw_path)
    column = {"GET": 0, "HEAD": 0, "PUT": 1, "DELETE": 2}.get(method)

    if not key:
        arn = s3_arn(bucket)
        for name, actions in _BUCKET_SUBRESOURCES.items():
            if name in params:
                action = actions[column] if column is not None else None
                context = _list_context(params) if action == "ListBucketVersions" else {}
                return [Check(f"s3:{action}" if action else None, arn, context)]
        if method == "GET":  # ListObjects / ListObjectsV2 (list-type=2)
            return [Check("s3:ListBucket", arn, _list_context(params))]
        if method == "HEAD":  # HeadBucket needs s3:ListBucket
            return [Check("s3:ListBucket", arn)]
        if method == "PUT":
            return [Check("s3:CreateBucket", arn)]
        if method == "DELETE":
            return [Check("s3:DeleteBucket", arn)]
        return [Check(None, arn)]

    arn = s3_arn(bucket, key)
    version = "Version" if "versionId" in params else ""
    # Multipart uploads are authorised as s3:PutObject, except abort and list parts
    # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
    if "uploadId" in params:
        action = {"GET": "ListMultipartUploadParts", "PUT": "PutObject", "POST": "PutObject", "DELETE": "AbortMultipartUpload"}.get(method)
        checks = [Check(f"s3:{action}" if action else None, arn)]
        if method == "PUT" and "x-amz-copy-source" in headers:  # UploadPartCopy
            checks.append(_copy_source_check(headers["x-amz-copy-source"]))
        return checks
    if method == "POST":
        if "uploads" in params:  # CreateMultipartUpload
            return [Check("s3:PutObject", arn)]
        if "restore" in params:
            return [Check("s3:RestoreObject", arn)]
        if "select" in params:  # SelectObjectContent
            return [Check("s3:GetObject", arn)]
        return [Check(None, arn)]
    for name, actions in _OBJECT_SUBRESOURCES.items():
        if name in params:
            action = actions[column] if column is not None else None
            return [Check(f"s3:{action.format(v=version)}" if action else None, arn)]
    if method in ("GET", "HEAD"):  # GetObject / HeadObject, ranges included
        return [Check(f"s3:GetObject{version}", arn)]
    if method == "PUT":  # PutObject / CopyObject
        checks = [Check("s3:PutObject", arn)]
        if "x-amz-copy-source" in headers:
            checks.append(_copy_source_check(headers["x-amz-copy-source"]))
        return checks
    if method == "DELETE":
        return [Check(f"s3:DeleteObject{version}", arn)]
    return [Check(None, arn)]


def delete_objects_request(body: bytes) -> tuple[bool, list[dict]] | None:
    """(Quiet, [{"Key", "VersionId"?}, ...]) of a DeleteObjects body; None if it is not XML."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    quiet, objects = False, []
    for element in root:
        name = element.tag.rpartition("}")[2]
        if name == "Quiet":
            quiet = (element.text or "").strip().lower() == "true"
        elif name == "Object":
            objects.append({child.tag.rpartition("}")[2]: child.text or "" for child in element})
    return quiet, objects


def delete_objects_body(quiet: bool, objects: list[dict]) -> bytes:
    """A DeleteObjects body for ``objects`` (the denied keys taken out)."""
    items = "".join(
        "<Object>" + "".join(f"<{name}>{escape(value)}</{name}>" for name, value in obj.items()) + "</Object>" for obj in objects
    )
    quiet_xml = "<Quiet>true</Quiet>" if quiet else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="{S3_NS}">{quiet_xml}{items}</Delete>'.encode()


# --------------------------------------------------------------------------------------
# DynamoDB

_UNKNOWN = None  # a partition-key value that cannot be read: equals nothing (see iam.py)


def attribute_string(value) -> str | None:
    """The string a condition compares for a DynamoDB AttributeValue (S, N, or base64 B)."""
    if isinstance(value, dict) and len(value) == 1:
        kind, inner = next(iter(value.items()))
        if kind in ("S", "N", "B") and isinstance(inner, str):
            return inner
    return _UNKNOWN


_EQUALITY = re.compile(r"(?<![\w#:<>!=])(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)(?![\w])")
_EQUALITY_REVERSED = re.compile(r"(?<![\w#:<>!=])(:[A-Za-z0-9_]+)\s*=\s*(#?[A-Za-z0-9_]+)(?![\w])")


def query_partition_value(request: dict, partition_key: str | None) -> str | None:
    """The partition-key value a Query asks for: ``KeyConditionExpression`` ``#pk = :v`` /
    ``pk = :v`` / ``:v = pk`` (names through ExpressionAttributeNames, values through
    ExpressionAttributeValues), or the legacy ``KeyConditions`` EQ."""
    if partition_key is None:
        return _UNKNOWN
    names = request.get("ExpressionAttributeNames") or {}
    values = request.get("ExpressionAttributeValues") or {}
    expression = request.get("KeyConditionExpression")
    if isinstance(expression, str):
        pairs = [(m.group(1), m.group(2)) for m in _EQUALITY.finditer(expression)]
        pairs += [(m.group(2), m.group(1)) for m in _EQUALITY_REVERSED.finditer(expression)]
        found = {
            attribute_string(values.get(value))
            for name, value in pairs
            if (names.get(name) if name.startswith("#") else name) == partition_key
        }
        return found.pop() if len(found) == 1 else _UNKNOWN
    conditions = request.get("KeyConditions")
    if isinstance(conditions, dict):
        condition = conditions.get(partition_key) or {}
        if condition.get("ComparisonOperator") == "EQ" and len(condition.get("AttributeValueList") or []) == 1:
            return attribute_string(condition["AttributeValueList"][0])
    return _UNKNOWN


def _partition_value(key: dict, partition_key: str | None) -> str | None:
    if partition_key is None or not isinstance(key, dict):
        return _UNKNOWN
    return attribute_string(key.get(partition_key))


def dynamodb_checks(
    operation: str,
    request: dict,
    table_arn: Callable[[str], str],
    partition_key: Callable[[str, str | None], str | None],
) -> list[Check]:
    """The permissions a DynamoDB request needs. ``dynamodb:LeadingKeys`` holds the
    partition-key value of every item the request touches, per table
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
    Transactions need the per-item actions (dynamodb:PutItem, UpdateItem, DeleteItem,
    ConditionCheckItem; GetItem for TransactGetItems) on each table
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
    ``table_arn(name)`` accepts a name or an ARN; ``partition_key(table, index)`` gives the
    HASH key attribute (None if unknown)."""

    def name_of(table: str) -> str:
        return table.split(":table/", 1)[1].split("/", 1)[0] if table.startswith("arn:") else table

    def keyed(action: str, table, keys: Iterable) -> Check:
        if not isinstance(table, str):
            return Check(None, "*")
        pk = partition_key(name_of(table), None)
        return Check(action, table_arn(table), {"dynamodb:LeadingKeys": [_partition_value(k, pk) for k in keys]})

    table = request.get("TableName")
    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        return [keyed(f"dynamodb:{operation}", table, [request.get("Key")])]
    if operation == "PutItem":
        return [keyed("dynamodb:PutItem", table, [request.get("Item")])]
    if operation in ("Query", "Scan"):
        if not isinstance(table, str):
            return [Check(None, "*")]
        index = request.get("IndexName")
        arn = table_arn(table) + (f"/index/{index}" if isinstance(index, str) else "")
        if operation == "Scan":
            return [Check("dynamodb:Scan", arn)]
        pk = partition_key(name_of(table), index if isinstance(index, str) else None)
        return [Check("dynamodb:Query", arn, {"dynamodb:LeadingKeys": [query_partition_value(request, pk)]})]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        items = request.get("RequestItems")
        if not isinstance(items, dict) or not items:
            return [Check(None, "*")]
        checks = []
        for name, entry in items.items():
            if operation == "BatchGetItem":
                keys = (entry or {}).get("Keys") if isinstance(entry, dict) else None
            else:
                keys = [
                    (w.get("PutRequest") or {}).get("Item") if "PutRequest" in w else (w.get("DeleteRequest") or {}).get("Key")
                    for w in (entry if isinstance(entry, list) else [])
                    if isinstance(w, dict)
                ]
            checks.append(keyed(f"dynamodb:{operation}", name, keys if isinstance(keys, list) else [None]))
        return checks
    if operation in ("TransactWriteItems", "TransactGetItems"):
        actions = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
        checks = []
        for item in request.get("TransactItems") or [None]:
            kind = next(iter(item), None) if isinstance(item, dict) and len(item) == 1 else None
            inner = item[kind] if kind in actions and isinstance(item[kind], dict) else None
            if inner is None:
                checks.append(Check(None, "*"))
                continue
            checks.append(keyed(f"dynamodb:{actions[kind]}", inner.get("TableName"), [inner.get("Item" if kind == "Put" else "Key")]))
        return checks
    if operation in ("ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"):
        return [Check(None, "*")]  # PartiQL: not mapped (the dynamodb:PartiQL* actions need statement parsing)
    if isinstance(table, str):
        return [Check(f"dynamodb:{operation}", table_arn(table))]
    resource = request.get("ResourceArn") or request.get("TableArn")
    return [Check(f"dynamodb:{operation}", resource if isinstance(resource, str) else "*")]


# --------------------------------------------------------------------------------------
# Other services reached with role credentials


def other_checks(service: str, operation: str | None, request: IncomingRequest, region: str, account: str) -> list[Check]:
    if service == "sts":
        if operation == "GetCallerIdentity":
            # "No permissions are required to perform this operation."
            # (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
            return []
        params = dict(parse_qsl(request.raw_query, keep_blank_values=True))
        params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        return [Check(f"sts:{operation}", params.get("RoleArn") or "*")]
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if service == "cognito-idp" and isinstance(body.get("UserPoolId"), str):
        return [Check(f"cognito-idp:{operation}", f"arn:aws:cognito-idp:{region}:{account}:userpool/{body['UserPoolId']}")]
    if service == "cognito-identity" and isinstance(body.get("IdentityPoolId"), str):
        return [Check(f"cognito-identity:{operation}", f"arn:aws:cognito-identity:{region}:{account}:identitypool/{body['IdentityPoolId']}")]
    return [Check(f"{service}:{operation}" if operation else None, "*")]


# --------------------------------------------------------------------------------------
# The authorizer


def session_name(credential: Credential) -> str:
    """The role session's name: identity-pool credentials use CognitoIdentityCredentials
    (a credential that carries its own ``session_name`` keeps it)."""
    return getattr(credential, "session_name", None) or SESSION_NAME


def session_arn(role_arn: str, session: str = SESSION_NAME) -> str:
    """``arn:aws:iam::A:role/[path/]name`` -> ``arn:aws:sts::A:assumed-role/name/<session>``
    (an ARN that already is an assumed-role session is kept)."""
    parts = role_arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
        return f"arn:aws:sts::{parts[4]}:assumed-role/{parts[5].rsplit('/', 1)[1]}/{session}"
    return role_arn


def role_id(role_arn: str) -> str:
    """A stable synthetic role id (AROA...), the same one identity/sts.py reports."""
    return "AROA" + hashlib.sha256(role_arn.encode()).hexdigest().upper()[:17]


def denial_message(principal: str, check: Check, explicit: bool, *, quote_resource: bool) -> str:
    action = check.action or "this operation (local-aws has no IAM mapping for it)"
    on = ""
    if check.resource != "*":
        on = f' on resource: "{check.resource}"' if quote_resource else f" on resource: {check.resource}"
    if explicit:
        why = "with an explicit deny in an identity-based policy"
    elif check.action is None:
        why = "because local-aws cannot authorize it for role credentials"
    else:
        why = f"because no identity-based policy allows the {check.action} action"
    return f"User: {principal} is not authorized to perform: {action}{on} {why}"


def access_denied(principal: str, check: Check, explicit: bool) -> AuthError:
    return AuthError(
        AwsError(403, "AccessDenied", denial_message(principal, check, explicit, quote_resource=True)),
        AwsError(400, "AccessDeniedException", denial_message(principal, check, explicit, quote_resource=False)),
    )


def _moto_partition_key(account: str, region: str) -> Callable[[str, str | None], str | None]:
    def lookup(table_name: str, index: str | None) -> str | None:
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends[account][region].tables.get(table_name)
        if table is None:
            return None
        if index is None:
            return table.hash_key_attr or None
        for candidate in list(table.global_indexes) + list(table.indexes):
            if candidate.name == index:
                return next((k["AttributeName"] for k in candidate.schema if k["KeyType"] == "HASH"), None)
        return None

    return lookup


class Authorizer:
    """Role ARN -> parsed policies; ``authorize`` is the hook app.py calls after SigV4."""

    def __init__(
        self,
        roles: dict[str, list[dict]],
        region: str,
        *,
        account: str | None = None,
        partition_key: Callable[[str, str | None], str | None] | None = None,
    ) -> None:
        if account is None:
            from moto.core import DEFAULT_ACCOUNT_ID

            account = DEFAULT_ACCOUNT_ID  # the account moto keeps its resources in
        self.region = region
        self.account = account
        self.partition_key = partition_key or _moto_partition_key(account, region)
        self.roles: dict[str, list[iam.Policy]] = {}
        for arn, documents in roles.items():
            policies = [iam.Policy.parse(document) for document in documents]
            unsupported = set().union(*(p.condition_keys() for p in policies)) - SUPPORTED_KEYS if policies else set()
            if unsupported:
                raise iam.PolicyError(f"policy of {arn} reads condition keys local-aws does not provide: {sorted(unsupported)}")
            self.roles[arn] = policies

    @classmethod
    def from_config(cls, config: dict) -> "Authorizer":
        """The identity pool's authenticated and unauthenticated roles, and its ``extraRoles``
        (roles that role mappings and CustomRoleArn choose), from config.json."""
        pool = config.get("identityPool") or {}
        roles = {}
        for role in [pool.get("authenticatedRole"), pool.get("unauthenticatedRole"), *pool.get("extraRoles", [])]:
            if role and role.get("arn"):
                roles[role["arn"]] = [role["policy"]] if role.get("policy") else []
        return cls(roles, config["region"])

    # ----------------------------------------------------------------------------------

    def context(self, credential: Credential) -> dict:
        """The global condition keys of a role session's request."""
        context = {
            "aws:userid": f"{role_id(credential.role_arn)}:{session_name(credential)}",  # role-id:session-name
            "aws:PrincipalArn": credential.role_arn,
            "aws:PrincipalAccount": credential.role_arn.split(":")[4] if credential.role_arn.count(":") >= 5 else self.account,
            "aws:PrincipalType": "AssumedRole",
            "aws:RequestedRegion": self.region,
            "aws:SecureTransport": "false",  # local-aws speaks plain HTTP
        }
        if credential.identity_id is not None:
            context["cognito-identity.amazonaws.com:sub"] = credential.identity_id
        return context

    def table_arn(self, table: str) -> str:
        return table if table.startswith("arn:") else f"arn:aws:dynamodb:{self.region}:{self.account}:table/{table}"

    def decide(self, credential: Credential, check: Check) -> iam.Decision:
        if check.action is None:
            return iam.Decision(False)
        context = dict(self.context(credential), **check.context)
        return iam.evaluate(self.roles.get(credential.role_arn, []), check.action, check.resource, context)

    def enforce(self, credential: Credential, checks: Iterable[Check]) -> None:
        for check in checks:
            decision = self.decide(credential, check)
            if not decision.allowed:
                raise access_denied(session_arn(credential.role_arn, session_name(credential)), check, decision.explicit_deny)

    def authorize(self, service: str, operation: str | None, request: IncomingRequest, credential: Credential | None) -> Filter | None:
        """Raises ``AuthError`` if the credential's role may not make this request. May
        return a filter for moto's answer (S3 details that depend on permissions)."""
        if credential is None or credential.role_arn is None:
            return None  # long-term dev key: full access
        if service == "s3":
            return self._s3(request, credential)
        if service == "dynamodb":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                # moto answers SerializationException; nothing is read or written.
                self.enforce(credential, [Check(f"dynamodb:{operation}", "*")])
                return None
            self.enforce(credential, dynamodb_checks(operation or "", body, self.table_arn, self.partition_key))
            return None
        self.enforce(credential, other_checks(service, operation, request, self.region, self.account))
        return None

    # ----------------------------------------------------------------------------------
    # S3 details

    def _s3(self, request: IncomingRequest, credential: Credential) -> Filter | None:
        params = request.query_params()
        path = request.raw_path
        bucket, key = split_s3_path(path) if path not in ("", "/") else ("", "")
        if request.method == "POST" and bucket and not key and "delete" in params:
            return self._delete_objects(request, credential, bucket)
        self.enforce(credential, s3_checks(request.method, path, params, request.headers))
        if key and request.method in ("GET", "HEAD") and not (set(params) & ({"uploadId"} | set(_OBJECT_SUBRESOURCES))):
            # "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status
            # code 403 Access Denied error" for a missing object
            # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_Permissions).
            list_check = Check("s3:ListBucket", s3_arn(bucket))
            decision = self.decide(credential, list_check)
            if not decision.allowed:
                error = access_denied(session_arn(credential.role_arn, session_name(credential)), list_check, decision.explicit_deny).s3
                return _replace_404(error, head=request.method == "HEAD")
        return None

    def _delete_objects(self, request: IncomingRequest, credential: Credential, bucket: str) -> Filter | None:
        """DeleteObjects needs s3:DeleteObject (s3:DeleteObjectVersion with a VersionId) per
        key; a denied key is reported in the result as ``<Error><Code>AccessDenied``, the
        others are deleted (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html)."""
        parsed = delete_objects_request(request.body)
        if parsed is None:
            malformed = AwsError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
            raise AuthError(malformed, malformed)
        quiet, objects = parsed
        allowed, denied = [], []
        for obj in objects:
            check = Check("s3:DeleteObjectVersion" if "VersionId" in obj else "s3:DeleteObject", s3_arn(bucket, obj.get("Key", "")))
            (allowed if self.decide(credential, check).allowed else denied).append(obj)
        if not denied:
            return None
        return _delete_objects_filter(quiet, allowed, denied)


def _replace_404(error: AwsError, *, head: bool) -> Filter:
    def wrap(app: Callable) -> Callable:
        def run(environ: dict, start_response: Callable):
            status, headers, body = _call(app, environ)
            if status.startswith("404"):
                status, headers, body = errors.render(error, "s3", head=head)
            start_response(status, headers)
            return [body]

        return run

    return wrap


_SELF_CLOSED_RESULT = re.compile(rb"<DeleteResult(\s[^>]*?)?\s*/>")


def _delete_objects_filter(quiet: bool, allowed: list[dict], denied: list[dict]) -> Filter:
    denied_xml = "".join(
        f"<Error><Key>{escape(obj.get('Key', ''))}</Key>"
        + (f"<VersionId>{escape(obj['VersionId'])}</VersionId>" if "VersionId" in obj else "")
        + "<Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
        for obj in denied
    ).encode()

    def wrap(app: Callable) -> Callable:
        def run(environ: dict, start_response: Callable):
            if not allowed:  # every key denied: nothing for moto to do
                payload = b'<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="' + S3_NS.encode() + b'">' + denied_xml + b"</DeleteResult>"
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", "application/xml"),
                        ("x-amz-request-id", errors.s3_request_id()),
                        ("x-amz-id-2", base64.b64encode(os.urandom(24)).decode()),
                        ("Content-Length", str(len(payload))),
                    ],
                )
                return [payload]
            body = delete_objects_body(quiet, allowed)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            for name in list(environ):  # the body changed: its checksums no longer apply
                if name == "HTTP_CONTENT_MD5" or name.startswith("HTTP_X_AMZ_CHECKSUM_"):
                    del environ[name]
            status, headers, answer = _call(app, environ)
            if status.startswith("200"):
                answer = _SELF_CLOSED_RESULT.sub(rb"<DeleteResult\1></DeleteResult>", answer, count=1)
                answer = answer.replace(b"</DeleteResult>", denied_xml + b"</DeleteResult>", 1)
                headers = [(n, v) for n, v in headers if n.lower() != "content-length"] + [("Content-Length", str(len(answer)))]
            start_response(status, headers)
            return [answer]

        return run

    return wrap


def _call(app: Callable, environ: dict) -> tuple[str, list, bytes]:
    """Runs a WSGI app to completion: (status, headers, body)."""
    captured: dict = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured["status"], captured["headers"], body
