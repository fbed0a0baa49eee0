"""STS AssumeRoleWithWebIdentity with tokens from the identity pool's GetOpenIdToken
(unsigned, query protocol), and the credentials it hands out."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pytest

from cognito_helpers import refused
from conftest import LOCAL_AWS, boto_client, run_server, s3_error, send, signed_headers
from identity_helpers import claims_of, oidc_token, provider, set_settings, sign_in, tamper, unsigned

NS = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    yield from run_server(tmp_path_factory.mktemp("local-aws-sts"), config)


def _open_id_token(state, *, authenticated: bool) -> tuple[str, str]:
    ci = unsigned(state, "cognito-identity")
    if authenticated:
        tokens = sign_in(state, f"sts-{time.time_ns()}@example.com")
        logins = {provider(state): tokens["IdToken"]}
        identity = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=logins)["IdentityId"]
        return identity, ci.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
    identity = ci.get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    return identity, ci.get_open_id_token(IdentityId=identity)["Token"]


def _form(**params) -> bytes:
    return urlencode(dict({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"}, **params)).encode()


def _sts_error(resp) -> dict:
    root = ET.fromstring(resp.body)
    assert root.tag == f"{{{NS['sts']}}}ErrorResponse", resp
    return {name: root.find(f"sts:Error/sts:{name}", NS).text for name in ("Type", "Code", "Message")}


def test_authenticated_token_assumes_the_authenticated_role(state):
    identity, token = _open_id_token(state, authenticated=True)
    resp = send(state, "POST", "/", dict(FORM, Origin="http://127.0.0.1:9999"), _form(RoleArn=state["authenticatedRoleArn"], RoleSessionName="web", WebIdentityToken=token))
    assert resp.status == 200, resp
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"
    root = ET.fromstring(resp.body)
    result = root.find("sts:AssumeRoleWithWebIdentityResult", NS)
    assert result.find("sts:SubjectFromWebIdentityToken", NS).text == identity
    assert result.find("sts:Audience", NS).text == state["identityPoolId"]
    assert result.find("sts:Provider", NS).text == "cognito-identity.amazonaws.com"
    assert result.find("sts:AssumedRoleUser/sts:Arn", NS).text == "arn:aws:sts::123456789012:assumed-role/cognito-fetch-authenticated/web"
    assert result.find("sts:AssumedRoleUser/sts:AssumedRoleId", NS).text.endswith(":web")
    creds = {child.tag.split("}")[1]: child.text for child in result.find("sts:Credentials", NS)}
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"]) and len(creds["SecretAccessKey"]) == 40
    expiration = datetime.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert 3590 <= expiration.timestamp() - time.time() <= 3602
    key = {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"], "sessionToken": creds["SessionToken"]}
    s3 = boto_client(state, "s3", key=key)
    s3.put_object(Bucket=state["bucket"], Key=f"private/{identity}/sts.txt", Body=b"via sts")
    assert s3.get_object(Bucket=state["bucket"], Key=f"private/{identity}/sts.txt")["Body"].read() == b"via sts"


def test_boto3_and_get_form(state):
    identity, token = _open_id_token(state, authenticated=False)
    sts = unsigned(state, "sts")
    answer = sts.assume_role_with_web_identity(RoleArn=state["unauthenticatedRoleArn"], RoleSessionName="guest", WebIdentityToken=token, DurationSeconds=900)
    assert answer["SubjectFromWebIdentityToken"] == identity
    assert 890 <= answer["Credentials"]["Expiration"].timestamp() - time.time() <= 902
    query = _form(RoleArn=state["unauthenticatedRoleArn"], RoleSessionName="guest", WebIdentityToken=token).decode()
    resp = send(state, "GET", f"/?{query}")
    assert resp.status == 200, resp


def test_role_must_match_the_token(state):
    _, guest_token = _open_id_token(state, authenticated=False)
    _, user_token = _open_id_token(state, authenticated=True)
    sts = unsigned(state, "sts")
    denied = {"Code": "AccessDenied", "Message": "Not authorized to perform sts:AssumeRoleWithWebIdentity", "Type": "Sender"}
    for role, token in (
        (state["authenticatedRoleArn"], guest_token),
        (state["unauthenticatedRoleArn"], user_token),
        ("arn:aws:iam::123456789012:role/some-other-role", user_token),
    ):
        error = refused(sts.assume_role_with_web_identity, RoleArn=role, RoleSessionName="web", WebIdentityToken=token)
        assert error == denied
    resp = send(state, "POST", "/", FORM, _form(RoleArn=state["authenticatedRoleArn"], RoleSessionName="web", WebIdentityToken=guest_token))
    assert resp.status == 403 and _sts_error(resp) == denied


def test_bad_tokens_and_parameters(state):
    _, token = _open_id_token(state, authenticated=True)
    sts = unsigned(state, "sts")
    role = state["authenticatedRoleArn"]

    def error(**params):
        return refused(sts.assume_role_with_web_identity, **dict({"RoleArn": role, "RoleSessionName": "web", "WebIdentityToken": token}, **params))

    assert error(WebIdentityToken=tamper(token))["Code"] == "InvalidIdentityToken"
    assert error(WebIdentityToken="garbage")["Code"] == "InvalidIdentityToken"
    # A token of another issuer (the local OIDC provider), however well signed.
    foreign = error(WebIdentityToken=oidc_token(state, sub="alice"))
    assert foreign["Code"] == "InvalidIdentityToken" and foreign["Message"].startswith("No OpenIDConnect provider found")
    # A user-pool ID token is not what this call takes either.
    assert error(WebIdentityToken=sign_in(state, "sts-idtoken@example.com")["IdToken"])["Code"] == "InvalidIdentityToken"
    assert error(DurationSeconds=7200) == {
        "Code": "ValidationError",
        "Message": "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        "Type": "Sender",
    }

    def raw_error(**params):  # what botocore would refuse before sending
        resp = send(state, "POST", "/", FORM, _form(**dict({"RoleArn": role, "RoleSessionName": "web", "WebIdentityToken": token}, **params)))
        assert resp.status == 400, resp
        return _sts_error(resp)

    assert raw_error(DurationSeconds="100")["Code"] == "ValidationError"
    assert raw_error(RoleSessionName="a")["Code"] == "ValidationError"
    assert raw_error(RoleSessionName="has space")["Code"] == "ValidationError"
    assert raw_error(RoleArn="not-an-arn")["Code"] == "ValidationError"
    assert raw_error(Version="2011-06-16")["Code"] == "InvalidAction"
    resp = send(state, "POST", "/", FORM, urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": role, "WebIdentityToken": token}).encode())
    assert resp.status == 400 and _sts_error(resp)["Code"] == "ValidationError", resp


def test_expired_token_and_short_credentials(state):
    ci = unsigned(state, "cognito-identity")
    sts = unsigned(state, "sts")
    logins = {provider(state): sign_in(state, "sts-expiry@example.com")["IdToken"]}
    identity = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=logins)["IdentityId"]
    set_settings(state, openIdTokenSeconds=1)
    try:
        token = ci.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
    finally:
        set_settings(state, openIdTokenSeconds=600)
    assert claims_of(token)["exp"] - claims_of(token)["iat"] == 1
    fresh = ci.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
    set_settings(state, credentialSeconds=2)
    try:
        answer = sts.assume_role_with_web_identity(RoleArn=state["authenticatedRoleArn"], RoleSessionName="web", WebIdentityToken=fresh)
    finally:
        set_settings(state, credentialSeconds=3600)
    time.sleep(max(0.0, claims_of(token)["exp"] - time.time()) + 0.2)
    error = refused(sts.assume_role_with_web_identity, RoleArn=state["authenticatedRoleArn"], RoleSessionName="web", WebIdentityToken=token)
    assert error["Code"] == "ExpiredTokenException"
    creds = answer["Credentials"]
    key = {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"], "sessionToken": creds["SessionToken"]}
    time.sleep(max(0.0, creds["Expiration"].timestamp() - time.time()) + 0.3)
    path = f"/{state['bucket']}/private/{quote(identity, safe='')}/x"
    resp = send(state, "GET", path, signed_headers(state, "s3", "GET", path, key=key))
    assert resp.status == 400 and s3_error(resp)["Code"] == "ExpiredToken", resp


def test_other_sts_actions_still_need_a_signature(state):
    resp = send(state, "POST", "/", FORM, b"Action=GetCallerIdentity&Version=2011-06-15")
    assert resp.status == 403 and _sts_error(resp)["Code"] == "MissingAuthenticationToken"
