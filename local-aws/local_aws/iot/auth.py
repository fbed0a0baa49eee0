"""Who may open IoT's MQTT WebSocket, and what they may do on it.

**The presigned URL** (``verify_url``), checked as AWS IoT checks it before any MQTT byte is read
(AWS IoT Developer Guide, "MQTT over WebSocket protocol"): SigV4 in the query for the service
``iotdevicegateway`` (algorithm, credential scope, date, expiry, access key, the session token of a
live credential, signature) by local-aws's own verifier (``sigv4.Verifier``: botocore recomputes the
signature), except that ``X-Amz-Security-Token`` is **not** in the canonical request: IoT is one of
the services that want the token appended after signing (IAM User Guide, "Create a signed AWS API
request": "Some services require that you add X-Amz-Security-Token ... after you calculate the
signature"). A URL whose signature covers the token fails like any other wrong signature.

**Authorization** (``IotAuthorizer``), as "Authorization with Amazon Cognito identities" in the AWS
IoT Developer Guide describes it (https://docs.aws.amazon.com/iot/latest/developerguide/cog-iot-policies.html):
an unauthenticated (guest) identity is held to its IAM role's policy alone; an authenticated identity
needs **both** its IAM role's policy and an AWS IoT policy attached to its identity id (AttachPolicy)
to allow. Actions and resources (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html):
``iot:Connect`` on ``client/<client id>`` at CONNECT, ``iot:Publish`` (and ``iot:RetainPublish`` for a
retained message) on ``topic/<topic>`` at every PUBLISH, ``iot:Subscribe`` on ``topicfilter/<filter>``
at every SUBSCRIBE, ``iot:Receive`` on ``topic/<topic>`` at every delivery. Policies are evaluated by
``local_aws.iam`` with the role session's keys plus ``iot:ClientId``. The long-term dev key (no role)
may do anything, as an account administrator could.
"""

from __future__ import annotations

import json
import threading
from urllib.parse import unquote

from .. import iam
from ..authorize import Authorizer
from ..credentials import Credential
from ..errors import AwsError
from ..sigv4 import IncomingRequest, SignedParts, Verifier

SERVICE = "iotdevicegateway"
TOKEN = "X-Amz-Security-Token"


class _TokenAfterSigning(Verifier):
    """The shared verifier, given the session token that was left out of the signed query."""

    def __init__(self, base: Verifier, token: str | None) -> None:
        super().__init__(base.store, base.region, base.clock)
        self._token = token

    def parse(self, req: IncomingRequest) -> SignedParts:
        parts = super().parse(req)
        parts.security_token = self._token
        return parts


def verify_url(verifier: Verifier, raw_path: str, raw_query: str, host: str) -> Credential:
    """The credential that presigned this ``GET /mqtt?...`` for ``iotdevicegateway``; raises ``AuthError``."""
    kept, token = [], None
    for part in raw_query.split("&"):
        name, _, value = part.partition("=")
        if unquote(name) == TOKEN:
            token = unquote(value) if token is None else token
        elif part:
            kept.append(part)
    request = IncomingRequest("GET", raw_path, "&".join(kept), {"host": host}, b"")
    return _TokenAfterSigning(verifier, token).verify(request, SERVICE)


class IotPolicies:
    """AWS IoT policies attached to Cognito identity ids (AttachPolicy's targets). The policy
    documents live in moto's IoT backend (CreatePolicy / GetPolicy go to moto); moto's own
    AttachPolicy cannot attach to identities it did not make, so attachments are kept here."""

    def __init__(self, region: str, account: str) -> None:
        self.region = region
        self.account = account
        self._lock = threading.Lock()
        self._attached: dict[str, list[str]] = {}  # target -> policy names

    def _backend(self):
        from moto.iot.models import iot_backends

        return iot_backends[self.account][self.region]

    def policy_exists(self, name: str) -> bool:
        return name in self._backend().policies

    def attach(self, name: str, target: str) -> None:
        with self._lock:
            names = self._attached.setdefault(target, [])
            if name not in names:
                names.append(name)

    def detach(self, name: str, target: str) -> bool:
        with self._lock:
            names = self._attached.get(target, [])
            if name not in names:
                return False
            names.remove(name)
            return True

    def names(self, target: str) -> list[str]:
        with self._lock:
            return list(self._attached.get(target, []))

    def arn(self, name: str) -> str:
        return f"arn:aws:iot:{self.region}:{self.account}:policy/{name}"

    def documents(self, target: str) -> list[iam.Policy]:
        policies = []
        backend = self._backend()
        for name in self.names(target):
            policy = backend.policies.get(name)
            if policy is None:  # deleted since: attaches nothing
                continue
            document = policy.document
            policies.append(iam.Policy.parse(json.loads(document) if isinstance(document, (str, bytes)) else document))
        return policies


class IotAuthorizer:
    def __init__(self, authorizer: Authorizer, policies: IotPolicies, guest_roles) -> None:
        self.authorizer = authorizer
        self.policies = policies
        self.guest_roles = guest_roles  # () -> set of the identity pools' unauthenticated role ARNs

    def resource(self, kind: str, name: str) -> str:
        return f"arn:aws:iot:{self.authorizer.region}:{self.authorizer.account}:{kind}/{name}"

    def allowed(self, credential: Credential, action: str, resource: str, client_id: str) -> bool:
        if credential.role_arn is None:
            return True  # the dev key: an administrator's
        context = dict(self.authorizer.context(credential), **{"iot:ClientId": client_id})
        role = self.authorizer.roles.get(credential.role_arn, [])
        if not iam.evaluate(role, action, resource, context).allowed:
            return False
        if credential.role_arn in self.guest_roles():
            return True
        # An authenticated identity: an IoT policy attached to its identity id must allow too.
        attached = self.policies.documents(credential.identity_id) if credential.identity_id else []
        return iam.evaluate(attached, action, resource, context).allowed


# --------------------------------------------------------------------------------------
# The control plane operations moto cannot do for Cognito identities (rest-json, signed, service "iot")


def _error(status: int, code: str, message: str) -> AwsError:
    return AwsError(status, code, message)


def control(policies: IotPolicies, identity_exists, method: str, path: str, body: bytes) -> dict | None:
    """AttachPolicy (``PUT /target-policies/{policyName}``), DetachPolicy (``POST
    /target-policies/{policyName}``) and ListAttachedPolicies (``POST /attached-policies/{target}``)
    for Cognito identity ids; None lets moto answer (CreatePolicy, GetPolicy, ...; attachments to
    certificates and thing groups too). Raises AwsError."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "" or parts[1] not in ("target-policies", "attached-policies"):
        return None
    name = unquote(parts[2])
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        params = None
    if not isinstance(params, dict):
        raise _error(400, "InvalidRequestException", "The request body is not a JSON object.")
    if parts[1] == "attached-policies":
        if method != "POST" or not identity_exists(name):
            return None
        return {"policies": [{"policyName": n, "policyArn": policies.arn(n)} for n in policies.names(name)]}
    target = params.get("target")
    if method not in ("PUT", "POST") or not isinstance(target, str) or not identity_exists(target):
        return None
    if not policies.policy_exists(name):
        raise _error(404, "ResourceNotFoundException", f"Policy {name} not found.")  # shape of IoT's ResourceNotFoundException
    if method == "PUT":
        policies.attach(name, target)
    elif not policies.detach(name, target):
        raise _error(404, "ResourceNotFoundException", f"Policy {name} is not attached to {target}.")
    return {}
