"""Server-side AWS Signature Version 4 verification.

The signature is recomputed with botocore's own signer (``SigV4Auth`` for
DynamoDB/Cognito/STS, ``S3SigV4Auth`` for S3), so the check does not share any code
with the client library under test. We only decide *what* botocore signs: the method,
the canonical path and query (below), exactly the headers the client listed in
SignedHeaders, the payload hash, and the client's X-Amz-Date as the timestamp.

Canonical request rules, as the real services apply them. See the AWS docs,
"Create a canonical request for Signature Version 4"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):

* URI, S3: the path is URI-encoded once and not normalised. S3 takes the path as
  received, percent-decodes it and re-encodes every byte except ``A-Za-z0-9-._~``
  and ``/``. A client that sent ``!`` and one that sent ``%21`` therefore both match
  a signature computed over ``%21``; ``//`` and ``.`` segments are kept.
* URI, every other service: the path as received is normalised (RFC 3986 dot
  segments, duplicate slashes) and URI-encoded again, i.e. each segment ends up
  encoded twice. botocore's ``SigV4Auth`` does exactly that when given the raw path.
* Query: each name and value is percent-decoded (``+`` stays ``+``, it is not a
  space) and re-encoded with only ``A-Za-z0-9-._~`` unreserved, then sorted by name
  and value. For presigned URLs ``X-Amz-Signature`` is left out.
* Payload: S3 uses the value of ``x-amz-content-sha256`` (required with header
  auth; ``UNSIGNED-PAYLOAD`` allowed) and separately checks it against the body;
  presigned S3 URLs use ``UNSIGNED-PAYLOAD``. Other services always hash the body
  that arrived, so a body changed after signing fails the signature check.

Checks run in the order AWS applies them: parse the Authorization header or the
X-Amz-* query parameters, date, credential scope (date, region, service), S3's
x-amz-content-sha256 header, clock skew / presigned expiry, access key, session
token, expiry of temporary credentials, signature, and last S3's payload hash.
Every failure is an ``AuthError`` with the S3 and the JSON/query-service form.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable
from urllib.parse import quote, unquote, unquote_to_bytes

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from .credentials import Credential, CredentialStore
from .errors import AuthError, AwsError

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
MAX_PRESIGN_EXPIRES = 604800  # seconds, one week
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# The unsigned trailer form is UNSIGNED-PAYLOAD with aws-chunked framing (moto decodes it).
STREAMING_UNSIGNED = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_SIGNED = (
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
)
AMZ_DATE = "%Y%m%dT%H%M%SZ"
_AMZ_DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
QUERY_AUTH_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)
_EXPECTED_CREDENTIAL = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"'


# --------------------------------------------------------------------------------------
# The request as it arrived, and what the client claims in its signature


@dataclass
class IncomingRequest:
    method: str
    raw_path: str  # undecoded, as on the wire ("/bucket/a%20b")
    raw_query: str  # undecoded, without "?"
    headers: dict[str, str]  # lower-case name -> value (repeated headers joined with ",")
    body: bytes

    def query_params(self) -> dict[str, str]:
        """Decoded query parameters (first value wins); ``+`` is kept as ``+``."""
        params: dict[str, str] = {}
        for part in self.raw_query.split("&"):
            if part:
                name, _, value = part.partition("=")
                params.setdefault(unquote(name), unquote(value))
        return params


@dataclass
class SignedParts:
    in_query: bool  # presigned URL (X-Amz-* query parameters) rather than Authorization header
    access_key: str
    scope_date: str
    region: str
    service: str
    terminator: str
    signed_headers: list[str]
    signature: str
    amz_date: str  # the request timestamp as YYYYMMDDTHHMMSSZ
    timestamp: datetime
    expires: int | None  # presigned URLs only
    security_token: str | None


# --------------------------------------------------------------------------------------
# Canonical path / query (see module docstring)


def s3_canonical_path(raw_path: str) -> str:
    return quote(unquote_to_bytes(raw_path or "/"), safe="/~")


def canonical_query(raw_query: str, exclude: tuple[str, ...] = ()) -> str:
    """Decoded-then-strictly-re-encoded ``name=value`` pairs joined by ``&`` (botocore sorts them)."""
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name_bytes = unquote_to_bytes(name)
        if name_bytes.decode("utf-8", "replace") in exclude:
            continue
        pairs.append(f"{quote(name_bytes, safe='~')}={quote(unquote_to_bytes(value), safe='~')}")
    return "&".join(pairs)


# --------------------------------------------------------------------------------------
# botocore does the signing arithmetic


class _SignExactHeaders:
    """Sign exactly the headers on the AWSRequest (the client's SignedHeaders): no
    header blacklist, no implicit Host. The payload hash is supplied in the context."""

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name, value in request.headers.items():
            headers[name.lower()] = value
        return headers

    def payload(self, request: AWSRequest) -> str:
        return request.context["payload_hash"]


class _ServiceSigner(_SignExactHeaders, SigV4Auth):
    """Non-S3: botocore normalises and re-encodes the path (double encoding)."""


class _S3Signer(_SignExactHeaders, S3SigV4Auth):
    """S3: botocore uses the path it is given as is; we give it the S3 canonical path."""


@dataclass
class Computed:
    canonical_request: str
    string_to_sign: str
    signature: str


def compute_signature(
    req: IncomingRequest, parts: SignedParts, secret: str, *, s3_rules: bool, payload_hash: str
) -> Computed:
    path = s3_canonical_path(req.raw_path) if s3_rules else (req.raw_path or "/")
    query = canonical_query(req.raw_query, exclude=("X-Amz-Signature",) if parts.in_query else ())
    headers = {name: req.headers.get(name, "") for name in parts.signed_headers}
    aws_request = AWSRequest(
        method=req.method,
        url=f"http://{req.headers.get('host', 'localhost')}{path}" + (f"?{query}" if query else ""),
        headers=headers,
        data=req.body,
    )
    aws_request.context["timestamp"] = parts.amz_date
    aws_request.context["payload_hash"] = payload_hash
    signer_class = _S3Signer if s3_rules else _ServiceSigner
    signer = signer_class(Credentials(parts.access_key, secret), parts.service, parts.region)
    canonical_request = signer.canonical_request(aws_request)
    string_to_sign = signer.string_to_sign(aws_request, canonical_request)
    return Computed(canonical_request, string_to_sign, signer.signature(string_to_sign, aws_request))


# --------------------------------------------------------------------------------------
# Verification


def _fmt(moment: datetime) -> str:
    return moment.strftime(AMZ_DATE)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _s3_malformed(in_query: bool, detail: str, fields=None) -> AwsError:
    if in_query:
        return AwsError(400, "AuthorizationQueryParametersError", detail, fields or [])
    return AwsError(400, "AuthorizationHeaderMalformed", f"The authorization header is malformed; {detail}", fields or [])


def _incomplete(message: str) -> AwsError:
    return AwsError(400, "IncompleteSignatureException", message)


def _invalid_signature(message: str) -> AwsError:
    return AwsError(400, "InvalidSignatureException", message)


SIGNATURE_MISMATCH_S3 = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
SIGNATURE_MISMATCH_CORAL = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
INVALID_CLIENT_TOKEN = "The security token included in the request is invalid."
SIGV2_NOT_SUPPORTED = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."


def is_signed(req: IncomingRequest) -> bool:
    params = req.query_params()
    return "authorization" in req.headers or any(name in params for name in QUERY_AUTH_PARAMS)


class Verifier:
    def __init__(
        self,
        store: CredentialStore,
        region: str,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.store = store
        self.region = region
        self.clock = clock

    def verify(self, req: IncomingRequest, service: str, *, s3_rules: bool | None = None) -> Credential:
        """Returns the credential that signed ``req`` for ``service``, or raises AuthError."""
        if s3_rules is None:
            s3_rules = service == "s3"
        parts = self.parse(req)
        self._check_scope(parts, service)
        payload_hash = self._payload_hash(req, parts, s3_rules)
        self._check_time(parts)
        credential = self._check_credential(parts)

        computed = compute_signature(req, parts, credential.secret_access_key, s3_rules=s3_rules, payload_hash=payload_hash)
        if not s3_rules:
            # Other services hash the body that arrived; a signed x-amz-content-sha256 header
            # that disagrees with it means the client signed a different payload.
            claimed = req.headers.get("x-amz-content-sha256") if "x-amz-content-sha256" in parts.signed_headers else None
            if claimed is not None and claimed != payload_hash:
                raise self._mismatch(parts, computed)
        if not hmac.compare_digest(computed.signature, parts.signature):
            raise self._mismatch(parts, computed)

        if s3_rules and _SHA256_RE.match(payload_hash):
            actual = hashlib.sha256(req.body).hexdigest()
            if actual != payload_hash:
                raise AuthError(
                    s3=AwsError(
                        400,
                        "XAmzContentSHA256Mismatch",
                        "The provided 'x-amz-content-sha256' header does not match what was computed.",
                        [("ClientComputedContentSHA256", payload_hash), ("S3ComputedContentSHA256", actual)],
                    ),
                    coral=_invalid_signature(SIGNATURE_MISMATCH_CORAL),
                )
        return credential

    # -- parsing -----------------------------------------------------------------------

    def parse(self, req: IncomingRequest) -> SignedParts:
        params = req.query_params()
        header = req.headers.get("authorization")
        query_auth = "X-Amz-Algorithm" in params or "X-Amz-Signature" in params or "X-Amz-Credential" in params
        if header is None and not query_auth and "AWSAccessKeyId" in params and "Signature" in params:
            raise AuthError(  # a SigV2 presigned URL
                s3=AwsError(400, "InvalidRequest", SIGV2_NOT_SUPPORTED),
                coral=_incomplete("Signature Version 2 is not supported; use AWS4-HMAC-SHA256."),
            )
        if header is None and not query_auth:
            raise AuthError(
                s3=AwsError(403, "AccessDenied", "Access Denied"),
                coral=AwsError(400, "MissingAuthenticationTokenException", "Request is missing Authentication Token"),
            )
        if header is not None and query_auth:
            raise AuthError(
                s3=AwsError(
                    400,
                    "InvalidArgument",
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                    "Signature query string parameter or the Authorization header should be specified",
                    [("ArgumentName", "Authorization")],
                ),
                coral=_incomplete("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
            )
        return self._parse_query(req, params) if query_auth else self._parse_header(req, header)

    def _parse_header(self, req: IncomingRequest, header: str) -> SignedParts:
        algorithm, _, rest = header.strip().partition(" ")
        if algorithm != ALGORITHM:
            if algorithm == "AWS":
                s3 = AwsError(400, "InvalidRequest", SIGV2_NOT_SUPPORTED)
            else:
                s3 = AwsError(400, "InvalidArgument", "Unsupported Authorization Type", [("ArgumentName", "Authorization")])
            raise AuthError(s3=s3, coral=_incomplete(f"Unsupported authorization type: '{algorithm}'"))

        components: dict[str, str] = {}
        for item in rest.split(","):
            name, sep, value = item.strip().partition("=")
            if sep:
                components[name] = value.strip()
        missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not components.get(name)]
        if missing:
            raise AuthError(
                s3=_s3_malformed(
                    False, "the authorization header requires three components: Credential, SignedHeaders, and Signature."
                ),
                coral=_incomplete(" ".join(f"Authorization header requires '{name}' parameter." for name in missing)),
            )

        amz_date, timestamp = self._header_date(req)
        if timestamp is None:
            raise AuthError(
                s3=AwsError(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"),
                coral=_incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."),
            )
        return self._parts(
            in_query=False,
            credential=components["Credential"],
            signed_headers=components["SignedHeaders"],
            signature=components["Signature"],
            amz_date=amz_date,
            timestamp=timestamp,
            expires=None,
            security_token=req.headers.get("x-amz-security-token"),
        )

    @staticmethod
    def _header_date(req: IncomingRequest) -> tuple[str, datetime | None]:
        amz_date = req.headers.get("x-amz-date")
        if amz_date is not None:
            amz_date = amz_date.strip()
            if not _AMZ_DATE_RE.match(amz_date):
                return amz_date, None
            try:
                return amz_date, datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=timezone.utc)
            except ValueError:
                return amz_date, None
        date = req.headers.get("date")
        if date is not None:  # SigV4 allows the HTTP Date header instead of X-Amz-Date
            try:
                moment = parsedate_to_datetime(date).astimezone(timezone.utc)
                return _fmt(moment), moment
            except (TypeError, ValueError):
                pass
        return "", None

    def _parse_query(self, req: IncomingRequest, params: dict[str, str]) -> SignedParts:
        missing = [name for name in QUERY_AUTH_PARAMS if not params.get(name)]
        if missing:
            message = (
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
            )
            raise AuthError(
                s3=AwsError(400, "AuthorizationQueryParametersError", message), coral=_incomplete(message)
            )
        if params["X-Amz-Algorithm"] != ALGORITHM:
            message = 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'
            raise AuthError(s3=AwsError(400, "AuthorizationQueryParametersError", message), coral=_incomplete(message))
        amz_date = params["X-Amz-Date"]
        try:
            if not _AMZ_DATE_RE.match(amz_date):
                raise ValueError(amz_date)
            timestamp = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=timezone.utc)
        except ValueError:
            message = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
            raise AuthError(
                s3=AwsError(400, "AuthorizationQueryParametersError", message), coral=_incomplete(message)
            ) from None
        try:
            expires = int(params["X-Amz-Expires"])
        except ValueError:
            message = "X-Amz-Expires should be a number"
            raise AuthError(
                s3=AwsError(400, "AuthorizationQueryParametersError", message), coral=_incomplete(message)
            ) from None
        if expires < 0 or expires > MAX_PRESIGN_EXPIRES:
            message = (
                "X-Amz-Expires must be non-negative"
                if expires < 0
                else f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}"
            )
            raise AuthError(
                s3=AwsError(400, "AuthorizationQueryParametersError", message), coral=_invalid_signature(message)
            )
        return self._parts(
            in_query=True,
            credential=params["X-Amz-Credential"],
            signed_headers=params["X-Amz-SignedHeaders"],
            signature=params["X-Amz-Signature"],
            amz_date=amz_date,
            timestamp=timestamp,
            expires=expires,
            security_token=params.get("X-Amz-Security-Token"),
        )

    @staticmethod
    def _parts(*, in_query, credential, signed_headers, signature, amz_date, timestamp, expires, security_token) -> SignedParts:
        scope = credential.split("/")
        if len(scope) != 5 or not all(scope) or not re.match(r"^\d{8}$", scope[1]):
            prefix = "Error parsing the X-Amz-Credential parameter; " if in_query else ""
            raise AuthError(
                s3=_s3_malformed(in_query, f"{prefix}the Credential is mal-formed; expecting {_EXPECTED_CREDENTIAL}."),
                coral=_incomplete(
                    "Credential must have exactly 5 slash-delimited elements, "
                    f"e.g. keyid/date/region/service/term, got '{credential}'"
                ),
            )
        access_key, scope_date, region, service, terminator = scope
        return SignedParts(
            in_query=in_query,
            access_key=access_key,
            scope_date=scope_date,
            region=region,
            service=service,
            terminator=terminator,
            signed_headers=[name.strip().lower() for name in signed_headers.split(";") if name.strip()],
            signature=signature.strip(),
            amz_date=amz_date,
            timestamp=timestamp,
            expires=expires,
            security_token=security_token,
        )

    # -- checks ------------------------------------------------------------------------

    def _check_scope(self, parts: SignedParts, service: str) -> None:
        q = parts.in_query
        prefix = "Error parsing the X-Amz-Credential parameter; " if q else ""
        if parts.scope_date != parts.amz_date[:8]:
            raise AuthError(
                s3=_s3_malformed(q, "Invalid credential date. Date is not the same as X-Amz-Date."),
                coral=_invalid_signature(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    f"'{parts.scope_date}' != '{parts.amz_date[:8]}', from '{parts.amz_date}'."
                ),
            )
        if parts.region != self.region:
            raise AuthError(
                s3=_s3_malformed(
                    q, f"{prefix}the region '{parts.region}' is wrong; expecting '{self.region}'", [("Region", self.region)]
                ),
                coral=_invalid_signature("Credential should be scoped to a valid region."),
            )
        if parts.service != service:
            raise AuthError(
                s3=_s3_malformed(q, f'{prefix}incorrect service "{parts.service}". This endpoint belongs to "{service}".'),
                coral=_invalid_signature(f"Credential should be scoped to correct service: '{service}'."),
            )
        if parts.terminator != "aws4_request":
            raise AuthError(
                s3=_s3_malformed(q, f'{prefix}incorrect terminal "{parts.terminator}". This endpoint uses "aws4_request".'),
                coral=_invalid_signature(
                    f"Credential should be scoped with a valid terminator: 'aws4_request', not '{parts.terminator}'."
                ),
            )
        if "host" not in parts.signed_headers:
            message = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
            raise AuthError(
                s3=_s3_malformed(q, message) if not q else AwsError(400, "AuthorizationQueryParametersError", message),
                coral=_incomplete(message),
            )

    @staticmethod
    def _payload_hash(req: IncomingRequest, parts: SignedParts, s3_rules: bool) -> str:
        if not s3_rules:
            return hashlib.sha256(req.body).hexdigest()
        claimed = req.headers.get("x-amz-content-sha256")
        if claimed is None:
            if parts.in_query:
                return UNSIGNED_PAYLOAD
            raise AuthError(
                s3=AwsError(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"),
                coral=_incomplete("Missing required header for this request: x-amz-content-sha256"),
            )
        if claimed in (UNSIGNED_PAYLOAD, STREAMING_UNSIGNED) or _SHA256_RE.match(claimed):
            return claimed
        if claimed in STREAMING_SIGNED:
            raise AuthError(
                s3=AwsError(
                    501,
                    "NotImplemented",
                    "local-aws does not verify aws-chunked signed streaming uploads; "
                    "sign the whole payload or send UNSIGNED-PAYLOAD.",
                    [("Header", "x-amz-content-sha256")],
                ),
                coral=_incomplete("Unsupported x-amz-content-sha256 value."),
            )
        raise AuthError(
            s3=AwsError(
                400,
                "InvalidArgument",
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
                "or a valid sha256 value.",
                [("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", claimed)],
            ),
            coral=_incomplete("Invalid x-amz-content-sha256 value."),
        )

    def _check_time(self, parts: SignedParts) -> None:
        now = self.clock().replace(microsecond=0)
        if parts.in_query:
            expires_at = parts.timestamp + timedelta(seconds=parts.expires or 0)
            if now > expires_at:
                raise AuthError(
                    s3=AwsError(
                        403,
                        "AccessDenied",
                        "Request has expired",
                        [("X-Amz-Expires", str(parts.expires)), ("Expires", _iso(expires_at)), ("ServerTime", _iso(now))],
                    ),
                    coral=_invalid_signature(
                        f"Signature expired: {parts.amz_date} is now earlier than "
                        f"{_fmt(now - timedelta(seconds=parts.expires or 0))} ({_fmt(now)} - {parts.expires} sec.)"
                    ),
                )
            if parts.timestamp > now + MAX_SKEW:
                raise AuthError(
                    s3=AwsError(403, "AccessDenied", "Request is not valid yet"),
                    coral=_invalid_signature(
                        f"Signature not yet current: {parts.amz_date} is still later than "
                        f"{_fmt(now + MAX_SKEW)} ({_fmt(now)} + 15 min.)"
                    ),
                )
            return
        if abs(now - parts.timestamp) > MAX_SKEW:
            if parts.timestamp < now:
                coral = (
                    f"Signature expired: {parts.amz_date} is now earlier than "
                    f"{_fmt(now - MAX_SKEW)} ({_fmt(now)} - 15 min.)"
                )
            else:
                coral = (
                    f"Signature not yet current: {parts.amz_date} is still later than "
                    f"{_fmt(now + MAX_SKEW)} ({_fmt(now)} + 15 min.)"
                )
            raise AuthError(
                s3=AwsError(
                    403,
                    "RequestTimeTooSkewed",
                    "The difference between the request time and the current time is too large.",
                    [
                        ("RequestTime", parts.amz_date),
                        ("ServerTime", _iso(now)),
                        ("MaxAllowedSkewMilliseconds", str(int(MAX_SKEW.total_seconds() * 1000))),
                    ],
                ),
                coral=_invalid_signature(coral),
            )

    def _check_credential(self, parts: SignedParts) -> Credential:
        credential = self.store.get(parts.access_key)
        if credential is None:
            raise AuthError(
                s3=AwsError(
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.",
                    [("AWSAccessKeyId", parts.access_key)],
                ),
                coral=AwsError(400, "UnrecognizedClientException", INVALID_CLIENT_TOKEN),
            )
        # A temporary key needs its own session token; a long-term key must not carry one.
        token_ok = (
            parts.security_token is None
            if credential.session_token is None
            else parts.security_token is not None
            and hmac.compare_digest(parts.security_token.encode(), credential.session_token.encode())
        )
        if not token_ok:
            raise AuthError(
                s3=AwsError(400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
                coral=AwsError(400, "UnrecognizedClientException", INVALID_CLIENT_TOKEN),
            )
        if credential.expired(self.clock()):
            raise AuthError(
                s3=AwsError(400, "ExpiredToken", "The provided token has expired."),
                coral=AwsError(400, "ExpiredTokenException", "The security token included in the request is expired"),
            )
        return credential

    @staticmethod
    def _mismatch(parts: SignedParts, computed: Computed) -> AuthError:
        def spaced_hex(text: str) -> str:
            return " ".join(f"{byte:02x}" for byte in text.encode("utf-8"))

        return AuthError(
            s3=AwsError(
                403,
                "SignatureDoesNotMatch",
                SIGNATURE_MISMATCH_S3,
                [
                    ("AWSAccessKeyId", parts.access_key),
                    ("StringToSign", computed.string_to_sign),
                    ("SignatureProvided", parts.signature),
                    ("StringToSignBytes", spaced_hex(computed.string_to_sign)),
                    ("CanonicalRequest", computed.canonical_request),
                    ("CanonicalRequestBytes", spaced_hex(computed.canonical_request)),
                ],
            ),
            coral=_invalid_signature(SIGNATURE_MISMATCH_CORAL),
        )
