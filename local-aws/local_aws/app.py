"""The WSGI application: our strict layer in front of moto's in-process server app.

For each request: answer CORS preflights and ``/__local/state`` ourselves; decide the
service (routing.py); verify the SigV4 signature unless the operation is unsigned by
design (sigv4.py); then hand the untouched request to moto's Flask app for that
service. Cognito user pool operations first pass through ``cognito.CognitoLayer``, which
answers those moto gets wrong itself (see cognito/service.py); ``/__local/outbox`` shows
the codes it "sent". Every response gets CORS headers and a ``Date`` header.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
import traceback
import uuid
from dataclasses import replace
from email.utils import formatdate
from typing import Callable, Iterable
from urllib.parse import unquote

from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY
from moto.moto_server.werkzeug_app import create_backend_app

from . import cors, errors, routing
from .authorize import Authorizer
from .cognito import CognitoLayer
from .identity import IdentityLayer
from .credentials import CredentialStore
from .errors import AuthError, AwsError
from .faults import Fault, FaultQueue
from .sigv4 import IncomingRequest, Verifier

log = logging.getLogger("local_aws")

STATE_PATH = "/__local/state"
OUTBOX_PATH = "/__local/outbox"
FAULTS_PATH = "/__local/faults"


class MotoApps:
    """One moto Flask app per service, as moto's own DomainDispatcherApplication keeps them,
    but chosen by our routing instead of by host name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._apps: dict[str, Callable] = {}

    def app_for(self, service: str) -> Callable:
        with self._lock:
            if service not in self._apps:
                self._apps[service] = create_backend_app(service)
            return self._apps[service]

    def warm_up(self, services: Iterable[str]) -> None:
        for service in services:
            self.app_for(service)


def _text(wire: bytes) -> str:
    try:
        return wire.decode("utf-8")
    except UnicodeDecodeError:
        return wire.decode("latin-1")


def _uri_text(value: str) -> str:
    """werkzeug's dev server reads the request line as latin-1 and then stores RAW_URI /
    QUERY_STRING as ``line.encode("utf-8").decode("latin-1")``; undo both steps."""
    try:
        return _text(value.encode("latin-1").decode("utf-8").encode("latin-1"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _header_text(value: str) -> str:
    """Header values arrive as latin-1 text of the raw bytes; read them as UTF-8 where valid."""
    try:
        return _text(value.encode("latin-1"))
    except UnicodeEncodeError:
        return value


def raw_path_and_query(environ: dict) -> tuple[str, str]:
    """The request target as sent, still percent-encoded (werkzeug's PATH_INFO is decoded)."""
    raw_uri = _uri_text(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    if raw_uri.startswith(("http://", "https://")):  # absolute-form request target
        raw_uri = "/" + raw_uri.split("://", 1)[1].partition("/")[2]
    if not raw_uri:
        return environ.get("PATH_INFO", "/"), _uri_text(environ.get("QUERY_STRING", ""))
    path, _, query = raw_uri.partition("?")
    return path or "/", query


def request_headers(environ: dict) -> dict[str, str]:
    """Lower-cased header name -> value, from the WSGI environ."""
    preserved = environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = preserved.get(key) or key[5:].replace("_", "-")
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-")
        else:
            continue
        if isinstance(value, str):
            headers[name.lower()] = _header_text(value)
    return headers


def read_body(environ: dict) -> bytes:
    """Reads the whole body and puts it back so moto can read it again."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):  # chunked transfer encoding, de-chunked by werkzeug
        body = stream.read()
        environ["CONTENT_LENGTH"] = str(len(body))
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


class LocalAws:
    def __init__(
        self,
        *,
        region: str,
        credentials: CredentialStore,
        state: Callable[[], dict],
        verifier: Verifier | None = None,
        moto: MotoApps | None = None,
        cognito: CognitoLayer | None = None,
        identity: IdentityLayer | None = None,
        verbose: bool = False,
        authorizer: Authorizer | None = None,
        faults: FaultQueue | None = None,
    ) -> None:
        self.region = region
        self.credentials = credentials
        self.state = state
        self.verifier = verifier or Verifier(credentials, region)
        self.moto = moto or MotoApps()
        self.cognito = cognito or CognitoLayer()
        self.identity = identity or IdentityLayer(credentials=credentials)
        self.verbose = verbose
        self.authorizer = authorizer or Authorizer({}, region)  # no roles: role credentials get nothing
        self.faults = faults or FaultQueue()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        service_name = "-"

        def finish(status: str, headers: list[tuple[str, str]], exc_info=None):
            headers = cors.strip_cors([(n, v) for n, v in headers if n.lower() != "date"])
            headers += cors.response_headers(environ) + [("Date", formatdate(usegmt=True))]
            if self.verbose:  # path only: query strings can carry signatures and session tokens
                log.info("%s %s -> %s [%s]", method, environ.get("PATH_INFO", ""), status.split(" ", 1)[0], service_name)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        if method == "OPTIONS":
            headers = cors.preflight_headers(environ) + [("Content-Length", "0"), ("Date", formatdate(usegmt=True))]
            if self.verbose:
                log.info("OPTIONS %s -> 200 [preflight]", environ.get("PATH_INFO", ""))
            start_response("200 OK", headers)
            return [b""]

        if environ.get("PATH_INFO") == STATE_PATH and method in ("GET", "HEAD"):
            body = json.dumps(self.state(), indent=2).encode()
            finish("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [b"" if method == "HEAD" else body]

        if environ.get("PATH_INFO") == OUTBOX_PATH:
            return self._outbox(environ, method, finish)

        if environ.get("PATH_INFO") == FAULTS_PATH:
            return self._faults(environ, method, finish)

        # Identity pools / STS web identity: /__local/settings, /__local/oidc/*, /__local/identity/* (identity/layer.py).
        answer = self.identity.local(environ, method)
        if answer is not None:
            return self._answer(answer, method, finish)

        body = read_body(environ)
        raw_path, raw_query = raw_path_and_query(environ)
        headers = request_headers(environ)
        # Virtual-hosted S3 (Host: <bucket>.s3.localhost:<port>): the signature is checked against the request as
        # sent (that Host, the path without the bucket), everything after it sees the path-style request
        # /<bucket>/<key> that the rest of local-aws and moto know.
        vhost_bucket = routing.virtual_host_bucket(headers.get("host"))
        path_style = f"/{vhost_bucket}{environ.get('PATH_INFO', '/')}" if vhost_bucket else environ.get("PATH_INFO", "/")
        service = routing.S3
        respond = None  # the authorizer's filter for moto's answer, if any
        try:
            route = routing.route(method, environ.get("PATH_INFO", "/"), raw_query, headers, body)
            service = route.service
            service_name = service.name
            fault = self.faults.take(service.name, method, path_style, headers.get("x-amz-target"))
            if fault is not None:  # injected (/__local/faults): a real front door fails before checking signatures
                return self._fault(fault, service, method, finish)
            if route.signature_required:
                request = IncomingRequest(method, raw_path, raw_query, headers, body)
                credential = self.verifier.verify(request, service.name)
                if vhost_bucket:
                    request = replace(request, raw_path=f"/{vhost_bucket}{raw_path}")
                # The IAM policy of role credentials (authorize.py), before moto sees the request.
                respond = self.authorizer.authorize(service.name, route.operation, request, credential)
        except AuthError as failure:
            return self._error(failure.for_protocol(service.protocol), service, method, finish)
        except AwsError as failure:
            return self._error(failure, routing.UNKNOWN_JSON_SERVICE, method, finish)

        # Identity pools (GetId, GetCredentialsForIdentity, ...) and STS AssumeRoleWithWebIdentity (identity/layer.py).
        if service in (routing.COGNITO_IDENTITY, routing.STS) and route.operation:
            answer = self.identity.handle(service, route.operation, method, headers, body, raw_query)
            if answer is not None:
                return self._answer(answer, method, finish)

        if service is routing.COGNITO_IDP and route.operation:
            try:
                answer = self.cognito.handle(route.operation, body)
            except AwsError as failure:
                return self._error(failure, service, method, finish)
            except Exception:  # a bug of ours: answer like AWS does, and say why on stderr
                traceback.print_exc(file=sys.stderr)
                return self._error(AwsError(500, "InternalErrorException", "local-aws raised an exception; see the server log"), service, method, finish)
            if answer is not None:
                payload = json.dumps(answer).encode()
                finish(
                    "200 OK",
                    [
                        ("Content-Type", service.json_content_type),
                        ("x-amzn-RequestId", str(uuid.uuid4())),
                        ("Content-Length", str(len(payload))),
                    ],
                )
                return [payload]

        if vhost_bucket:
            # moto is handed the path-style request on our own address.
            environ["PATH_INFO"] = path_style
            for name in ("RAW_URI", "REQUEST_URI"):
                if environ.get(name, "").startswith("/"):
                    environ[name] = f"/{vhost_bucket}{environ[name]}"
            environ["HTTP_HOST"] = f"127.0.0.1:{environ.get('SERVER_PORT', '80')}"
        if service is not routing.S3:
            # moto reads the region of JSON/query services from the host name; S3 stays
            # path-style on our own host.
            environ["HTTP_HOST"] = f"{service.name}.{self.region}.amazonaws.com"
        moto_app = self.moto.app_for(service.name)
        if respond is not None:
            moto_app = respond(moto_app)
        try:
            return moto_app(environ, finish)
        except Exception:  # a moto bug must not kill the connection without an answer
            traceback.print_exc(file=sys.stderr)
            return self._error(AwsError(500, "InternalError", "moto raised an exception; see the server log"), service, method, finish)

    def _outbox(self, environ: dict, method: str, finish: Callable) -> list[bytes]:
        """``GET /__local/outbox?to=<address or username>`` lists the codes sent (newest
        last); ``DELETE /__local/outbox[?to=...]`` clears them. Unsigned, with CORS."""
        to = None
        for pair in _uri_text(environ.get("QUERY_STRING", "")).split("&"):
            name, _, value = pair.partition("=")
            if name == "to":
                to = unquote(value) or None  # not unquote_plus: "+1555..." is a phone number
        if method in ("GET", "HEAD"):
            payload = json.dumps(self.cognito.outbox.list(to), indent=2).encode()
        elif method == "DELETE":
            payload = json.dumps({"deleted": self.cognito.outbox.clear(to)}).encode()
        else:
            payload = json.dumps({"message": "use GET or DELETE"}).encode()
            finish("405 Method Not Allowed", [("Content-Type", "application/json"), ("Allow", "GET, HEAD, DELETE"), ("Content-Length", str(len(payload)))])
            return [payload]
        finish("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Content-Length", str(len(payload)))])
        return [b"" if method == "HEAD" else payload]

    def _faults(self, environ: dict, method: str, finish: Callable) -> list[bytes]:
        """``POST /__local/faults`` queues an injected fault (faults.py), ``GET`` lists the
        pending ones, ``DELETE`` clears them. Unsigned, with CORS."""

        def reply(status: str, data, extra: list[tuple[str, str]] = ()) -> list[bytes]:
            payload = json.dumps(data, indent=2).encode()
            finish(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Content-Length", str(len(payload))), *extra])
            return [b"" if method == "HEAD" else payload]

        if method == "POST":
            try:
                spec = json.loads(read_body(environ) or b"null")
            except ValueError as problem:
                return reply("400 Bad Request", {"message": f"invalid JSON: {problem}"})
            try:
                return reply("200 OK", self.faults.add(spec).to_json())
            except ValueError as problem:
                return reply("400 Bad Request", {"message": str(problem)})
        if method in ("GET", "HEAD"):
            return reply("200 OK", self.faults.list())
        if method == "DELETE":
            return reply("200 OK", {"deleted": self.faults.clear()})
        return reply("405 Method Not Allowed", {"message": "use GET, POST or DELETE"}, [("Allow", "GET, HEAD, POST, DELETE")])

    @staticmethod
    def _fault(fault: Fault, service: routing.Service, method: str, finish: Callable) -> list[bytes]:
        error, type_prefix = fault.error()
        status, headers, body = errors.render(
            error, service.protocol, head=method == "HEAD", json_type_prefix=type_prefix, json_content_type=service.json_content_type
        )
        finish(status, headers)
        return [body]

    @staticmethod
    def _answer(answer: tuple[str, list[tuple[str, str]], bytes], method: str, finish: Callable) -> list[bytes]:
        status, headers, body = answer
        finish(status, headers)
        return [b"" if method == "HEAD" else body]

    @staticmethod
    def _error(error: AwsError, service: routing.Service, method: str, finish: Callable) -> list[bytes]:
        prefix = service.auth_error_type_prefix if error.code in _CORAL_AUTH_CODES else ""
        status, headers, body = errors.render(
            error,
            service.protocol,
            head=method == "HEAD",
            json_type_prefix=prefix,
            json_content_type=service.json_content_type,
        )
        finish(status, headers)
        return [body]


_CORAL_AUTH_CODES = {
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "AccessDeniedException",
}
