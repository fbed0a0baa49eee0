"""TOTP (software token) MFA with real RFC 6238 codes, SMS/email MFA codes via the outbox,
SELECT_MFA_TYPE, and MFA_SETUP in the pool that requires MFA."""

from __future__ import annotations

import json
import re

from cognito_helpers import idp, last_code, new_user, outbox, password_login, refused, srp_login, totp_code


def _respond(state, name, session, client_key="clientId", **responses):
    return idp(state).respond_to_auth_challenge(ClientId=state[client_key], ChallengeName=name, Session=session, ChallengeResponses=responses)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_totp_setup_and_sign_in(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "totp@example.com")
    new_user(state, "totp2@example.com")
    tokens = password_login(state, "totp@example.com", "Test-Passw0rd!")["AuthenticationResult"]  # MFA is OPTIONAL here
    other = password_login(state, "totp2@example.com", "Test-Passw0rd!")["AuthenticationResult"]

    first = client.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    assert re.fullmatch(r"[A-Z2-7]{32}", first)
    secret = client.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    assert secret != first
    assert client.associate_software_token(AccessToken=other["AccessToken"])["SecretCode"] not in (first, secret)

    # enabling before verification is refused
    error = refused(client.set_user_mfa_preference, AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert error["Code"] == "InvalidParameterException"
    # a code from the replaced secret, or a wrong code, does not verify
    error = refused(client.verify_software_token, AccessToken=tokens["AccessToken"], UserCode=totp_code(first))
    assert error["Code"] == "EnableSoftwareTokenMFAException"
    error = refused(client.verify_software_token, AccessToken=tokens["AccessToken"], UserCode=_wrong(totp_code(secret)))
    assert error["Code"] == "EnableSoftwareTokenMFAException"
    assert client.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp_code(secret, step_offset=-1))["Status"] == "SUCCESS"
    client.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    me = client.get_user(AccessToken=tokens["AccessToken"])
    assert me["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and me["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    challenge = password_login(state, "totp@example.com", "Test-Passw0rd!")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in challenge
    code = totp_code(secret)
    error = refused(_respond, state, "SOFTWARE_TOKEN_MFA", challenge["Session"], USERNAME="totp@example.com", SOFTWARE_TOKEN_MFA_CODE=_wrong(code))
    assert error["Code"] == "CodeMismatchException"
    answer = _respond(state, "SOFTWARE_TOKEN_MFA", challenge["Session"], USERNAME="totp@example.com", SOFTWARE_TOKEN_MFA_CODE=code)
    assert answer["AuthenticationResult"]["AccessToken"]

    # the same code is not accepted twice; the next time step's code is
    challenge = srp_login(state, "totp@example.com", "Test-Passw0rd!")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    error = refused(_respond, state, "SOFTWARE_TOKEN_MFA", challenge["Session"], USERNAME="totp@example.com", SOFTWARE_TOKEN_MFA_CODE=code)
    assert error["Code"] == "CodeMismatchException"
    answer = _respond(state, "SOFTWARE_TOKEN_MFA", challenge["Session"], USERNAME="totp@example.com", SOFTWARE_TOKEN_MFA_CODE=totp_code(secret, step_offset=1))
    assert "AuthenticationResult" in answer

    # switched off again: no challenge
    client.admin_set_user_mfa_preference(UserPoolId=state["userPoolId"], Username="totp@example.com", SoftwareTokenMfaSettings={"Enabled": False})
    assert "AuthenticationResult" in password_login(state, "totp@example.com", "Test-Passw0rd!")


def test_email_mfa_code_from_outbox(cognito_server):
    state = cognito_server
    new_user(state, "email-mfa@example.com")
    tokens = password_login(state, "email-mfa@example.com", "Test-Passw0rd!")["AuthenticationResult"]
    idp(state).set_user_mfa_preference(AccessToken=tokens["AccessToken"], EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    challenge = password_login(state, "email-mfa@example.com", "Test-Passw0rd!")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "e***@e***"}
    code = last_code(state, "email-mfa@example.com", "MFA")
    error = refused(_respond, state, "EMAIL_OTP", challenge["Session"], USERNAME="email-mfa@example.com", EMAIL_OTP_CODE=_wrong(code))
    assert error["Code"] == "CodeMismatchException"
    answer = _respond(state, "EMAIL_OTP", challenge["Session"], USERNAME="email-mfa@example.com", EMAIL_OTP_CODE=code)
    assert "AuthenticationResult" in answer
    # the session is used up
    error = refused(_respond, state, "EMAIL_OTP", challenge["Session"], USERNAME="email-mfa@example.com", EMAIL_OTP_CODE=code)
    assert error["Code"] == "NotAuthorizedException"


def test_select_mfa_type_then_sms(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "sms-mfa", attributes={"email": "sms-mfa@example.com", "email_verified": "true", "phone_number": "+15555550199", "phone_number_verified": "true"})
    client.admin_set_user_mfa_preference(
        UserPoolId=state["userPoolId"], Username="sms-mfa", SMSMfaSettings={"Enabled": True}, EmailMfaSettings={"Enabled": True}
    )
    challenge = password_login(state, "sms-mfa", "Test-Passw0rd!")
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert set(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == {"SMS_MFA", "EMAIL_OTP"}
    error = refused(_respond, state, "SELECT_MFA_TYPE", challenge["Session"], USERNAME="sms-mfa", ANSWER="SOFTWARE_TOKEN_MFA")
    assert error["Code"] == "InvalidParameterException"
    sms = _respond(state, "SELECT_MFA_TYPE", challenge["Session"], USERNAME="sms-mfa", ANSWER="SMS_MFA")
    assert sms["ChallengeName"] == "SMS_MFA"
    assert sms["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0199"
    message = outbox(state, "+15555550199")[-1]
    assert (message["channel"], message["purpose"], message["username"]) == ("SMS", "MFA", "sms-mfa")
    error = refused(_respond, state, "SMS_MFA", sms["Session"], USERNAME="sms-mfa", SMS_MFA_CODE=_wrong(message["code"]))
    assert error["Code"] == "CodeMismatchException"
    assert "AuthenticationResult" in _respond(state, "SMS_MFA", sms["Session"], USERNAME="sms-mfa", SMS_MFA_CODE=message["code"])


def test_mfa_setup_when_the_pool_requires_mfa(cognito_server):
    state = cognito_server
    client = idp(state)
    user = state["mfaUsers"][0]
    config = client.get_user_pool_mfa_config(UserPoolId=state["mfaUserPoolId"])
    assert config["MfaConfiguration"] == "ON" and config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "EmailMfaConfiguration" in config and "SmsMfaConfiguration" in config

    def login():
        return password_login(state, user["username"], user["password"], client_key="mfaClientId")

    setup = login()
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert "SOFTWARE_TOKEN_MFA" in json.loads(setup["ChallengeParameters"]["MFAS_CAN_SETUP"])
    error = refused(_respond, state, "MFA_SETUP", setup["Session"], "mfaClientId", USERNAME=user["username"])
    assert error["Code"] == "MFAMethodNotFoundException"

    associated = client.associate_software_token(Session=setup["Session"])
    secret = associated["SecretCode"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret) and associated["Session"]
    error = refused(client.verify_software_token, Session=associated["Session"], UserCode=_wrong(totp_code(secret)))
    assert error["Code"] == "EnableSoftwareTokenMFAException"
    verified = client.verify_software_token(Session=associated["Session"], UserCode=totp_code(secret, step_offset=-1), FriendlyDeviceName="test")
    assert verified["Status"] == "SUCCESS"
    answer = _respond(state, "MFA_SETUP", verified["Session"], "mfaClientId", USERNAME=user["username"])
    assert answer["AuthenticationResult"]["AccessToken"]

    challenge = login()
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = _respond(state, "SOFTWARE_TOKEN_MFA", challenge["Session"], "mfaClientId", USERNAME=user["username"], SOFTWARE_TOKEN_MFA_CODE=totp_code(secret))
    assert "AuthenticationResult" in answer


def test_associate_needs_a_valid_token_or_session(cognito_server):
    client = idp(cognito_server)
    assert refused(client.associate_software_token, AccessToken="not-a-token")["Code"] == "NotAuthorizedException"
    assert refused(client.associate_software_token, Session="x" * 40)["Code"] == "NotAuthorizedException"
