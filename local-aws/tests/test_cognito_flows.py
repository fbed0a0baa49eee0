"""Password sign-in refusals, NEW_PASSWORD_REQUIRED, and choice-based sign-in (USER_AUTH)."""

from __future__ import annotations

from cognito_helpers import SrpClient, idp, last_code, new_user, outbox, password_login, refused

INCORRECT = {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


def _admin_login(state, username, password, client_key="clientId"):
    return idp(state).admin_initiate_auth(
        UserPoolId=state["userPoolId"],
        ClientId=state[client_key],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def test_wrong_password_and_unknown_user(cognito_server):
    state = cognito_server
    user = state["users"][0]
    assert refused(password_login, state, user["username"], user["password"] + "x") == INCORRECT
    assert refused(_admin_login, state, user["username"], user["password"] + "x") == INCORRECT
    assert "AuthenticationResult" in _admin_login(state, user["username"], user["password"])
    # PreventUserExistenceErrors ENABLED (seeded clients): same answer as a wrong password
    assert refused(password_login, state, "nobody@example.com", "whatever-pw") == INCORRECT
    assert refused(_admin_login, state, "nobody@example.com", "whatever-pw") == INCORRECT
    # LEGACY: the user's absence shows
    legacy = idp(state).create_user_pool_client(
        UserPoolId=state["userPoolId"], ClientName="legacy", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], PreventUserExistenceErrors="LEGACY"
    )["UserPoolClient"]["ClientId"]
    state_legacy = dict(state, legacyClientId=legacy)
    assert refused(password_login, state_legacy, "nobody@example.com", "whatever-pw", "legacyClientId")["Code"] == "UserNotFoundException"


def test_unconfirmed_and_reset_required(cognito_server):
    state = cognito_server
    client = idp(state)
    client.sign_up(ClientId=state["clientId"], Username="unconfirmed@example.com", Password="Test-Passw0rd!", UserAttributes=[{"Name": "email", "Value": "unconfirmed@example.com"}])
    assert refused(password_login, state, "unconfirmed@example.com", "Test-Passw0rd!")["Code"] == "UserNotConfirmedException"
    assert refused(password_login, state, "unconfirmed@example.com", "Wrong-Passw0rd!") == INCORRECT

    new_user(state, "reset@example.com")
    client.admin_reset_user_password(UserPoolId=state["userPoolId"], Username="reset@example.com")
    assert refused(password_login, state, "reset@example.com", "Test-Passw0rd!")["Code"] == "PasswordResetRequiredException"
    code = last_code(state, "reset@example.com", "FORGOT_PASSWORD")
    client.confirm_forgot_password(ClientId=state["clientId"], Username="reset@example.com", ConfirmationCode=code, Password="Reset-Passw0rd!")
    assert "AuthenticationResult" in password_login(state, "reset@example.com", "Reset-Passw0rd!")


def test_flow_must_be_enabled_on_the_client(cognito_server):
    state = cognito_server
    srp_only = idp(state).create_user_pool_client(
        UserPoolId=state["userPoolId"], ClientName="srp-only", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    user = state["users"][0]
    error = refused(password_login, dict(state, srpOnly=srp_only), user["username"], user["password"], "srpOnly")
    assert error["Code"] == "InvalidParameterException"
    error = refused(
        idp(state).initiate_auth, AuthFlow="ADMIN_USER_PASSWORD_AUTH", ClientId=state["clientId"], AuthParameters={"USERNAME": "a", "PASSWORD": "b"}
    )
    assert error["Code"] == "InvalidParameterException"


def test_new_password_required_for_seeded_temporary_user(cognito_server):
    state = cognito_server
    client = idp(state)
    temp = next(u for u in state["users"] if u.get("temporary"))
    assert temp["username"] == "newpass@example.com"
    assert client.admin_get_user(UserPoolId=state["userPoolId"], Username=temp["username"])["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert refused(password_login, state, temp["username"], "Wrong-Passw0rd!") == INCORRECT
    challenge = password_login(state, temp["username"], temp["password"])
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == temp["username"]

    def respond(session, **responses):
        return client.respond_to_auth_challenge(ClientId=state["clientId"], ChallengeName="NEW_PASSWORD_REQUIRED", Session=session, ChallengeResponses=responses)

    assert refused(respond, "y" * 40, USERNAME=temp["username"], NEW_PASSWORD="Final-Passw0rd!")["Code"] == "NotAuthorizedException"
    assert refused(respond, challenge["Session"], USERNAME=temp["username"], NEW_PASSWORD="short")["Code"] == "InvalidPasswordException"
    answer = respond(challenge["Session"], USERNAME=temp["username"], NEW_PASSWORD="Final-Passw0rd!")
    assert "AuthenticationResult" in answer
    assert refused(respond, challenge["Session"], USERNAME=temp["username"], NEW_PASSWORD="Other-Passw0rd!")["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in password_login(state, temp["username"], "Final-Passw0rd!")


def test_change_password(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "change@example.com")
    token = password_login(state, "change@example.com", "Test-Passw0rd!")["AuthenticationResult"]["AccessToken"]
    error = refused(client.change_password, AccessToken=token, PreviousPassword="Wrong-Passw0rd!", ProposedPassword="Next-Passw0rd!")
    assert error == INCORRECT
    client.change_password(AccessToken=token, PreviousPassword="Test-Passw0rd!", ProposedPassword="Next-Passw0rd!")
    assert "AuthenticationResult" in password_login(state, "change@example.com", "Next-Passw0rd!")


# ------------------------------------------------------------------ USER_AUTH


def _user_auth(state, username, **params):
    return idp(state).initiate_auth(AuthFlow="USER_AUTH", ClientId=state["clientId"], AuthParameters=dict({"USERNAME": username}, **params))


def _respond(state, name, session, **responses):
    return idp(state).respond_to_auth_challenge(ClientId=state["clientId"], ChallengeName=name, Session=session, ChallengeResponses=responses)


def test_user_auth_select_email_otp(cognito_server):
    state = cognito_server
    new_user(state, "choice@example.com")
    start = _user_auth(state, "choice@example.com")
    assert start["ChallengeName"] == "SELECT_CHALLENGE"
    assert set(start["AvailableChallenges"]) == {"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}  # no phone number: no SMS_OTP
    error = refused(_respond, state, "SELECT_CHALLENGE", start["Session"], USERNAME="choice@example.com", ANSWER="SMS_OTP")
    assert error["Code"] == "InvalidParameterException"
    otp = _respond(state, "SELECT_CHALLENGE", start["Session"], USERNAME="choice@example.com", ANSWER="EMAIL_OTP")
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    message = outbox(state, "choice@example.com")[-1]
    assert (message["purpose"], message["channel"]) == ("OTP", "EMAIL")
    wrong = f"{(int(message['code']) + 1) % 1_000_000:06d}"
    assert refused(_respond, state, "EMAIL_OTP", otp["Session"], USERNAME="choice@example.com", EMAIL_OTP_CODE=wrong)["Code"] == "CodeMismatchException"
    answer = _respond(state, "EMAIL_OTP", otp["Session"], USERNAME="choice@example.com", EMAIL_OTP_CODE=message["code"])
    assert answer["AuthenticationResult"]["AccessToken"]


def test_user_auth_preferred_password_and_srp(cognito_server):
    state = cognito_server
    user = state["users"][0]
    assert "AuthenticationResult" in _user_auth(state, user["username"], PREFERRED_CHALLENGE="PASSWORD", PASSWORD=user["password"])
    assert refused(_user_auth, state, user["username"], PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wrong-Passw0rd!") == INCORRECT

    start = _user_auth(state, user["username"])
    srp = SrpClient(state["userPoolId"])
    verifier = _respond(state, "SELECT_CHALLENGE", start["Session"], USERNAME=user["username"], ANSWER="PASSWORD_SRP", SRP_A=srp.srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    answer = _respond(state, "PASSWORD_VERIFIER", verifier["Session"], **srp.answer(verifier["ChallengeParameters"], user["password"]))
    assert "AuthenticationResult" in answer

    srp = SrpClient(state["userPoolId"])
    verifier = _user_auth(state, user["username"], PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=srp.srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    error = refused(_respond, state, "PASSWORD_VERIFIER", verifier["Session"], **srp.answer(verifier["ChallengeParameters"], "Wrong-Passw0rd!"))
    assert error == INCORRECT


def test_user_auth_sms_otp(cognito_server):
    state = cognito_server
    new_user(state, "sms-otp", attributes={"phone_number": "+15555550142", "phone_number_verified": "true"})
    otp = _user_auth(state, "sms-otp", PREFERRED_CHALLENGE="SMS_OTP")
    assert otp["ChallengeName"] == "SMS_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0142"
    code = last_code(state, "+15555550142", "OTP")
    answer = _respond(state, "SMS_OTP", otp["Session"], USERNAME="sms-otp", SMS_OTP_CODE=code)
    assert "AuthenticationResult" in answer
    assert refused(_respond, state, "SMS_OTP", otp["Session"], USERNAME="sms-otp", SMS_OTP_CODE=code)["Code"] == "NotAuthorizedException"


def test_user_auth_unknown_user_is_not_revealed(cognito_server):
    state = cognito_server
    start = _user_auth(state, "nobody-choice@example.com")
    assert start["ChallengeName"] == "SELECT_CHALLENGE" and start["AvailableChallenges"]
    error = refused(_respond, state, "SELECT_CHALLENGE", start["Session"], USERNAME="nobody-choice@example.com", ANSWER="PASSWORD", PASSWORD="Any-Passw0rd!")
    assert error == INCORRECT
    start = _user_auth(state, "nobody-choice@example.com")
    otp = _respond(state, "SELECT_CHALLENGE", start["Session"], USERNAME="nobody-choice@example.com", ANSWER="EMAIL_OTP")
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert outbox(state, "nobody-choice@example.com") == []
    error = refused(_respond, state, "EMAIL_OTP", otp["Session"], USERNAME="nobody-choice@example.com", EMAIL_OTP_CODE="123456")
    assert error["Code"] == "CodeMismatchException"
