"""Remembered devices: NewDeviceMetadata, ConfirmDevice with a verifier, device SRP
(DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER) skipping MFA, UpdateDeviceStatus, ListDevices,
ForgetDevice. The device's SRP proof is computed by this test's own client (cognito_helpers),
which does not import local_aws."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cognito_helpers import N, SrpClient, g, idp, last_code, pad_hex, refused, srp_login

PASSWORD = "Device-Passw0rd!"


def _pool(state, *, prompt: bool, challenge: bool = True, mfa: bool = True) -> tuple[str, str]:
    client = idp(state)
    pool_id = client.create_user_pool(
        PoolName=f"devices-{secrets.token_hex(3)}",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": challenge, "DeviceOnlyRememberedOnUserPrompt": prompt},
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False, "RequireLowercase": False, "RequireNumbers": False, "RequireSymbols": False}},
    )["UserPool"]["Id"]
    if mfa:
        client.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON", EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"})
    client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def _user(state, pool_id: str, username: str) -> None:
    client = idp(state)
    client.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                             UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}])
    client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    client.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=username, EmailMfaSettings={"Enabled": True, "PreferredMfa": True})


def _sign_in(state, pool_id, client_id, username, device_key=None) -> dict:
    """USER_SRP_AUTH, then the email MFA code when asked; returns the last answer."""
    extra = {"DEVICE_KEY": device_key} if device_key else None
    answer = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra=extra)
    if answer.get("ChallengeName") == "EMAIL_OTP":
        responses = {"USERNAME": username, "EMAIL_OTP_CODE": last_code(state, username, "MFA")}
        if device_key:
            responses["DEVICE_KEY"] = device_key
        answer = idp(state).respond_to_auth_challenge(ClientId=client_id, ChallengeName="EMAIL_OTP", Session=answer["Session"], ChallengeResponses=responses)
    return answer


def _verifier(group_key: str, device_key: str, password: str) -> tuple[dict, int]:
    salt = int.from_bytes(secrets.token_bytes(16), "big")
    identity = hashlib.sha256(f"{group_key}{device_key}:{password}".encode()).hexdigest()
    x = int(hashlib.sha256(bytes.fromhex(pad_hex(salt) + identity)).hexdigest(), 16)
    v = pow(g, x, N)
    b64 = lambda n: base64.b64encode(bytes.fromhex(pad_hex(n))).decode()  # noqa: E731
    return {"Salt": b64(salt), "PasswordVerifier": b64(v)}, salt


def _device_srp(state, client_id, username, challenge, group_key, device_key, password):
    client = idp(state)
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH", challenge
    srp_client = SrpClient(f"x_{group_key}")
    step = client.respond_to_auth_challenge(ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=challenge["Session"],
                                            ChallengeResponses={"USERNAME": username, "DEVICE_KEY": device_key, "SRP_A": srp_client.srp_a})
    assert step["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    params = step["ChallengeParameters"]
    answer = srp_client.answer(dict(params, USER_ID_FOR_SRP=device_key), password)
    answer.update(USERNAME=username, DEVICE_KEY=device_key)
    return lambda: client.respond_to_auth_challenge(ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=step["Session"], ChallengeResponses=answer)


def test_remembered_device_skips_mfa_and_a_wrong_device_password_is_refused(cognito_server):
    state = cognito_server
    client = idp(state)
    pool_id, client_id = _pool(state, prompt=False)
    username = "device@example.com"
    _user(state, pool_id, username)

    first = _sign_in(state, pool_id, client_id, username)
    result = first["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    key, group = meta["DeviceKey"], meta["DeviceGroupKey"]
    assert key.startswith(pool_id.split("_")[0] + "_")
    # Not confirmed yet: not listed, cannot be remembered.
    assert client.list_devices(AccessToken=result["AccessToken"])["Devices"] == []
    assert refused(client.update_device_status, AccessToken=result["AccessToken"], DeviceKey=key, DeviceRememberedStatus="remembered")["Code"] == "ResourceNotFoundException"
    device_password = base64.b64encode(secrets.token_bytes(40)).decode()
    config, _ = _verifier(group, key, device_password)
    assert refused(client.confirm_device, AccessToken=result["AccessToken"], DeviceKey=key)["Code"] == "InvalidParameterException"
    confirmed = client.confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config, DeviceName="Chromium on Linux")
    assert confirmed["UserConfirmationNecessary"] is False
    assert refused(client.confirm_device, AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)["Code"] == "DeviceKeyExistsException"
    devices = client.list_devices(AccessToken=result["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in devices] == [key]
    # The session's refresh token now needs the confirmed device's key.
    refresh = result["RefreshToken"]
    assert refused(client.get_tokens_from_refresh_token, ClientId=client_id, RefreshToken=refresh)["Code"] == "NotAuthorizedException"
    assert client.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=refresh, DeviceKey=key)["AuthenticationResult"]["AccessToken"]
    auth = {"REFRESH_TOKEN": refresh}
    assert refused(client.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id, AuthParameters=auth)["Code"] == "NotAuthorizedException"
    assert client.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id, AuthParameters=dict(auth, DEVICE_KEY=key))["AuthenticationResult"]
    attributes = {a["Name"]: a["Value"] for a in devices[0]["DeviceAttributes"]}
    assert attributes["device_name"] == "Chromium on Linux" and attributes["dev:device_remembered_status"] == "remembered"

    # The remembered device proves itself instead of an MFA code, and gets no new metadata.
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    done = _device_srp(state, client_id, username, start, group, key, device_password)()
    assert done["AuthenticationResult"]["AccessToken"] and "NewDeviceMetadata" not in done["AuthenticationResult"]

    # A tampered device password fails the proof; so does a replayed proof.
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    wrong = _device_srp(state, client_id, username, start, group, key, device_password[:-2] + "AA")
    assert refused(wrong)["Code"] == "NotAuthorizedException"
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    right = _device_srp(state, client_id, username, start, group, key, device_password)
    right()
    assert refused(right)["Code"] == "NotAuthorizedException"

    # Forgotten: the next sign-in asks for MFA again and gets a new device.
    client.forget_device(AccessToken=result["AccessToken"], DeviceKey=key)
    assert client.list_devices(AccessToken=result["AccessToken"])["Devices"] == []
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    assert start["ChallengeName"] == "EMAIL_OTP"


def test_device_only_remembered_on_user_prompt(cognito_server):
    state = cognito_server
    client = idp(state)
    pool_id, client_id = _pool(state, prompt=True)
    username = "prompt@example.com"
    _user(state, pool_id, username)
    result = _sign_in(state, pool_id, client_id, username)["AuthenticationResult"]
    key, group = result["NewDeviceMetadata"]["DeviceKey"], result["NewDeviceMetadata"]["DeviceGroupKey"]
    config, _ = _verifier(group, key, "pw")
    assert client.confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)["UserConfirmationNecessary"] is True
    # Confirmed but not remembered: MFA as for a new device, and no new metadata either.
    again = _sign_in(state, pool_id, client_id, username, device_key=key)
    assert "NewDeviceMetadata" not in again["AuthenticationResult"]
    assert refused(client.update_device_status, AccessToken=result["AccessToken"], DeviceKey=key, DeviceRememberedStatus="yes")["Code"] == "InvalidParameterException"
    client.update_device_status(AccessToken=result["AccessToken"], DeviceKey=key, DeviceRememberedStatus="remembered")
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    assert start["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert client.get_device(AccessToken=result["AccessToken"], DeviceKey=key)["Device"]["DeviceKey"] == key


def test_challenge_not_required_keeps_mfa_after_the_device_proof(cognito_server):
    state = cognito_server
    pool_id, client_id = _pool(state, prompt=False, challenge=False)
    username = "nochallenge@example.com"
    _user(state, pool_id, username)
    result = _sign_in(state, pool_id, client_id, username)["AuthenticationResult"]
    key, group = result["NewDeviceMetadata"]["DeviceKey"], result["NewDeviceMetadata"]["DeviceGroupKey"]
    config, _ = _verifier(group, key, "pw")
    idp(state).confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)
    start = srp_login(dict(state, p=pool_id, c=client_id), username, PASSWORD, pool="p", client_key="c", extra={"DEVICE_KEY": key})
    after = _device_srp(state, client_id, username, start, group, key, "pw")()
    assert after["ChallengeName"] == "EMAIL_OTP"


def test_untracked_pool_gives_no_metadata_and_refuses_device_calls(cognito_server):
    state = cognito_server
    client = idp(state)
    username = "untracked@example.com"
    client.admin_create_user(UserPoolId=state["userPoolId"], Username=username, MessageAction="SUPPRESS")
    client.admin_set_user_password(UserPoolId=state["userPoolId"], Username=username, Password=PASSWORD, Permanent=True)
    result = srp_login(state, username, PASSWORD)["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    error = refused(client.list_devices, AccessToken=result["AccessToken"])
    assert error["Code"] == "InvalidUserPoolConfigurationException"
