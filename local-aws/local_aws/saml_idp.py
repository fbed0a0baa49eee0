"""A SAML 2.0 identity provider for the user pools' SAML federation, built on pysaml2's ``Server``
(signing with Debian's xmlsec1), served in-process on its own free 127.0.0.1 port.

* ``GET /metadata`` — its metadata (what ``CreateIdentityProvider`` gets as ``MetadataFile``)
* ``GET /sso/redirect?SAMLRequest=...&RelayState=...`` — HTTP-Redirect binding: a sign-in page
* ``POST /sso/login`` — the account's password; then a signed Response (signed assertion) posted
  to the service provider's assertion consumer service by an auto-submitting form (HTTP-POST binding)

Service providers are added with ``register_sp`` (their metadata) once the pools exist.
"""

from __future__ import annotations

import datetime
import html
import secrets
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

with warnings.catch_warnings():  # pysaml2 imports a cipher mode cryptography has deprecated
    warnings.simplefilter("ignore")
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig
    from saml2.metadata import entity_descriptor
    from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
    from saml2.server import Server

XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
PASSWORD_AUTHN = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate as PEM files (pysaml2 reads files)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def _page(status: str, title: str, body: str) -> tuple[str, list[tuple[str, str]], bytes]:
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    ).encode()
    return status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(text))), ("Cache-Control", "no-store")], text


class SamlIdp:
    def __init__(self, users: list[dict]) -> None:
        self.users = users
        self._folder = Path(tempfile.mkdtemp(prefix="local-aws-saml-"))
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[object, str | None]] = {}
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.base = f"http://localhost:{self._server.server_port}"
        self.entity_id = f"{self.base}/metadata"
        key_file, cert_file = key_pair(self._folder, "idp")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "name": "local-aws SAML IdP",
                        "endpoints": {"single_sign_on_service": [(f"{self.base}/sso/redirect", BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None, "name_form": NAME_FORMAT_BASIC}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": False,
                    }
                },
                "key_file": key_file,
                "cert_file": cert_file,
                "xmlsec_binary": XMLSEC,
                "metadata": {},
            }
        )
        self._idp = Server(config=config)
        self.metadata = str(entity_descriptor(config))
        self._thread = threading.Thread(target=self._server.serve_forever, name="saml-idp", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return self.entity_id

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def register_sp(self, metadata_xml: str) -> None:
        with self._lock:
            self._idp.metadata.load("inline", metadata_xml)

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/")
        try:
            if path == "/metadata" and method == "GET":
                body = self.metadata.encode()
                answer = "200 OK", [("Content-Type", "application/samlmetadata+xml"), ("Content-Length", str(len(body)))], body
            elif path == "/sso/redirect" and method == "GET":
                answer = self._sso(dict(parse_qsl(environ.get("QUERY_STRING", ""))))
            elif path == "/sso/login" and method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                form = dict(parse_qsl(environ["wsgi.input"].read(length).decode("utf-8", "replace"))) if length else {}
                answer = self._login(form)
            else:
                answer = _page("404 Not Found", "Not found", "")
        except Exception as failure:  # a request pysaml2 refuses: say what kind, never its content
            answer = _page("400 Bad Request", "SAML request refused", f"<p id=\"error\">{html.escape(type(failure).__name__)}</p>")
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _sso(self, query: dict):
        if not query.get("SAMLRequest"):
            return _page("400 Bad Request", "SAML request refused", '<p id="error">no SAMLRequest</p>')
        with self._lock:
            request = self._idp.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
            key = secrets.token_urlsafe(24)
            self._pending[key] = (request.message, query.get("RelayState"))
        return self._form(key)

    def _form(self, key: str, message: str | None = None, status: str = "200 OK"):
        alert = f'<p role="alert" id="error">{html.escape(message)}</p>' if message else ""
        return _page(
            status,
            "Sign in to the local SAML IdP",
            f'{alert}<form method="post" action="/sso/login"><input type="hidden" name="key" value="{key}">'
            '<label>Login <input name="login" id="login" required></label> '
            '<label>Password <input name="password" id="password" type="password" required></label> '
            '<button type="submit" id="signin">Sign in</button></form>',
        )

    def _login(self, form: dict):
        key = form.get("key") or ""
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                return _page("400 Bad Request", "SAML request refused", '<p id="error">unknown or used sign-in</p>')
            user = next((u for u in self.users if u["login"] == form.get("login")), None)
            if user is None or not secrets.compare_digest(user["password"], form.get("password") or ""):
                return self._form(key, "Incorrect login or password.", "401 Unauthorized")
            del self._pending[key]
            message, relay_state = pending
            response_args = self._idp.response_args(message)
            response_args.pop("name_id_policy", None)
            response = self._idp.create_authn_response(
                {name: [value] for name, value in (user.get("attributes") or {}).items()},
                userid=user["nameId"],
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user["nameId"]),
                authn={"class_ref": PASSWORD_AUTHN, "authn_auth": self.entity_id},
                sign_assertion=True,
                sign_response=True,
                **response_args,
            )
            http_args = self._idp.apply_binding(BINDING_HTTP_POST, str(response), response_args["destination"], relay_state=relay_state, response=True)
        body = http_args["data"].encode() if isinstance(http_args["data"], str) else http_args["data"]
        return "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")], body
