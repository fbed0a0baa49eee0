"""The HTTP side of ``local_aws.identity``: what app.py hands over, and what comes back.

* ``IdentityLayer.local(environ, method)`` answers our own unsigned routes (CORS is added
  by app.py like everywhere else):

  - ``GET  /__local/settings`` / ``POST /__local/settings`` ``{"credentialSeconds": N}``
  - ``POST /__local/oidc/token`` ``{"sub", "aud"?, "expiresIn"?, "claims"?}`` -> ``{"idToken", ...}``
  - ``GET  /__local/oidc/.well-known/jwks.json``, ``.../openid-configuration``
  - ``GET  /__local/identity/.well-known/jwks.json`` (the key of GetOpenIdToken's tokens)

* ``IdentityLayer.handle(...)`` answers the cognito-identity operations of ``IdentityPools``
  and STS ``AssumeRoleWithWebIdentity`` after app.py has routed the request and checked its
  signature (or that the operation is unsigned by design); None lets moto answer.

Answers are ``(status line, headers, body)``.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
import uuid
from typing import Any
from urllib.parse import parse_qsl

from .. import errors
from ..credentials import CredentialStore
from ..errors import AwsError
from .oidc import PATH as OIDC_PATH
from .oidc import LocalOidc
from .service import IdentityPools, Settings
from .sts import WebIdentitySts

SETTINGS_PATH = "/__local/settings"
IDENTITY_JWKS_PATH = "/__local/identity/.well-known/jwks.json"
LOCAL_PATHS = (SETTINGS_PATH, OIDC_PATH + "/", "/__local/identity/")

Answer = tuple[str, list[tuple[str, str]], bytes]


def _json_answer(status: str, payload: Any, *, cache: bool = False) -> Answer:
    body = json.dumps(payload, indent=2).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    headers.append(("Cache-Control", "max-age=300" if cache else "no-store"))
    return status, headers, body


def _read_body(environ: dict) -> bytes:
    stream = environ.get("wsgi.input")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = stream.read(length) if stream is not None and length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


class IdentityLayer:
    def __init__(self, *, credentials: CredentialStore, settings: Settings | None = None, oidc_audiences: list[str] | None = None) -> None:
        self.settings = settings or Settings()
        self.oidc = LocalOidc(oidc_audiences or ["cognito-fetch-local"])
        self.pools = IdentityPools(credentials=credentials, settings=self.settings, oidc=self.oidc)
        self.sts = WebIdentitySts(self.pools)

    @classmethod
    def from_config(cls, config: dict, credentials: CredentialStore) -> "IdentityLayer":
        """From config.json: ``identityPool.credentialSeconds`` and ``oidc.audiences``."""
        identity_pool = config.get("identityPool") or {}
        settings = Settings()
        settings.update({"credentialSeconds": int(identity_pool.get("credentialSeconds", 3600))})
        audiences = (config.get("oidc") or {}).get("audiences") or ["cognito-fetch-local"]
        return cls(credentials=credentials, settings=settings, oidc_audiences=list(audiences))

    def set_endpoint(self, endpoint: str) -> None:
        """The server's own URL, once bound (the local OIDC issuer contains it)."""
        self.oidc.endpoint = endpoint

    # ------------------------------------------------------------------ our own routes

    def local(self, environ: dict, method: str) -> Answer | None:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(LOCAL_PATHS):
            return None
        if path == SETTINGS_PATH:
            if method in ("GET", "HEAD"):
                return _json_answer("200 OK", self.settings.to_json())
            if method == "POST":
                try:
                    data = json.loads(_read_body(environ) or b"null")
                    with self.pools._lock:
                        self.settings.update(data)
                except ValueError as failure:
                    return _json_answer("400 Bad Request", {"message": str(failure)})
                return _json_answer("200 OK", self.settings.to_json())
            return self._not_allowed("GET, HEAD, POST")
        if path == f"{OIDC_PATH}/token":
            if method != "POST":
                return self._not_allowed("POST")
            try:
                return _json_answer("200 OK", self.oidc.mint(json.loads(_read_body(environ) or b"null")))
            except ValueError as failure:
                return _json_answer("400 Bad Request", {"message": str(failure)})
        documents = {
            f"{OIDC_PATH}/.well-known/jwks.json": lambda: self.oidc.key.jwks(),
            f"{OIDC_PATH}/.well-known/openid-configuration": self.oidc.configuration,
            IDENTITY_JWKS_PATH: lambda: self.pools.key.jwks(),
        }
        if path in documents:
            if method not in ("GET", "HEAD"):
                return self._not_allowed("GET, HEAD")
            return _json_answer("200 OK", documents[path](), cache=True)
        return _json_answer("404 Not Found", {"message": f"no local route {path}"})

    @staticmethod
    def _not_allowed(allow: str) -> Answer:
        status, headers, body = _json_answer("405 Method Not Allowed", {"message": f"use {allow}"})
        return status, headers + [("Allow", allow)], body

    # ------------------------------------------------------------------ AWS operations

    def handle(self, service, operation: str, method: str, headers: dict[str, str], body: bytes, raw_query: str) -> Answer | None:
        """``service`` is a routing.Service (cognito-identity or sts); anything else is None."""
        try:
            if service.name == "cognito-identity":
                answer = self.pools.handle(operation, body)
                if answer is None:
                    return None
                payload = json.dumps(answer).encode()
                return "200 OK", [
                    ("Content-Type", service.json_content_type),
                    ("x-amzn-RequestId", str(uuid.uuid4())),
                    ("Content-Length", str(len(payload))),
                ], payload
            if service.name == "sts" and operation == "AssumeRoleWithWebIdentity":
                form = method == "POST" and headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
                params = dict(parse_qsl(body.decode("utf-8", "replace") if form else raw_query, keep_blank_values=True))
                payload = self.sts.assume_role_with_web_identity(params).encode()
                return "200 OK", [
                    ("Content-Type", "text/xml"),
                    ("x-amzn-RequestId", str(uuid.uuid4())),
                    ("Content-Length", str(len(payload))),
                ], payload
            return None
        except AwsError as failure:
            return errors.render(failure, service.protocol, json_content_type=service.json_content_type)
        except Exception:  # a bug of ours: answer like AWS does, and say why on stderr
            traceback.print_exc(file=sys.stderr)
            code = "InternalErrorException" if service.protocol == "json" else "InternalFailure"
            failure = AwsError(500, code, "local-aws raised an exception; see the server log")
            return errors.render(failure, service.protocol, json_content_type=service.json_content_type)
