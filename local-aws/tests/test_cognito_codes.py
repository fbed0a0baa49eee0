"""Codes delivered to the outbox: sign-up, resend, forgot password, attribute verification."""

from __future__ import annotations

import re
import time

from cognito_helpers import idp, last_code, new_user, outbox, password_login, refused
from conftest import send

COGNITO_SETTINGS = {"codeLifetimeSeconds": {"FORGOT_PASSWORD": 3}, "maxCodeAttempts": 3}


def _sign_up(state, username, password="Test-Passw0rd!", **attributes):
    attributes = attributes or {"email": username}
    return idp(state).sign_up(
        ClientId=state["clientId"],
        Username=username,
        Password=password,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )


def test_sign_up_confirmed_with_outbox_code(cognito_server):
    state = cognito_server
    answer = _sign_up(state, "signup@example.com")
    assert answer["UserConfirmed"] is False and answer["UserSub"]
    assert answer["CodeDeliveryDetails"] == {"Destination": "s***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    messages = outbox(state, "signup@example.com")
    assert len(messages) == 1
    message = messages[0]
    assert set(message) >= {"to", "username", "channel", "purpose", "code", "at"}
    assert (message["to"], message["channel"], message["purpose"]) == ("signup@example.com", "EMAIL", "SIGN_UP")
    assert re.fullmatch(r"\d{6}", message["code"])
    # not confirmed yet: sign-in is refused with the right password
    assert refused(password_login, state, "signup@example.com", "Test-Passw0rd!")["Code"] == "UserNotConfirmedException"
    # a wrong code is refused, the right one confirms, and it cannot be used twice
    wrong = "000000" if message["code"] != "000000" else "111111"
    client = idp(state)
    error = refused(client.confirm_sign_up, ClientId=state["clientId"], Username="signup@example.com", ConfirmationCode=wrong)
    assert error["Code"] == "CodeMismatchException"
    client.confirm_sign_up(ClientId=state["clientId"], Username="signup@example.com", ConfirmationCode=message["code"])
    error = refused(client.confirm_sign_up, ClientId=state["clientId"], Username="signup@example.com", ConfirmationCode=message["code"])
    assert error["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in password_login(state, "signup@example.com", "Test-Passw0rd!")
    user = client.admin_get_user(UserPoolId=state["userPoolId"], Username="signup@example.com")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_resend_replaces_the_code_and_too_many_wrong_codes_are_limited(cognito_server):
    state = cognito_server
    client = idp(state)
    _sign_up(state, "resend@example.com")
    first = last_code(state, "resend@example.com", "SIGN_UP")
    details = client.resend_confirmation_code(ClientId=state["clientId"], Username="resend@example.com")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    second = last_code(state, "resend@example.com", "SIGN_UP")
    assert len(outbox(state, "resend@example.com")) == 2
    if first != second:
        error = refused(client.confirm_sign_up, ClientId=state["clientId"], Username="resend@example.com", ConfirmationCode=first)
        assert error["Code"] == "CodeMismatchException"
    wrong = "000000" if second != "000000" else "111111"
    for _ in range(3):
        refused(client.confirm_sign_up, ClientId=state["clientId"], Username="resend@example.com", ConfirmationCode=wrong)
    error = refused(client.confirm_sign_up, ClientId=state["clientId"], Username="resend@example.com", ConfirmationCode=second)
    assert error["Code"] == "LimitExceededException"
    # a new code lifts the limit
    client.resend_confirmation_code(ClientId=state["clientId"], Username="resend@example.com")
    client.confirm_sign_up(ClientId=state["clientId"], Username="resend@example.com", ConfirmationCode=last_code(state, "resend@example.com", "SIGN_UP"))
    error = refused(client.resend_confirmation_code, ClientId=state["clientId"], Username="resend@example.com")
    assert error["Code"] == "InvalidParameterException"


def test_sign_up_refusals(cognito_server):
    state = cognito_server
    error = refused(_sign_up, state, state["users"][0]["username"])
    assert error["Code"] == "UsernameExistsException"
    error = refused(_sign_up, state, "short@example.com", password="short")
    assert error["Code"] == "InvalidPasswordException"


def test_forgot_password_reset_and_expired_code(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "forgot@example.com")
    details = client.forgot_password(ClientId=state["clientId"], Username="forgot@example.com")["CodeDeliveryDetails"]
    assert details == {"Destination": "f***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    code = last_code(state, "forgot@example.com", "FORGOT_PASSWORD")
    wrong = "000000" if code != "000000" else "111111"
    error = refused(client.confirm_forgot_password, ClientId=state["clientId"], Username="forgot@example.com", ConfirmationCode=wrong, Password="New-Passw0rd!")
    assert error["Code"] == "CodeMismatchException"
    error = refused(client.confirm_forgot_password, ClientId=state["clientId"], Username="forgot@example.com", ConfirmationCode=code, Password="x")
    assert error["Code"] == "InvalidPasswordException"
    client.confirm_forgot_password(ClientId=state["clientId"], Username="forgot@example.com", ConfirmationCode=code, Password="New-Passw0rd!")
    assert "AuthenticationResult" in password_login(state, "forgot@example.com", "New-Passw0rd!")
    assert refused(password_login, state, "forgot@example.com", "Test-Passw0rd!")["Code"] == "NotAuthorizedException"
    error = refused(client.confirm_forgot_password, ClientId=state["clientId"], Username="forgot@example.com", ConfirmationCode=code, Password="Other-Passw0rd!")
    assert error["Code"] == "ExpiredCodeException"  # single use
    # forgot-password codes live 3 s in this module's config
    client.forgot_password(ClientId=state["clientId"], Username="forgot@example.com")
    code = last_code(state, "forgot@example.com", "FORGOT_PASSWORD")
    time.sleep(3.2)
    error = refused(client.confirm_forgot_password, ClientId=state["clientId"], Username="forgot@example.com", ConfirmationCode=code, Password="Other-Passw0rd!")
    assert error["Code"] == "ExpiredCodeException"


def test_unknown_users_get_simulated_deliveries(cognito_server):
    state = cognito_server
    client = idp(state)
    details = client.forgot_password(ClientId=state["clientId"], Username="ghost@example.com")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert client.resend_confirmation_code(ClientId=state["clientId"], Username="ghost@example.com")["CodeDeliveryDetails"]
    assert outbox(state, "ghost@example.com") == []
    error = refused(client.confirm_sign_up, ClientId=state["clientId"], Username="ghost@example.com", ConfirmationCode="123456")
    assert error["Code"] == "CodeMismatchException"


def test_attribute_verification(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "attr@example.com", attributes={"email": "attr@example.com"})
    token = password_login(state, "attr@example.com", "Test-Passw0rd!")["AuthenticationResult"]["AccessToken"]
    details = client.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")["CodeDeliveryDetails"]
    assert details == {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    code = last_code(state, "attr@example.com", "VERIFY_ATTRIBUTE")
    wrong = "000000" if code != "000000" else "111111"
    error = refused(client.verify_user_attribute, AccessToken=token, AttributeName="email", Code=wrong)
    assert error["Code"] == "CodeMismatchException"
    client.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    attributes = {a["Name"]: a["Value"] for a in client.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    # changing the email un-verifies it and sends a code to the new address
    answer = client.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": "attr2@example.com"}])
    assert answer["CodeDeliveryDetailsList"] == [{"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}]
    attributes = {a["Name"]: a["Value"] for a in client.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "attr2@example.com" and attributes["email_verified"] == "false"
    client.verify_user_attribute(AccessToken=token, AttributeName="email", Code=last_code(state, "attr2@example.com", "VERIFY_ATTRIBUTE"))


def test_sms_delivery_is_masked(cognito_server):
    state = cognito_server
    client = idp(state)
    new_user(state, "phone-user", attributes={"phone_number": "+15555550123", "phone_number_verified": "true"})
    details = client.forgot_password(ClientId=state["clientId"], Username="phone-user")["CodeDeliveryDetails"]
    assert details == {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    messages = outbox(state, "+15555550123")
    assert messages[-1]["channel"] == "SMS" and messages[-1]["username"] == "phone-user"
    assert outbox(state, "phone-user") == messages  # by username too
    assert send(state, "GET", "/__local/outbox?to=+15555550123").json() == messages  # a literal "+" stays a "+"


def test_outbox_http_api(cognito_server):
    state = cognito_server
    _sign_up(state, "box@example.com")
    resp = send(state, "GET", "/__local/outbox", {"Origin": "http://127.0.0.1:8123"})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8123"
    everything = resp.json()
    assert any(m["to"] == "box@example.com" for m in everything)
    assert [m["at"] for m in everything] == sorted(m["at"] for m in everything)  # newest last
    preflight = send(state, "OPTIONS", "/__local/outbox", {"Origin": "http://127.0.0.1:8123", "Access-Control-Request-Method": "DELETE"})
    assert preflight.status == 200 and "DELETE" in preflight.headers["Access-Control-Allow-Methods"]
    resp = send(state, "DELETE", "/__local/outbox?to=box%40example.com")
    assert resp.status == 200 and resp.json()["deleted"] == 1
    assert outbox(state, "box@example.com") == []
    assert send(state, "DELETE", "/__local/outbox").status == 200
    assert send(state, "GET", "/__local/outbox").json() == []
    assert send(state, "PUT", "/__local/outbox").status == 405
