"""Federation: a user pool as an OpenID Connect relying party of an upstream IdP (authorization
code flow), as Cognito does for ``identity_provider=<name>`` on /oauth2/authorize.

* https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-oidc-flow.html
* https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html

The user is sent to the IdP's authorization endpoint (from its discovery document) with our
``state``, ``nonce`` and a PKCE challenge; the IdP sends them back to ``/oauth2/idpresponse``, where
the code is exchanged (client secret as HTTP Basic), the ID token is checked (RS256 against the
IdP's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``) and the userinfo endpoint is read. The first
sign-in creates the user ``<ProviderName>_<sub>`` (status ``EXTERNAL_PROVIDER``) with the
provider's ``AttributeMapping`` applied and the ``identities`` attribute; later sign-ins update
the mapped attributes. An IdP error (``error=access_denied`` when the user denies consent) is
relayed to the app's redirect URI with the app's ``state``.

Provider types: ``OIDC`` (``ProviderDetails.oidc_issuer``) and ``Google``. Real Cognito's Google
endpoints are fixed (accounts.google.com); local-aws cannot reach Google, so a ``Google`` provider
federates to the local IdP named in config.json (``hostedUi.googleIssuer``: the local
oidc-provider process, see idp.py).
"""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from moto.cognitoidp.models import CognitoIdpUser

from ..identity import jwt
from .oauth import Answer, Authorization, HostedUi, pkce_s256, redirect, with_query

PENDING_SECONDS = 600
# Cognito's default authorize_scopes for Google; OIDC providers name theirs in ProviderDetails.
DEFAULT_SCOPES = {"Google": "profile email openid", "OIDC": "openid"}


class FederationError(Exception):
    """The IdP answered something we cannot accept (said on an error page, never the tokens)."""


@dataclass
class Pending:
    auth: Authorization
    provider: str
    issuer: str
    nonce: str
    verifier: str
    redirect_uri: str
    expires: float


class Federation:
    def __init__(self, google_issuer: str | None) -> None:
        self.google_issuer = google_issuer
        self.pending: dict[str, Pending] = {}
        self._documents: dict[str, dict] = {}
        self._keys: dict[str, dict] = {}

    # ------------------------------------------------------------------ HTTP to the IdP

    @staticmethod
    def _http(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None) -> tuple[int, bytes]:
        parts = urlsplit(url)
        # The local IdP's issuer is http://localhost:PORT; connect to loopback by address, keep the Host.
        host = "127.0.0.1" if parts.hostname == "localhost" else parts.hostname or ""
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = connection_class(host, parts.port, timeout=15)
        try:
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            conn.request(method, target, body=body, headers={"Host": parts.netloc, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read()
        except OSError as failure:
            raise FederationError(f"the identity provider cannot be reached ({type(failure).__name__})") from None
        finally:
            conn.close()

    def _json(self, method: str, url: str, **kwargs) -> dict:
        status, body = self._http(method, url, **kwargs)
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if status != 200 or not isinstance(data, dict):
            error = data.get("error") if isinstance(data, dict) else None
            raise FederationError(f"the identity provider answered {status}" + (f" ({error})" if error else ""))
        return data

    def discovery(self, issuer: str) -> dict:
        if issuer not in self._documents:
            document = self._json("GET", issuer.rstrip("/") + "/.well-known/openid-configuration")
            if document.get("issuer") != issuer:
                raise FederationError("the identity provider's discovery document names another issuer")
            self._documents[issuer] = document
        return self._documents[issuer]

    def _jwks(self, issuer: str, refresh: bool = False) -> dict:
        if refresh or issuer not in self._keys:
            self._keys[issuer] = self._json("GET", self.discovery(issuer)["jwks_uri"])
        return self._keys[issuer]

    # ------------------------------------------------------------------ provider settings

    def _provider(self, pool, name: str):
        provider = pool.identity_providers.get(name)
        if provider is None:
            raise FederationError(f"the identity provider {name} does not exist")
        config = provider.extended_config
        kind = config.get("ProviderType")
        details = config.get("ProviderDetails") or {}
        if kind == "OIDC":
            issuer = details.get("oidc_issuer")
        elif kind == "Google":
            issuer = self.google_issuer
        else:
            raise FederationError(f"local-aws cannot federate to {kind} providers")
        if not issuer or not details.get("client_id"):
            raise FederationError(f"the identity provider {name} is not configured")
        return provider, kind, details, issuer

    # ------------------------------------------------------------------ /oauth2/authorize -> IdP

    def start(self, hosted: HostedUi, auth: Authorization, prefix: str) -> Answer:
        try:
            _, kind, details, issuer = self._provider(auth.pool, auth.provider or "")
            document = self.discovery(issuer)
        except FederationError as problem:
            return hosted.error_page(str(problem))
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        redirect_uri = f"{hosted.origin(prefix)}/oauth2/idpresponse"
        with hosted.cognito._lock:
            self.pending[state] = Pending(auth, auth.provider or "", issuer, nonce, verifier, redirect_uri, time.time() + PENDING_SECONDS)
            for key in [k for k, v in self.pending.items() if v.expires < time.time()]:
                del self.pending[key]
        challenge = pkce_s256(verifier)
        query = {
            "client_id": details["client_id"],
            "response_type": "code",
            "scope": details.get("authorize_scopes") or DEFAULT_SCOPES[kind],
            "redirect_uri": redirect_uri,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return redirect(with_query(document["authorization_endpoint"], list(query.items())))

    # ------------------------------------------------------------------ IdP -> /oauth2/idpresponse

    def idp_response(self, hosted: HostedUi, environ: dict, pool, prefix: str) -> Answer:
        if environ.get("REQUEST_METHOD", "GET").upper() == "POST":
            params = hosted._form(environ)  # response_mode=form_post
        else:
            params = hosted._query(environ)
        with hosted.cognito._lock:
            pending = self.pending.pop(params.get("state") or "", None)
        if pending is None or pending.auth.pool.id != pool.id or time.time() >= pending.expires:
            return hosted.error_page("invalid_state")
        auth = pending.auth
        if params.get("error"):
            # The IdP's error goes to the app, with the app's state (its description passed along).
            pairs = [("error_description", params.get("error_description") or params["error"]), ("error", params["error"])]
            if auth.state is not None:
                pairs.append(("state", auth.state))
            return redirect(with_query(auth.redirect_uri, pairs))
        code = params.get("code")
        if not code:
            return hosted.error_page("invalid_request")
        try:
            provider, kind, details, issuer = self._provider(pool, pending.provider)
            claims = self._redeem(provider, details, pending, code)
        except FederationError as problem:
            pairs = [("error_description", str(problem)), ("error", "server_error")]
            if auth.state is not None:
                pairs.append(("state", auth.state))
            return redirect(with_query(auth.redirect_uri, pairs))
        with hosted.cognito._lock:
            user = self._federated_user(pool, pending.provider, kind, provider, claims)
            return hosted.finish(auth, user.username, session_id=secrets.token_urlsafe(32), provider=pending.provider)

    def _redeem(self, provider, details: dict, pending: Pending, code: str) -> dict:
        document = self.discovery(pending.issuer)
        basic = base64.b64encode(f"{details['client_id']}:{details.get('client_secret', '')}".encode()).decode()
        tokens = self._json(
            "POST",
            document["token_endpoint"],
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode(
                {"grant_type": "authorization_code", "code": code, "redirect_uri": pending.redirect_uri, "code_verifier": pending.verifier}
            ).encode(),
        )
        claims = self._check_id_token(tokens.get("id_token"), details["client_id"], pending)
        if tokens.get("access_token") and document.get("userinfo_endpoint"):
            info = self._json("GET", document["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
            if info.get("sub") != claims["sub"]:
                raise FederationError("the identity provider's userinfo is about another user")
            claims = {**claims, **info}
        return claims

    def _check_id_token(self, token: Any, client_id: str, pending: Pending) -> dict:
        try:
            parsed = jwt.parse(token)
        except jwt.MalformedToken:
            raise FederationError("the identity provider sent no valid ID token") from None
        if not jwt.verify_signature(parsed, self._jwks(pending.issuer)) and not jwt.verify_signature(parsed, self._jwks(pending.issuer, refresh=True)):
            raise FederationError("the identity provider's ID token signature does not verify")
        claims = parsed.claims
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("iss") != pending.issuer or client_id not in audiences:
            raise FederationError("the identity provider's ID token is for another issuer or audience")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
            raise FederationError("the identity provider's ID token has expired")
        if claims.get("nonce") != pending.nonce:
            raise FederationError("the identity provider's ID token has the wrong nonce")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise FederationError("the identity provider's ID token has no sub")
        return claims

    # ------------------------------------------------------------------ the federated user

    @staticmethod
    def _mapped(provider, claims: dict) -> tuple[str, list[dict]]:
        mapping = provider.extended_config.get("AttributeMapping") or {"username": "sub"}
        subject = claims.get(mapping.get("username", "sub")) or claims["sub"]
        attributes = []
        for pool_attribute, claim in mapping.items():
            if pool_attribute == "username" or claim not in claims or claims[claim] is None:
                continue
            value = claims[claim]
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif not isinstance(value, str):
                value = json.dumps(value)
            attributes.append({"Name": pool_attribute, "Value": value})
        return str(subject), attributes

    def _federated_user(self, pool, name: str, kind: str, provider, claims: dict):
        subject, attributes = self._mapped(provider, claims)
        # "issuer" is null for social and OIDC providers here (SAML providers name theirs).
        return federated_user(pool, name, kind, subject, attributes, None)


def federated_user(pool, name: str, kind: str, subject: str, attributes: list[dict], issuer: str | None):
    """The user ``<ProviderName>_<subject>``: created at the first sign-in (``EXTERNAL_PROVIDER``,
    no password, the mapped attributes and ``identities``), its mapped attributes updated later."""
    username = f"{name}_{subject}"
    user = pool._get_user(username)
    if user is None:
        # Cognito's "identities" attribute (a JSON string; the ID token carries it as an array).
        identities = [
            {
                "dateCreated": str(int(time.time() * 1000)),
                "userId": subject,
                "providerName": name,
                "providerType": kind,
                "issuer": issuer,
                "primary": "true",
            }
        ]
        user = CognitoIdpUser(pool.id, username, None, "EXTERNAL_PROVIDER", attributes + [{"Name": "identities", "Value": json.dumps(identities)}])
        pool.users[username] = user
    elif attributes:
        # Mapped attributes are updated from the IdP at every sign-in.
        user.update_attributes(attributes)
    return user
