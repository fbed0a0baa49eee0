"""Managed login (the hosted UI) and the OAuth 2.0 / OpenID Connect endpoints of a user pool domain.

Each user pool with a domain (CreateUserPoolDomain) answers on ``http://<prefix>.auth.localhost:<port>``,
told apart from the AWS APIs by the Host header (browsers resolve ``*.localhost`` to loopback):

* ``GET /oauth2/authorize`` — https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
* ``GET/POST /login`` (+ ``POST /login/mfa``, ``POST /login/new-password``), the sign-in pages for ``COGNITO``
  — https://docs.aws.amazon.com/cognito/latest/developerguide/login-endpoint.html
* ``POST /oauth2/token`` — https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
* ``GET/POST /oauth2/userInfo`` — https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html
* ``POST /oauth2/revoke`` — https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html
* ``GET /logout`` — https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
* ``GET /oauth2/idpresponse`` — where OpenID providers send the user back (federation.py)
* ``POST /saml2/idpresponse`` — where SAML providers post their response (saml.py)
* ``GET /error`` — the page Cognito shows instead of redirecting to an unregistered URL

and, on the API endpoint, ``GET /<userPoolId>/.well-known/openid-configuration`` (the issuer's discovery
document; ``jwks.json`` beside it stays moto's key, which signs every token).

Tokens are minted by ``CognitoLayer._issue``, so they are the same kind as API sign-in tokens: same keys,
refreshable with REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken, revocable with RevokeToken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import totp
from .service import API_SCOPE, CognitoError, CognitoLayer, _attr
from moto.cognitoidp.models import UserStatus


def pkce_s256(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))), for the verifier a client sends here and the one
    managed login sends an upstream IdP (federation.py)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest()).rstrip(b"=").decode()


HOST = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.localhost(?::\d+)?$", re.IGNORECASE)
WELL_KNOWN = re.compile(r"^/([a-z]{2}(?:-[a-z]+)+-\d+_[A-Za-z0-9]+)/\.well-known/openid-configuration$")
SESSION_COOKIE = "cognito"
XSRF_COOKIE = "XSRF-TOKEN"
# "The cookie is valid for 1 hour"
# (https://repost.aws/knowledge-center/cognito-logout-endpoint-globalsignoutapi).
SESSION_SECONDS = 3600
STEP_SECONDS = 180  # a sign-in step (MFA code, new password): the app client's AuthSessionValidity default
EMAIL_SCOPE_ATTRIBUTES = ("email", "email_verified")
PHONE_SCOPE_ATTRIBUTES = ("phone_number", "phone_number_verified")

Answer = tuple[str, list[tuple[str, str]], bytes]


class Stop(Exception):
    """Ends a request with a finished answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__("stop")
        self.answer = answer


@dataclass
class CodeGrant:
    pool_id: str
    client_id: str
    redirect_uri: str
    scope: str
    username: str
    expires: float
    challenge: str | None
    nonce: str | None
    used: bool = False


@dataclass
class HostedSession:
    pool_id: str
    username: str
    provider: str  # "COGNITO" or the IdP's name
    expires: float


@dataclass
class LoginStep:
    """A sign-in waiting for an MFA code or a new password."""

    pool_id: str
    username: str
    params: dict
    kind: str  # "mfa" | "new-password"
    expires: float
    method: str | None = None
    code: str | None = None
    failures: int = 0


@dataclass
class Authorization:
    """A checked /oauth2/authorize (or /login) request."""

    pool: Any
    client: Any
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    challenge: str | None
    provider: str | None
    params: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- answers


def _headers(content_type: str, body: bytes, extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    return [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store"), *extra]


def page(status: str, title: str, body: str, extra: list[tuple[str, str]] = ()) -> Answer:
    text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    ).encode()
    return status, _headers("text/html; charset=utf-8", text, extra), text


def redirect(location: str, extra: list[tuple[str, str]] = ()) -> Answer:
    return "302 Found", [("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store"), *extra], b""


def json_answer(status: str, data: dict, extra: list[tuple[str, str]] = ()) -> Answer:
    body = json.dumps(data).encode()
    return status, _headers("application/json;charset=UTF-8", body, extra), body


def oauth_error(error: str, status: str = "400 Bad Request", extra: list[tuple[str, str]] = ()) -> Answer:
    """The token/revoke endpoints' error shape: ``{"error": "invalid_grant"}``."""
    return json_answer(status, {"error": error}, extra)


def with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(pairs)


def cookie(name: str, value: str, max_age: int) -> tuple[str, str]:
    # HTTP only here, so no Secure attribute (Cognito's cookies are Secure on HTTPS).
    return "Set-Cookie", f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"


def hidden(params: dict) -> str:
    return "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )


# ---------------------------------------------------------------------------------------- the domain


class HostedUi:
    def __init__(self, cognito: CognitoLayer) -> None:
        self.cognito = cognito
        self.port = 0
        self.endpoint = ""
        self.codes: dict[str, CodeGrant] = {}
        self.sessions: dict[str, HostedSession] = {}
        self.steps: dict[str, LoginStep] = {}
        self.federation = None  # federation.Federation, set by server.py once the IdP runs
        self.saml = None  # saml.SamlFederation, set by server.py

    def set_endpoint(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.port = urlsplit(endpoint).port or 80

    def origin(self, prefix: str) -> str:
        return f"http://{prefix}.auth.localhost:{self.port}"

    @staticmethod
    def domain_prefix(environ: dict) -> str | None:
        match = HOST.match(environ.get("HTTP_HOST") or "")
        return match.group(1).lower() if match else None

    def _pool_of_domain(self, prefix: str):
        for backend in self.cognito._backends():
            domain = backend.user_pool_domains.get(prefix)
            if domain is not None and domain.user_pool_id in backend.user_pools:
                return backend.user_pools[domain.user_pool_id]
        return None

    def domain_of_pool(self, pool_id: str) -> str | None:
        for backend in self.cognito._backends():
            for name, domain in backend.user_pool_domains.items():
                if domain.user_pool_id == pool_id:
                    return name
        return None

    # ------------------------------------------------------------------ WSGI entry

    def __call__(self, environ: dict, start_response: Callable, prefix: str) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/")
        try:
            answer = self._route(environ, method, path, prefix)
        except Stop as stop:
            answer = stop.answer
        status, headers, body = answer
        start_response(status, headers + [("Date", formatdate(usegmt=True))])
        return [b"" if method == "HEAD" else body]

    def _route(self, environ: dict, method: str, path: str, prefix: str) -> Answer:
        pool = self._pool_of_domain(prefix)
        if pool is None:
            return page("404 Not Found", "Not found", "<p>No user pool has this domain.</p>")
        cors = self._cors(environ)
        if path in ("/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo") and method == "OPTIONS":
            return "200 OK", [*self._preflight(environ), ("Content-Length", "0")], b""
        with self.cognito._lock:
            self._expire()
        if path == "/oauth2/authorize" and method in ("GET", "HEAD"):
            return self.authorize(environ, pool, prefix)
        if path == "/login" and method in ("GET", "HEAD"):
            return self.login_page(environ, pool)
        if path == "/login" and method == "POST":
            return self.login(environ, pool)
        if path in ("/login/mfa", "/login/new-password") and method == "POST":
            return self.login_step(environ, pool, path.rsplit("/", 1)[1])
        if path == "/oauth2/token":
            if method != "POST":
                return page("405 Method Not Allowed", "Method not allowed", "", [("Allow", "POST")])
            return self._with(lambda: self.token(environ, pool), cors)
        if path == "/oauth2/userInfo" and method in ("GET", "POST"):
            return self._with(lambda: self.user_info(environ, pool), cors)
        if path == "/oauth2/revoke":
            if method != "POST":
                return page("405 Method Not Allowed", "Method not allowed", "", [("Allow", "POST")])
            return self._with(lambda: self.revoke(environ, pool), cors)
        if path == "/logout" and method in ("GET", "HEAD"):
            return self.logout(environ, pool)
        if path == "/oauth2/idpresponse" and method in ("GET", "POST"):
            if self.federation is None:
                return self.error_page("federation is not configured")
            return self.federation.idp_response(self, environ, pool, prefix)
        if path == "/saml2/idpresponse" and method == "POST":
            if self.saml is None:
                return self.error_page("SAML federation is not configured")
            return self.saml.idp_response(self, environ, pool)
        if path == "/error":
            params = dict(parse_qsl(environ.get("QUERY_STRING", "")))
            return self.error_page(params.get("error") or "An error was encountered")
        return page("404 Not Found", "Not found", "")

    # ------------------------------------------------------------------ CORS (token, revoke, userInfo)

    @staticmethod
    def _cors(environ: dict) -> list[tuple[str, str]]:
        # Cognito's token endpoint answers browsers on any origin with that origin (an app served
        # from file:// got "Access-Control-Allow-Origin: null" back: amazon-archives/amazon-cognito-auth-js#113).
        origin = environ.get("HTTP_ORIGIN")
        if not origin:
            return []
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]

    def _preflight(self, environ: dict) -> list[tuple[str, str]]:
        headers = [
            ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN") or "*"),
            ("Vary", "Origin"),
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Max-Age", "600"),
        ]
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        if requested:
            headers.append(("Access-Control-Allow-Headers", requested))
        return headers

    @staticmethod
    def _with(endpoint: Callable[[], Answer], extra: list[tuple[str, str]]) -> Answer:
        """The endpoint's answer with CORS headers, errors included."""
        try:
            status, headers, body = endpoint()
        except Stop as stop:
            status, headers, body = stop.answer
        return status, headers + extra, body

    # ------------------------------------------------------------------ request helpers

    @staticmethod
    def _query(environ: dict) -> dict:
        raw = environ.get("QUERY_STRING", "")
        try:
            raw = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        return HostedUi._pairs(raw)

    @staticmethod
    def _pairs(text: str) -> dict:
        params: dict[str, str] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            if name in params:
                # "Request parameters must not be included more than once" (RFC 6749 3.1).
                raise Stop(page("400 Bad Request", "Bad request", f"<p id=\"error\">invalid_request: {html.escape(name)} repeated</p>"))
            params[name] = value
        return params

    @staticmethod
    def _form(environ: dict) -> dict:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        stream = environ.get("wsgi.input")
        body = stream.read(length) if stream is not None and length > 0 else b""
        if body and not (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded"):
            raise Stop(oauth_error("invalid_request"))
        return HostedUi._pairs(body.decode("utf-8", "replace"))

    @staticmethod
    def _cookies(environ: dict) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(environ.get("HTTP_COOKIE") or "")
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def error_page(self, error: str) -> Answer:
        return page("400 Bad Request", "An error was encountered", f'<p id="error">{html.escape(error)}</p>')

    def _to_error(self, pairs: list[tuple[str, str]]) -> Answer:
        """Cognito's answer when it cannot trust the redirect URI: its own /error page."""
        return redirect("/error?" + urlencode(pairs))

    def _expire(self) -> None:
        now = time.time()
        for table in (self.codes, self.sessions, self.steps):
            for key in [k for k, v in table.items() if v.expires + 600 < now]:
                del table[key]

    # ------------------------------------------------------------------ /oauth2/authorize

    def check_authorization(self, pool, params: dict) -> Authorization:
        """The checks of the authorize endpoint, in the order that decides where errors go: until
        the client and its redirect URI are known to be good, errors stay on Cognito's domain
        (RFC 6749 4.1.2.1); after that they are sent to the redirect URI with ``state``."""
        client_id = params.get("client_id")
        redirect_uri = params.get("redirect_uri")
        if not client_id or not redirect_uri or not params.get("response_type"):
            # The /error page a request without them lands on (as seen in NASA-IMPACT/veda-data-airflow#170).
            raise Stop(self._to_error([("error", "Required parameters missing")]))
        client = pool.clients.get(client_id)
        if client is None:
            raise Stop(self._to_error([("error", "invalid_request"), ("error_description", "invalid client_id")]))
        config = client.extended_config
        if redirect_uri not in (config.get("CallbackURLs") or []):
            # Only registered callback URLs, compared exactly.
            raise Stop(self._to_error([("error", "redirect_mismatch"), ("client_id", client_id)]))
        state = params.get("state")

        def back(error: str) -> Stop:
            pairs = [("error", error)]
            if state is not None:
                pairs.append(("state", state))
            return Stop(redirect(with_query(redirect_uri, pairs)))

        if not config.get("AllowedOAuthFlowsUserPoolClient"):
            raise back("unauthorized_client")
        response_type = params["response_type"]
        flows = config.get("AllowedOAuthFlows") or []
        if response_type not in ("code", "token"):
            raise back("unsupported_response_type")
        if response_type == "token":
            # The implicit grant is not implemented by local-aws: said instead of answered wrongly.
            raise back("unauthorized_client" if "implicit" not in flows else "unsupported_response_type")
        if "code" not in flows:
            raise back("unauthorized_client")
        allowed = config.get("AllowedOAuthScopes") or []
        requested = params.get("scope")
        if requested is None:
            # "If you don't request any scopes, the authorization server assigns all scopes that are
            # associated with the client" (authorization endpoint, scope).
            scopes = list(allowed)
        else:
            scopes = []
            for scope in requested.split():
                if scope not in allowed:
                    raise back("invalid_scope")
                if scope not in scopes:
                    scopes.append(scope)
            if not scopes:
                raise back("invalid_scope")
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method")
        if challenge is not None or method is not None:
            # PKCE defines S256 and plain; Cognito's authorization endpoint supports only S256
            # (authorization endpoint, code_challenge_method; also AWS support on repost.aws:
            # "S256 ... is the only method Cognito supports").
            if method != "S256" or not challenge or not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
                raise back("invalid_request")
        provider = params.get("identity_provider")
        supported = config.get("SupportedIdentityProviders") or []
        if provider is not None and provider not in supported:
            raise back("invalid_request")
        if not supported:
            raise back("unauthorized_client")
        return Authorization(pool, client, redirect_uri, " ".join(scopes), state, params.get("nonce"), challenge, provider, params)

    def authorize(self, environ: dict, pool, prefix: str) -> Answer:
        params = self._query(environ)
        auth = self.check_authorization(pool, params)
        if auth.provider is not None and auth.provider != "COGNITO":
            idp = pool.identity_providers.get(auth.provider)
            if idp is not None and idp.extended_config.get("ProviderType") == "SAML":
                if self.saml is None:
                    return self.error_page("SAML federation is not configured")
                return self.saml.start(self, auth, prefix)
            if self.federation is None:
                return self.error_page("federation is not configured")
            return self.federation.start(self, auth, prefix)
        supported = auth.client.extended_config.get("SupportedIdentityProviders") or []
        with self.cognito._lock:
            session = self._session(environ, pool)
            if session is not None and session.provider in supported:
                # A signed-in browser (the "cognito" cookie) gets its code without signing in again.
                return self.finish(auth, session.username, session_id=None)
        return redirect("/login?" + urlencode(params))

    def _session(self, environ: dict, pool) -> HostedSession | None:
        sid = self._cookies(environ).get(SESSION_COOKIE)
        session = self.sessions.get(sid or "")
        if session is None or session.pool_id != pool.id or time.time() >= session.expires:
            return None
        user = pool._get_user(session.username)
        if user is None or not user.enabled:
            return None
        return session

    def finish(self, auth: Authorization, username: str, *, session_id: str | None, provider: str = "COGNITO") -> Answer:
        """Signed in: an authorization code to the redirect URI (and a new session cookie)."""
        code = str(uuid.uuid4())
        self.codes[code] = CodeGrant(
            auth.pool.id, auth.client.id, auth.redirect_uri, auth.scope, username,
            time.time() + self.cognito.settings.authorization_code_seconds, auth.challenge, auth.nonce,
        )
        extra = []
        if session_id is not None:
            self.sessions[session_id] = HostedSession(auth.pool.id, username, provider, time.time() + SESSION_SECONDS)
            extra.append(cookie(SESSION_COOKIE, session_id, SESSION_SECONDS))
        pairs = [("code", code)]
        if auth.state is not None:
            pairs.append(("state", auth.state))
        return redirect(with_query(auth.redirect_uri, pairs), extra)

    # ------------------------------------------------------------------ /login

    def login_page(self, environ: dict, pool, message: str | None = None, status: str = "200 OK") -> Answer:
        params = self._query(environ)
        auth = self.check_authorization(pool, params)
        return self._login_form(auth, message, status)

    def _login_form(self, auth: Authorization, message: str | None = None, status: str = "200 OK") -> Answer:
        xsrf = secrets.token_urlsafe(24)
        supported = auth.client.extended_config.get("SupportedIdentityProviders") or []
        parts = []
        if message:
            parts.append(f'<p role="alert" id="error">{html.escape(message)}</p>')
        if "COGNITO" in supported:
            parts.append(
                '<form method="post" action="/login">'
                + hidden(auth.params)
                + f'<input type="hidden" name="_csrf" value="{xsrf}">'
                + '<label>Username <input name="username" id="username" autocomplete="username" required></label> '
                + '<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label> '
                + '<button type="submit" id="signin" name="signInSubmitButton">Sign in</button></form>'
            )
        for provider in supported:
            if provider != "COGNITO":
                link = "/oauth2/authorize?" + urlencode({**auth.params, "identity_provider": provider})
                parts.append(f'<p><a class="idp" data-provider="{html.escape(provider)}" href="{html.escape(link)}">Continue with {html.escape(provider)}</a></p>')
        return page(status, "Sign in", "".join(parts), [cookie(XSRF_COOKIE, xsrf, STEP_SECONDS * 10)])

    def _check_xsrf(self, environ: dict, form: dict) -> None:
        expected = self._cookies(environ).get(XSRF_COOKIE)
        given = form.get("_csrf")
        if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
            raise Stop(self.error_page("Invalid request: the sign-in form has expired. Start again."))

    @staticmethod
    def _auth_params(form: dict) -> dict:
        skip = {"username", "password", "_csrf", "signInSubmitButton", "step", "code", "new_password"}
        return {k: v for k, v in form.items() if k not in skip}

    def login(self, environ: dict, pool) -> Answer:
        form = self._form(environ)
        self._check_xsrf(environ, form)
        auth = self.check_authorization(pool, self._auth_params(form))
        if "COGNITO" not in (auth.client.extended_config.get("SupportedIdentityProviders") or []):
            return self.error_page("unauthorized_client")
        username = form.get("username") or ""
        password = form.get("password") or ""
        with self.cognito._lock:
            user = self.cognito._find_user(pool, username) if username else None
            if user is None or user.password is None or not hmac.compare_digest(str(user.password).encode(), password.encode()):
                # The same words for an unknown user and a wrong password.
                return self._login_form(auth, "Incorrect username or password.")
            if not user.enabled:
                return self._login_form(auth, "User is disabled.")
            if user.status == UserStatus.UNCONFIRMED:
                return self._login_form(auth, "User is not confirmed.")
            if user.status == UserStatus.RESET_REQUIRED:
                return self._login_form(auth, "Password reset required for the user.")
            if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
                return self._step_form(pool, user, auth, "new-password")
            return self._after_password(pool, user, auth)

    def _after_password(self, pool, user, auth: Authorization) -> Answer:
        """MFA when the user has it (or the pool requires it), else signed in."""
        if pool.mfa_config in ("ON", "OPTIONAL"):
            methods = self.cognito._user_mfa_methods(pool, user)
            if methods:
                method = user.preferred_mfa_setting if user.preferred_mfa_setting in methods else methods[0]
                return self._step_form(pool, user, auth, "mfa", method)
            if pool.mfa_config == "ON":
                # Managed login would now set up an authenticator app; local-aws's pages do not (yet).
                return self.error_page("MFA setup during managed login is not supported by local-aws: set up MFA with the API first")
        return self.finish(auth, user.username, session_id=secrets.token_urlsafe(32))

    def _step_form(self, pool, user, auth: Authorization, kind: str, method: str | None = None,
                   step_id: str | None = None, message: str | None = None) -> Answer:
        if step_id is None:
            step_id = secrets.token_urlsafe(32)
            step = LoginStep(pool.id, user.username, auth.params, kind, time.time() + STEP_SECONDS, method)
            if method in ("SMS_MFA", "EMAIL_OTP"):
                attribute = "phone_number" if method == "SMS_MFA" else "email"
                step.code = f"{secrets.randbelow(10 ** 6):06d}"
                self.cognito.outbox.deliver(
                    to=_attr(user, attribute) or "", username=user.username, channel="SMS" if method == "SMS_MFA" else "EMAIL",
                    purpose="MFA", code=step.code, user_pool_id=pool.id,
                )
            self.steps[step_id] = step
        alert = f'<p role="alert" id="error">{html.escape(message)}</p>' if message else ""
        if kind == "mfa":
            label = {"SOFTWARE_TOKEN_MFA": "Code from your authenticator app", "SMS_MFA": "Code sent by SMS", "EMAIL_OTP": "Code sent by email"}[method or "SOFTWARE_TOKEN_MFA"]
            body = (
                f'{alert}<form method="post" action="/login/mfa"><input type="hidden" name="step" value="{step_id}">'
                f'<label>{label} <input name="code" id="code" inputmode="numeric" autocomplete="one-time-code" required></label> '
                '<button type="submit" id="verify">Sign in</button></form>'
            )
            return page("200 OK", "Multi-factor authentication", body)
        body = (
            f'{alert}<form method="post" action="/login/new-password"><input type="hidden" name="step" value="{step_id}">'
            '<label>New password <input name="new_password" id="new_password" type="password" autocomplete="new-password" required></label> '
            '<button type="submit" id="change">Change password</button></form>'
        )
        return page("200 OK", "Change password", body)

    def login_step(self, environ: dict, pool, kind: str) -> Answer:
        form = self._form(environ)
        with self.cognito._lock:
            step_id = form.get("step") or ""
            step = self.steps.get(step_id)
            if step is None or step.kind != kind or step.pool_id != pool.id:
                return self.error_page("Invalid session for the user.")
            if time.time() >= step.expires:
                self.steps.pop(step_id, None)
                return self.error_page("Invalid session for the user, session is expired.")
            auth = self.check_authorization(pool, step.params)
            user = pool._get_user(step.username)
            if user is None or not user.enabled:
                self.steps.pop(step_id, None)
                return self.error_page("User is disabled.")
            if kind == "new-password":
                new_password = form.get("new_password") or ""
                try:
                    self.cognito._validate_password(pool, new_password)
                except CognitoError as problem:
                    return self._step_form(pool, user, auth, kind, step_id=step_id, message=problem.message)
                self.steps.pop(step_id, None)
                user.password = new_password
                user.status = UserStatus.CONFIRMED
                return self._after_password(pool, user, auth)
            code = form.get("code") or ""
            if step.method == "SOFTWARE_TOKEN_MFA":
                state = self.cognito._mfa_state(pool, user)
                counter = totp.verify(state.totp_secret, code) if state.totp_secret else None
                ok = counter is not None and counter > state.last_counter
                if ok:
                    state.last_counter = counter
            else:
                ok = step.code is not None and hmac.compare_digest(step.code.encode(), code.encode())
            if not ok:
                step.failures += 1
                if step.failures >= self.cognito.settings.max_code_attempts:
                    self.steps.pop(step_id, None)
                    return self.error_page("Attempt limit exceeded, please try after some time.")
                return self._step_form(pool, user, auth, kind, step.method, step_id=step_id, message="Invalid code or auth state for the user.")
            self.steps.pop(step_id, None)
            return self.finish(auth, user.username, session_id=secrets.token_urlsafe(32))

    # ------------------------------------------------------------------ /oauth2/token

    def _client_auth(self, environ: dict, pool, form: dict):
        """The app client of a token/revoke request: ``client_id`` in the body, and for clients with a
        secret ``Authorization: Basic base64(client_id:client_secret)`` (token endpoint, Authorization)."""
        header = environ.get("HTTP_AUTHORIZATION") or ""
        basic_id = basic_secret = None
        if header:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "basic":
                raise Stop(oauth_error("invalid_client"))
            try:
                basic_id, sep, basic_secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                raise Stop(oauth_error("invalid_client")) from None
            if not sep:
                raise Stop(oauth_error("invalid_client"))
        client_id = form.get("client_id") or basic_id
        if not client_id:
            raise Stop(oauth_error("invalid_request"))
        if basic_id is not None and form.get("client_id") and form["client_id"] != basic_id:
            raise Stop(oauth_error("invalid_client"))
        client = pool.clients.get(client_id)
        if client is None:
            raise Stop(oauth_error("invalid_client"))
        if client.generate_secret:
            if basic_secret is None or not hmac.compare_digest(basic_secret.encode(), client.secret.encode()):
                raise Stop(oauth_error("invalid_client"))
        elif basic_secret:
            raise Stop(oauth_error("invalid_client"))
        return client

    def token(self, environ: dict, pool) -> Answer:
        form = self._form(environ)
        grant_type = form.get("grant_type")
        if not grant_type:
            return oauth_error("invalid_request")
        client = self._client_auth(environ, pool, form)
        config = client.extended_config
        if grant_type == "authorization_code":
            return self._code_grant(pool, client, form)
        if grant_type == "refresh_token":
            return self._refresh_grant(pool, client, form)
        if grant_type == "client_credentials":
            # Machine-to-machine access needs resource servers, which local-aws does not model.
            return oauth_error("unauthorized_client" if "client_credentials" not in (config.get("AllowedOAuthFlows") or []) else "unsupported_grant_type")
        return oauth_error("unsupported_grant_type")

    def _code_grant(self, pool, client, form: dict) -> Answer:
        code = form.get("code")
        redirect_uri = form.get("redirect_uri")
        if not code or not redirect_uri:
            return oauth_error("invalid_request")
        config = client.extended_config
        if not config.get("AllowedOAuthFlowsUserPoolClient") or "code" not in (config.get("AllowedOAuthFlows") or []):
            return oauth_error("unauthorized_client")
        with self.cognito._lock:
            grant = self.codes.get(code)
            # "Authorization code has been consumed already or does not exist" -> invalid_grant.
            if grant is None or grant.used or grant.pool_id != pool.id or grant.client_id != client.id:
                return oauth_error("invalid_grant")
            grant.used = True  # single use, whatever happens next
            if time.time() >= grant.expires or grant.redirect_uri != redirect_uri:
                return oauth_error("invalid_grant")
            if grant.challenge is not None:
                verifier = form.get("code_verifier")
                if not verifier:
                    return oauth_error("invalid_request")
                if not hmac.compare_digest(pkce_s256(verifier), grant.challenge):
                    return oauth_error("invalid_grant")
            user = pool._get_user(grant.username)
            if user is None or not user.enabled:
                return oauth_error("invalid_grant")
            scopes = grant.scope.split()
            claims = {"nonce": grant.nonce} if grant.nonce is not None else {}
            result = self.cognito._issue(pool, client, user, scope=grant.scope, id_claims=claims, at_hash=True, id_token="openid" in scopes)
        return json_answer("200 OK", self._token_json(result))

    @staticmethod
    def _token_json(result: dict) -> dict:
        answer = {}
        if "IdToken" in result:
            answer["id_token"] = result["IdToken"]
        answer["access_token"] = result["AccessToken"]
        if "RefreshToken" in result:
            answer["refresh_token"] = result["RefreshToken"]
        answer["expires_in"] = result["ExpiresIn"]
        answer["token_type"] = "Bearer"
        return answer

    def _refresh_grant(self, pool, client, form: dict) -> Answer:
        token = form.get("refresh_token")
        if not token:
            return oauth_error("invalid_request")
        # Managed-login users "can always refresh their tokens from the token endpoint" (token endpoint),
        # whatever the client's ExplicitAuthFlows say.
        with self.cognito._lock:
            try:
                record = self.cognito._refresh_record(client, token)
                user = self.cognito._refresh_user(pool, record)
            except CognitoError:
                # "Refresh token has been revoked" / unknown / expired -> invalid_grant.
                return oauth_error("invalid_grant")
            rotating, grace = self.cognito._rotation(client)
            now = time.time()
            if record.rotated_at is not None and now > record.rotated_at + grace:
                return oauth_error("invalid_grant")
            if rotating:
                if record.rotated_at is None:
                    record.rotated_at = now
                result = self.cognito._issue(pool, client, user, record=record, new_refresh=True, at_hash=True, id_token="openid" in record.scope.split())
            else:
                result = self.cognito._issue(pool, client, user, record=record, new_refresh=False, at_hash=True, id_token="openid" in record.scope.split())
        return json_answer("200 OK", self._token_json(result))

    # ------------------------------------------------------------------ /oauth2/userInfo

    def user_info(self, environ: dict, pool) -> Answer:
        header = environ.get("HTTP_AUTHORIZATION") or ""
        scheme, _, token = header.partition(" ")

        def invalid() -> Answer:
            return json_answer(
                "401 Unauthorized",
                {"error": "invalid_token", "error_description": "Access token is expired, disabled, or deleted, or the user has globally signed out."},
                [("WWW-Authenticate", 'Bearer error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."')],
            )

        if scheme.lower() != "bearer" or not token.strip():
            return json_answer("400 Bad Request", {"error": "invalid_request"}, [("WWW-Authenticate", 'Bearer error="invalid_request"')])
        with self.cognito._lock:
            record = self.cognito.access.get(token.strip())
            if record is None or record.revoked or time.time() >= record.expires or record.pool_id != pool.id:
                return invalid()
            user = pool._get_user(record.username)
            if user is None or not user.enabled:
                return invalid()
            scopes = record.scope.split()
            if "openid" not in scopes and API_SCOPE not in scopes:
                # The userInfo endpoint answers for tokens with openid (OAuth sign-in) or
                # aws.cognito.signin.user.admin (all attributes) (userInfo endpoint, "Request").
                return json_answer("403 Forbidden", {"error": "insufficient_scope"}, [("WWW-Authenticate", 'Bearer error="insufficient_scope"')])
            client = pool.clients.get(record.client_id)
            readable = (client.extended_config.get("ReadAttributes") if client is not None else None) or None
            answer: dict[str, Any] = {}
            for attribute in user.attributes:
                name, value = attribute["Name"], attribute["Value"]
                if readable and name not in readable and name != "sub":
                    continue
                if name == "sub":
                    pass
                elif API_SCOPE in scopes or "profile" in scopes:
                    pass  # every readable attribute
                elif name in EMAIL_SCOPE_ATTRIBUTES:
                    if "email" not in scopes:
                        continue
                elif name in PHONE_SCOPE_ATTRIBUTES:
                    if "phone" not in scopes:
                        continue
                else:
                    continue
                answer[name] = value
            answer["username"] = user.username
        return json_answer("200 OK", answer)

    # ------------------------------------------------------------------ /oauth2/revoke

    def revoke(self, environ: dict, pool) -> Answer:
        form = self._form(environ)
        token = form.get("token")
        if not token:
            return oauth_error("invalid_request")
        client = self._client_auth(environ, pool, form)
        if client.extended_config.get("EnableTokenRevocation") is False:
            return oauth_error("unsupported_token_type")
        with self.cognito._lock:
            if token in self.cognito.access or token.count(".") == 2:
                # "Only refresh tokens can be revoked" (RevokeToken): the endpoint answers in OAuth's words.
                return oauth_error("unsupported_token_type")
            record = self.cognito.refresh.get(token)
            if record is None:
                return "200 OK", [("Content-Length", "0")], b""  # RFC 7009 2.2: unknown tokens are no error
            if record.client_id != client.id:
                return oauth_error("invalid_request")
            for other in list(self.cognito.refresh.values()):
                if other.family == record.family:
                    self.cognito._revoke_refresh(other)
        return "200 OK", [("Content-Length", "0")], b""

    # ------------------------------------------------------------------ /logout

    def logout(self, environ: dict, pool) -> Answer:
        params = self._query(environ)
        client = pool.clients.get(params.get("client_id") or "")
        if client is None:
            return self._to_error([("error", "Required parameters missing")]) if not params.get("client_id") else self._to_error([("error", "invalid_request"), ("error_description", "invalid client_id")])
        clear = [cookie(SESSION_COOKIE, "", 0)]
        logout_uri = params.get("logout_uri")
        if logout_uri is not None:
            if logout_uri not in (client.extended_config.get("LogoutURLs") or []):
                # Only an "Allowed sign-out URL" of the app client is redirected to.
                return self._to_error([("error", "redirect_mismatch"), ("client_id", client.id)])
            self._end_session(environ)
            return redirect(logout_uri, clear)
        if params.get("redirect_uri") is not None:
            # Sign out, then back to sign-in with the login endpoint's parameters.
            self.check_authorization(pool, {k: v for k, v in params.items() if k != "logout_uri"})
            self._end_session(environ)
            return redirect("/login?" + urlencode(params), clear)
        return self._to_error([("error", "Required parameters missing")])

    def _end_session(self, environ: dict) -> None:
        sid = self._cookies(environ).get(SESSION_COOKIE)
        with self.cognito._lock:
            self.sessions.pop(sid or "", None)

    # ------------------------------------------------------------------ discovery on the API endpoint

    def well_known(self, environ: dict) -> Answer | None:
        match = WELL_KNOWN.match(environ.get("PATH_INFO") or "")
        if match is None or environ.get("REQUEST_METHOD", "GET").upper() not in ("GET", "HEAD"):
            return None
        with self.cognito._lock:
            try:
                pool = self.cognito._pool(match.group(1))
            except CognitoError:
                return json_answer("404 Not Found", {"message": f"User pool {match.group(1)} does not exist."})
            prefix = self.domain_of_pool(pool.id)
        issuer = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"
        document: dict[str, Any] = {
            "issuer": issuer,
            "jwks_uri": f"{self.endpoint}/{pool.id}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }
        if prefix is not None:
            origin = self.origin(prefix)
            document.update(
                authorization_endpoint=f"{origin}/oauth2/authorize",
                token_endpoint=f"{origin}/oauth2/token",
                userinfo_endpoint=f"{origin}/oauth2/userInfo",
                revocation_endpoint=f"{origin}/oauth2/revoke",
                end_session_endpoint=f"{origin}/logout",
            )
        return json_answer("200 OK", document)
