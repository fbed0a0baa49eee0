"""SECRET_HASH on the app client with a secret; none needed on the public client."""

from __future__ import annotations

import pytest

from cognito_helpers import SrpClient, idp, last_code, new_user, password_login, refused, secret_hash


@pytest.fixture(scope="module")
def secret(cognito_server):
    state = cognito_server
    assert state["clientWithSecretId"] != state["clientId"]
    described = idp(state).describe_user_pool_client(UserPoolId=state["userPoolId"], ClientId=state["clientWithSecretId"])
    assert described["UserPoolClient"]["ClientSecret"] == state["clientSecret"]
    return state["clientWithSecretId"], state["clientSecret"]


def _hash(secret, username):
    client_id, client_secret = secret
    return secret_hash(client_secret, username, client_id)


def _bad(secret, username):
    return _hash(secret, username + "x")


def test_password_auth(cognito_server, secret):
    state = cognito_server
    user = state["users"][0]
    client_id = secret[0]

    def login(**extra):
        return idp(state).initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters=dict({"USERNAME": user["username"], "PASSWORD": user["password"]}, **extra)
        )

    error = refused(login)
    assert error["Code"] == "NotAuthorizedException" and client_id in error["Message"]
    error = refused(login, SECRET_HASH=_bad(secret, user["username"]))
    assert error == {"Code": "NotAuthorizedException", "Message": f"Unable to verify secret hash for client {client_id}"}
    assert "AuthenticationResult" in login(SECRET_HASH=_hash(secret, user["username"]))
    # the public client needs none
    assert "AuthenticationResult" in password_login(state, user["username"], user["password"])


def test_srp_auth_hash_on_both_steps(cognito_server, secret):
    state = cognito_server
    user = state["users"][0]
    client = idp(state)
    client_id = secret[0]
    good = _hash(secret, user["username"])
    srp_client = SrpClient(state["userPoolId"])
    assert refused(client.initiate_auth, AuthFlow="USER_SRP_AUTH", ClientId=client_id, AuthParameters={"USERNAME": user["username"], "SRP_A": srp_client.srp_a})["Code"] == "NotAuthorizedException"

    def start():
        return client.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=client_id, AuthParameters={"USERNAME": user["username"], "SRP_A": srp_client.srp_a, "SECRET_HASH": good})

    challenge = start()["ChallengeParameters"]
    answer = srp_client.answer(challenge, user["password"])
    error = refused(client.respond_to_auth_challenge, ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    assert error["Code"] == "NotAuthorizedException"
    challenge = start()["ChallengeParameters"]
    answer = dict(srp_client.answer(challenge, user["password"]), SECRET_HASH=good)
    result = client.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    assert result["AuthenticationResult"]["RefreshToken"]


def test_refresh_with_secret(cognito_server, secret):
    state = cognito_server
    user = state["users"][0]
    client = idp(state)
    client_id, client_secret = secret
    tokens = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"], "SECRET_HASH": _hash(secret, user["username"])},
    )["AuthenticationResult"]
    refresh = tokens["RefreshToken"]

    def refresh_auth(**extra):
        return client.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id, AuthParameters=dict({"REFRESH_TOKEN": refresh}, **extra))

    assert refused(refresh_auth)["Code"] == "NotAuthorizedException"
    assert refused(refresh_auth, SECRET_HASH=_bad(secret, user["username"]))["Code"] == "NotAuthorizedException"
    assert "AccessToken" in refresh_auth(SECRET_HASH=_hash(secret, user["username"]))["AuthenticationResult"]

    def get_tokens(**extra):
        return client.get_tokens_from_refresh_token(RefreshToken=refresh, ClientId=client_id, **extra)

    assert refused(get_tokens)["Code"] == "NotAuthorizedException"
    assert refused(get_tokens, ClientSecret=client_secret + "x")["Code"] == "NotAuthorizedException"
    assert "AccessToken" in get_tokens(ClientSecret=client_secret)["AuthenticationResult"]
    # a refresh token of one client is not valid for another
    error = refused(client.get_tokens_from_refresh_token, RefreshToken=refresh, ClientId=state["clientId"])
    assert error == {"Code": "NotAuthorizedException", "Message": "Invalid Refresh Token"}


def test_sign_up_confirm_resend_forgot(cognito_server, secret):
    state = cognito_server
    client = idp(state)
    client_id = secret[0]
    name = "secret-signup@example.com"
    attributes = [{"Name": "email", "Value": name}]
    assert refused(client.sign_up, ClientId=client_id, Username=name, Password="Test-Passw0rd!", UserAttributes=attributes)["Code"] == "NotAuthorizedException"
    assert refused(client.sign_up, ClientId=client_id, Username=name, Password="Test-Passw0rd!", UserAttributes=attributes, SecretHash=_bad(secret, name))["Code"] == "NotAuthorizedException"
    client.sign_up(ClientId=client_id, Username=name, Password="Test-Passw0rd!", UserAttributes=attributes, SecretHash=_hash(secret, name))
    assert refused(client.resend_confirmation_code, ClientId=client_id, Username=name)["Code"] == "NotAuthorizedException"
    client.resend_confirmation_code(ClientId=client_id, Username=name, SecretHash=_hash(secret, name))
    code = last_code(state, name, "SIGN_UP")
    assert refused(client.confirm_sign_up, ClientId=client_id, Username=name, ConfirmationCode=code)["Code"] == "NotAuthorizedException"
    assert refused(client.confirm_sign_up, ClientId=client_id, Username=name, ConfirmationCode=code, SecretHash=_bad(secret, name))["Code"] == "NotAuthorizedException"
    client.confirm_sign_up(ClientId=client_id, Username=name, ConfirmationCode=code, SecretHash=_hash(secret, name))

    assert refused(client.forgot_password, ClientId=client_id, Username=name)["Code"] == "NotAuthorizedException"
    client.forgot_password(ClientId=client_id, Username=name, SecretHash=_hash(secret, name))
    code = last_code(state, name, "FORGOT_PASSWORD")
    error = refused(client.confirm_forgot_password, ClientId=client_id, Username=name, ConfirmationCode=code, Password="New-Passw0rd!", SecretHash=_bad(secret, name))
    assert error["Code"] == "NotAuthorizedException"
    client.confirm_forgot_password(ClientId=client_id, Username=name, ConfirmationCode=code, Password="New-Passw0rd!", SecretHash=_hash(secret, name))


def test_challenge_responses_need_the_hash(cognito_server, secret):
    """NEW_PASSWORD_REQUIRED through the secret client: SECRET_HASH in ChallengeResponses too."""
    state = cognito_server
    client = idp(state)
    client_id = secret[0]
    client.admin_create_user(UserPoolId=state["userPoolId"], Username="secret-temp@example.com", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS")
    good = _hash(secret, "secret-temp@example.com")
    start = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": "secret-temp@example.com", "PASSWORD": "Temp-Passw0rd!", "SECRET_HASH": good}
    )
    assert start["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    responses = {"USERNAME": "secret-temp@example.com", "NEW_PASSWORD": "Final-Passw0rd!"}
    error = refused(client.respond_to_auth_challenge, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=start["Session"], ChallengeResponses=responses)
    assert error["Code"] == "NotAuthorizedException"
    answer = client.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=start["Session"], ChallengeResponses=dict(responses, SECRET_HASH=good)
    )
    assert "AuthenticationResult" in answer


def test_revoke_token_needs_the_secret(cognito_server, secret):
    state = cognito_server
    client = idp(state)
    client_id, client_secret = secret
    new_user(state, "secret-revoke@example.com")
    refresh = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": "secret-revoke@example.com", "PASSWORD": "Test-Passw0rd!", "SECRET_HASH": _hash(secret, "secret-revoke@example.com")},
    )["AuthenticationResult"]["RefreshToken"]
    assert refused(client.revoke_token, Token=refresh, ClientId=client_id)["Code"] == "UnauthorizedException"
    assert refused(client.revoke_token, Token=refresh, ClientId=client_id, ClientSecret="w" * 40)["Code"] == "UnauthorizedException"
    client.revoke_token(Token=refresh, ClientId=client_id, ClientSecret=client_secret)
    error = refused(client.get_tokens_from_refresh_token, RefreshToken=refresh, ClientId=client_id, ClientSecret=client_secret)
    assert error == {"Code": "NotAuthorizedException", "Message": "Refresh Token has been revoked"}
