"""Error responses shaped the way each AWS wire protocol sends them.

* S3 (rest-xml): ``<?xml ...?><Error><Code/><Message/>...extra fields...<RequestId/><HostId/></Error>``,
  ``Content-Type: application/xml``, ``x-amz-request-id`` and ``x-amz-id-2``.
* JSON 1.0/1.1 services (DynamoDB, Cognito): ``{"__type": "...", "message": "..."}``,
  ``x-amzn-RequestId`` and ``x-amzn-ErrorType``. DynamoDB namespaces ``__type``
  (its authentication errors come from the shared AWS front end as
  ``com.amazon.coral.service#...``); Cognito sends the bare name.
* Query services (STS): ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``.

Authentication failures are raised as ``AuthError``, which carries both the S3
form and the form every other service uses (the "coral" codes that DynamoDB and
Cognito return; the query protocol renames a few of them, see ``QUERY_FORMS``).
"""

from __future__ import annotations

import base64
import http
import json
import os
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class AwsError(Exception):
    status: int
    code: str
    message: str
    # Extra elements S3 puts in <Error> after <Message>, in order. Ignored by JSON/query.
    fields: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


# Codes as the query protocol (STS) spells the common authentication errors.
QUERY_FORMS = {
    "MissingAuthenticationTokenException": (403, "MissingAuthenticationToken"),
    "IncompleteSignatureException": (400, "IncompleteSignature"),
    "InvalidSignatureException": (403, "SignatureDoesNotMatch"),
    "UnrecognizedClientException": (403, "InvalidClientTokenId"),
    "ExpiredTokenException": (400, "ExpiredToken"),
    "AccessDeniedException": (403, "AccessDenied"),  # an IAM denial (authorize.py)
}


class AuthError(Exception):
    """A request that failed authentication, in its S3 form and its JSON-service form."""

    def __init__(self, s3: AwsError, coral: AwsError) -> None:
        super().__init__(str(s3))
        self.s3 = s3
        self.coral = coral

    def for_protocol(self, protocol: str) -> AwsError:
        if protocol == "s3":
            return self.s3
        if protocol == "query" and self.coral.code in QUERY_FORMS:
            status, code = QUERY_FORMS[self.coral.code]
            return AwsError(status, code, self.coral.message)
        return self.coral


def s3_request_id() -> str:
    return os.urandom(8).hex().upper()


def render(
    error: AwsError,
    protocol: str,
    *,
    head: bool = False,
    json_type_prefix: str = "",
    json_content_type: str = "application/x-amz-json-1.1",
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Returns (WSGI status line, headers, body) for ``error`` in ``protocol`` ("s3", "json", "query")."""
    status = f"{error.status} {http.HTTPStatus(error.status).phrase}"
    if protocol == "s3":
        request_id = s3_request_id()
        extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in error.fields)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            f"{extra}<RequestId>{request_id}</RequestId>"
            f"<HostId>{base64.b64encode(os.urandom(48)).decode()}</HostId></Error>"
        ).encode()
        headers = [
            ("Content-Type", "application/xml"),
            ("x-amz-request-id", request_id),
            ("x-amz-id-2", base64.b64encode(os.urandom(24)).decode()),
        ]
    elif protocol == "query":
        request_id = str(uuid.uuid4())
        body = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>{'Receiver' if error.status >= 500 else 'Sender'}</Type><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
    else:
        request_id = str(uuid.uuid4())
        body = json.dumps({"__type": json_type_prefix + error.code, "message": error.message}).encode()
        headers = [
            ("Content-Type", json_content_type),
            ("x-amzn-RequestId", request_id),
            ("x-amzn-ErrorType", error.code),
        ]
    if head:
        body = b""
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body
