"""The OAuth 2.0 settings of app clients (CreateUserPoolClient / UpdateUserPoolClient), checked as
Cognito checks them before managed login (oauth.py) relies on them.

moto stores whatever it is given and merges updates into the old settings. Cognito refuses
callback URLs that are not HTTPS (except ``http://localhost``), unknown scopes, flows and identity
providers, and UpdateUserPoolClient *replaces* the settings: "If you don't provide a value for an
attribute, Amazon Cognito sets it to its default value"
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html).
So a test that registers its callback URL reads the client first (DescribeUserPoolClient) and sends
the whole configuration back, as AWS asks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .service import CognitoError

# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
OAUTH_FLOWS = {"code", "implicit", "client_credentials"}
STANDARD_SCOPES = {"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}
MAX_URLS = 100
MAX_URL_LENGTH = 1024
# moto's defaults for a new app client (CognitoIdpUserPoolClient.__init__), which are Cognito's.
CLIENT_DEFAULTS: dict[str, Any] = {
    "AllowedOAuthFlowsUserPoolClient": False,
    "AuthSessionValidity": 3,
    "EnablePropagateAdditionalUserContextData": False,
    "EnableTokenRevocation": True,
    "RefreshTokenValidity": 30,
}


def _invalid(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def check_url(url: Any, field: str) -> None:
    """"A redirect URI must: Be an absolute URI. ... Not include a fragment component. ...
    Amazon Cognito requires HTTPS over HTTP except for http://localhost for testing purposes only.
    App callback URLs such as myapp://example are also supported." (CreateUserPoolClient, CallbackURLs)"""
    if not isinstance(url, str) or not 1 <= len(url) <= MAX_URL_LENGTH:
        raise _invalid(f"{field} must be strings of 1 to {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.hostname):
        raise _invalid(f"{field} must be absolute URIs: {url}")
    if parts.fragment or "#" in url:
        raise _invalid(f"{field} cannot contain a fragment: {url}")
    if parts.scheme == "http" and parts.hostname != "localhost":
        raise _invalid(f"{field} must use HTTPS unless the host is localhost: {url}")


def _string_list(params: dict, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(f"{name} must be a list of strings")
    return value


def validate_oauth(pool, params: dict) -> None:
    """The OAuth fields of a Create/UpdateUserPoolClient request, against the pool."""
    callbacks = _string_list(params, "CallbackURLs") or []
    logouts = _string_list(params, "LogoutURLs") or []
    for name, urls in (("CallbackURLs", callbacks), ("LogoutURLs", logouts)):
        if len(urls) > MAX_URLS:
            raise _invalid(f"{name} can have at most {MAX_URLS} entries")
        for url in urls:
            check_url(url, name)
    default = params.get("DefaultRedirectURI")
    if default is not None:
        check_url(default, "DefaultRedirectURI")
        if default not in callbacks:
            raise _invalid("DefaultRedirectURI must be one of the CallbackURLs")
    flows = _string_list(params, "AllowedOAuthFlows") or []
    for flow in flows:
        if flow not in OAUTH_FLOWS:
            raise _invalid(
                f"1 validation error detected: Value '[{', '.join(flows)}]' at 'allowedOAuthFlows' failed to satisfy "
                "constraint: Member must satisfy enum value set: [implicit, client_credentials, code]"
            )
    if "client_credentials" in flows and len(flows) > 1:
        raise _invalid("client_credentials flow can not be selected along with code flow or implicit flow.")
    scopes = _string_list(params, "AllowedOAuthScopes") or []
    custom = {
        f"{server.identifier}/{scope['ScopeName']}"
        for server in getattr(pool, "resource_servers", {}).values()
        for scope in (server.scopes or [])
    }
    for scope in scopes:
        if scope not in STANDARD_SCOPES and scope not in custom:
            raise _invalid(f"{scope} is not a valid scope")
    for provider in _string_list(params, "SupportedIdentityProviders") or []:
        if provider != "COGNITO" and provider not in pool.identity_providers:
            raise _invalid(f"The provider {provider} does not exist for User Pool {pool.id}")
    if params.get("AllowedOAuthFlowsUserPoolClient"):
        if not flows:
            raise _invalid("AllowedOAuthFlows must be set when AllowedOAuthFlowsUserPoolClient is true")
        if not scopes:
            raise _invalid("AllowedOAuthScopes must be set when AllowedOAuthFlowsUserPoolClient is true")
        if {"code", "implicit"} & set(flows) and not callbacks:
            raise _invalid("CallbackURLs must be set for the code and implicit flows")


def create_user_pool_client(layer, params: dict) -> None:
    """Checks the OAuth fields; moto then creates the client (None: moto answers)."""
    pool = layer._pool(params.get("UserPoolId"))
    validate_oauth(pool, params)
    return None


def update_user_pool_client(layer, params: dict) -> dict:
    """Replaces the client's settings (defaults for what the request leaves out), after the checks."""
    pool, client = layer._client(params.get("ClientId"), params.get("UserPoolId"))
    validate_oauth(pool, params)
    settings = dict(CLIENT_DEFAULTS)
    settings["ClientName"] = params.get("ClientName") or client.extended_config.get("ClientName")
    settings.update({k: v for k, v in params.items() if k not in ("UserPoolId", "ClientId", "ClientName")})
    client.extended_config = settings
    return {"UserPoolClient": client.to_json(extended=True)}
