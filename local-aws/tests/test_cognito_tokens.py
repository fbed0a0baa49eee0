"""RevokeToken, GlobalSignOut, GetTokensFromRefreshToken with rotation, token lifetimes."""

from __future__ import annotations

import time

from cognito_helpers import idp, jwt_claims, new_user, password_login, refused

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def _client(state, name, **config):
    return idp(state).create_user_pool_client(
        UserPoolId=state["userPoolId"], ClientName=name, ExplicitAuthFlows=FLOWS, PreventUserExistenceErrors="ENABLED", **config
    )["UserPoolClient"]["ClientId"]


def _login(state, username, client_id=None):
    client_id = client_id or state["clientId"]
    return idp(state).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username, "PASSWORD": "Test-Passw0rd!"}
    )["AuthenticationResult"]


def _refresh(state, refresh_token, client_id=None):
    return idp(state).initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id or state["clientId"], AuthParameters={"REFRESH_TOKEN": refresh_token}
    )


def test_refresh_token_auth_and_get_tokens_without_rotation(cognito_server):
    state = cognito_server
    new_user(state, "refresh@example.com")
    tokens = _login(state, "refresh@example.com")
    refreshed = _refresh(state, tokens["RefreshToken"])["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert jwt_claims(refreshed["AccessToken"])["origin_jti"] == jwt_claims(tokens["AccessToken"])["origin_jti"]
    assert idp(state).get_user(AccessToken=refreshed["AccessToken"])["Username"] == "refresh@example.com"
    result = idp(state).get_tokens_from_refresh_token(RefreshToken=tokens["RefreshToken"], ClientId=state["clientId"])["AuthenticationResult"]
    assert "RefreshToken" not in result and result["IdToken"]
    error = refused(_refresh, state, tokens["RefreshToken"] + "x")
    assert error == {"Code": "NotAuthorizedException", "Message": "Invalid Refresh Token"}
    error = refused(idp(state).get_user, AccessToken=tokens["IdToken"])
    assert error == {"Code": "NotAuthorizedException", "Message": "Invalid Access Token"}


def test_revoke_token_then_refresh_fails(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "revoke@example.com")
    tokens = _login(state, "revoke@example.com")
    refreshed = _refresh(state, tokens["RefreshToken"])["AuthenticationResult"]
    other = _login(state, "revoke@example.com")  # a second sign-in stays valid
    error = refused(client.revoke_token, Token=tokens["AccessToken"], ClientId=state["clientId"])
    assert error["Code"] == "UnsupportedTokenTypeException"
    client.revoke_token(Token=tokens["RefreshToken"], ClientId=state["clientId"])
    error = refused(_refresh, state, tokens["RefreshToken"])
    assert error == {"Code": "NotAuthorizedException", "Message": "Refresh Token has been revoked"}
    for access in (tokens["AccessToken"], refreshed["AccessToken"]):
        error = refused(client.get_user, AccessToken=access)
        assert error == {"Code": "NotAuthorizedException", "Message": "Access Token has been revoked"}
    # moto's own operations refuse it too
    error = refused(client.update_user_attributes, AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "name", "Value": "x"}])
    assert error["Code"] == "NotAuthorizedException"
    assert client.get_user(AccessToken=other["AccessToken"])["Username"] == "revoke@example.com"
    assert "AuthenticationResult" in _refresh(state, other["RefreshToken"])


def test_global_sign_out_then_get_user_fails(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "signout@example.com")
    first = _login(state, "signout@example.com")
    second = _login(state, "signout@example.com")
    assert client.get_user(AccessToken=first["AccessToken"])["Username"] == "signout@example.com"
    client.global_sign_out(AccessToken=first["AccessToken"])
    for tokens in (first, second):
        error = refused(client.get_user, AccessToken=tokens["AccessToken"])
        assert error == {"Code": "NotAuthorizedException", "Message": "Access Token has been revoked"}
        error = refused(_refresh, state, tokens["RefreshToken"])
        assert error == {"Code": "NotAuthorizedException", "Message": "Refresh Token has been revoked"}
    error = refused(client.global_sign_out, AccessToken=first["AccessToken"])
    assert error["Code"] == "NotAuthorizedException"
    fresh = _login(state, "signout@example.com")
    assert client.get_user(AccessToken=fresh["AccessToken"])["Username"] == "signout@example.com"
    client.admin_user_global_sign_out(UserPoolId=state["userPoolId"], Username="signout@example.com")
    assert refused(client.get_user, AccessToken=fresh["AccessToken"])["Message"] == "Access Token has been revoked"


def test_admin_disable_user_revokes_tokens(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "disable@example.com")
    tokens = _login(state, "disable@example.com")
    client.admin_disable_user(UserPoolId=state["userPoolId"], Username="disable@example.com")
    assert refused(client.get_user, AccessToken=tokens["AccessToken"])["Code"] == "NotAuthorizedException"
    assert refused(_login, state, "disable@example.com") == {"Code": "NotAuthorizedException", "Message": "User is disabled."}
    client.admin_enable_user(UserPoolId=state["userPoolId"], Username="disable@example.com")
    assert _login(state, "disable@example.com")["AccessToken"]


def test_rotation_returns_new_refresh_token_and_refuses_old_after_grace(cognito_server):
    state = cognito_server
    client = idp(state)
    client_id = _client(state, "rotating", RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 2})
    new_user(state, "rotate@example.com")
    original = _login(state, "rotate@example.com", client_id)["RefreshToken"]
    # REFRESH_TOKEN_AUTH is not available with rotation on
    assert refused(_refresh, state, original, client_id)["Code"] == "NotAuthorizedException"
    rotated = client.get_tokens_from_refresh_token(RefreshToken=original, ClientId=client_id)["AuthenticationResult"]
    assert rotated["RefreshToken"] and rotated["RefreshToken"] != original
    # within the grace period the old token still works (client retries)
    retry = client.get_tokens_from_refresh_token(RefreshToken=original, ClientId=client_id)["AuthenticationResult"]
    assert retry["AccessToken"]
    time.sleep(2.2)
    error = refused(client.get_tokens_from_refresh_token, RefreshToken=original, ClientId=client_id)
    assert error["Code"] == "RefreshTokenReuseException"
    again = client.get_tokens_from_refresh_token(RefreshToken=rotated["RefreshToken"], ClientId=client_id)["AuthenticationResult"]
    assert again["RefreshToken"] not in (original, rotated["RefreshToken"])
    # revoking the newest token revokes the whole chain
    client.revoke_token(Token=again["RefreshToken"], ClientId=client_id)
    error = refused(client.get_tokens_from_refresh_token, RefreshToken=again["RefreshToken"], ClientId=client_id)
    assert error["Message"] == "Refresh Token has been revoked"


def test_rotation_without_grace_refuses_old_token_at_once(cognito_server):
    state = cognito_server
    client = idp(state)
    client_id = _client(state, "rotating-no-grace", RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0})
    new_user(state, "rotate0@example.com")
    original = _login(state, "rotate0@example.com", client_id)["RefreshToken"]
    client.get_tokens_from_refresh_token(RefreshToken=original, ClientId=client_id)
    time.sleep(0.05)
    error = refused(client.get_tokens_from_refresh_token, RefreshToken=original, ClientId=client_id)
    assert error["Code"] == "RefreshTokenReuseException"


def test_token_lifetimes_follow_the_app_client(cognito_server):
    state = cognito_server
    client = idp(state)
    client_id = _client(
        state,
        "short-lived",
        AccessTokenValidity=1,
        IdTokenValidity=1,
        RefreshTokenValidity=3,
        TokenValidityUnits={"AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "seconds"},
    )
    new_user(state, "short@example.com")
    tokens = _login(state, "short@example.com", client_id)
    assert tokens["ExpiresIn"] == 1
    claims = jwt_claims(tokens["AccessToken"])
    assert claims["exp"] - claims["iat"] == 1 and claims["token_use"] == "access" and claims["client_id"] == client_id
    time.sleep(1.1)
    assert refused(client.get_user, AccessToken=tokens["AccessToken"]) == {"Code": "NotAuthorizedException", "Message": "Access Token has expired"}
    assert "AuthenticationResult" in _refresh(state, tokens["RefreshToken"], client_id)
    time.sleep(2.0)
    assert refused(_refresh, state, tokens["RefreshToken"], client_id) == {"Code": "NotAuthorizedException", "Message": "Refresh Token has expired"}


def test_default_lifetimes(cognito_server):
    tokens = password_login(cognito_server, cognito_server["users"][0]["username"], cognito_server["users"][0]["password"])["AuthenticationResult"]
    assert tokens["ExpiresIn"] == 3600
    claims = jwt_claims(tokens["IdToken"])
    assert claims["exp"] - claims["iat"] == 3600 and claims["token_use"] == "id" and claims["aud"] == cognito_server["clientId"]
