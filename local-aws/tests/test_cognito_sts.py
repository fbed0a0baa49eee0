"""Cognito (unsigned by design for user calls, signed for admin calls) and STS."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import botocore.exceptions
import pytest

from conftest import boto_client, send, signed_headers

OUR_AUTH_ERRORS = {
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
}


def _idp_call(state: dict, operation: str, payload: dict, headers: dict | None = None):
    return send(
        state,
        "POST",
        "/",
        dict(
            {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"},
            **(headers or {}),
        ),
        json.dumps(payload).encode(),
    )


def test_unsigned_initiate_auth_for_unknown_user_reaches_moto(server):
    resp = _idp_call(
        server,
        "InitiateAuth",
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": server["clientId"], "AuthParameters": {"USERNAME": "nobody@example.com", "PASSWORD": "x"}},
        {"Origin": "http://127.0.0.1:8123"},
    )
    assert resp.status == 400, resp
    error_type = resp.json()["__type"]
    assert error_type in ("UserNotFoundException", "NotAuthorizedException"), resp
    assert error_type not in OUR_AUTH_ERRORS
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8123"


def test_unsigned_initiate_auth_for_seeded_user_signs_in(server):
    user = server["users"][0]
    resp = _idp_call(
        server,
        "InitiateAuth",
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": server["clientId"], "AuthParameters": {"USERNAME": user["username"], "PASSWORD": user["password"]}},
    )
    assert resp.status == 200, resp
    result = resp.json()["AuthenticationResult"]
    assert result["IdToken"].count(".") == 2 and result["AccessToken"] and result["RefreshToken"]


def test_unsigned_srp_start_reaches_moto(server):
    user = server["users"][0]
    resp = _idp_call(
        server,
        "InitiateAuth",
        {"AuthFlow": "USER_SRP_AUTH", "ClientId": server["clientId"], "AuthParameters": {"USERNAME": user["username"], "SRP_A": "ab" * 192}},
    )
    assert resp.status == 200, resp
    assert resp.json()["ChallengeName"] == "PASSWORD_VERIFIER"


def test_unsigned_admin_call_is_refused(server):
    resp = _idp_call(server, "AdminGetUser", {"UserPoolId": server["userPoolId"], "Username": server["users"][0]["username"]})
    assert resp.status == 400
    assert resp.json() == {"__type": "MissingAuthenticationTokenException", "message": "Request is missing Authentication Token"}
    assert resp.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_signed_admin_call_is_verified(server):
    idp = boto_client(server, "cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=server["userPoolId"])["UserPool"]
    assert pool["Id"] == server["userPoolId"]
    app_client = idp.describe_user_pool_client(UserPoolId=server["userPoolId"], ClientId=server["clientId"])["UserPoolClient"]
    assert "ALLOW_USER_SRP_AUTH" in app_client["ExplicitAuthFlows"]
    assert "ClientSecret" not in app_client
    bad = boto_client(server, "cognito-idp", key=dict(server["credentials"], secretAccessKey="z" * 40))
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        bad.describe_user_pool(UserPoolId=server["userPoolId"])
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    body = json.dumps({"UserPoolId": server["userPoolId"]}).encode()
    headers = signed_headers(
        server,
        "cognito-idp",
        "POST",
        "/",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.DescribeUserPool"},
        body=body,
        secret="z" * 40,
    )
    resp = send(server, "POST", "/", headers, body)
    assert resp.status == 400 and resp.json()["__type"] == "InvalidSignatureException"  # Cognito: bare name


def test_identity_pool_get_id_unsigned(server):
    resp = send(
        server,
        "POST",
        "/",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.GetId"},
        json.dumps({"IdentityPoolId": server["identityPoolId"]}).encode(),
    )
    assert resp.status == 200, resp
    assert resp.json()["IdentityId"].startswith(f"{server['region']}:")
    pool = boto_client(server, "cognito-identity").describe_identity_pool(IdentityPoolId=server["identityPoolId"])
    assert pool["AllowUnauthenticatedIdentities"] is True
    assert pool["CognitoIdentityProviders"][0]["ProviderName"].endswith(f"/{server['userPoolId']}")


def test_jwks_is_served_unsigned(server):
    resp = send(server, "GET", f"/{server['userPoolId']}/.well-known/jwks.json")
    assert resp.status == 200, resp
    assert resp.json()["keys"][0]["kty"] == "RSA"


def test_sts_signed_and_unsigned(server):
    identity = boto_client(server, "sts").get_caller_identity()
    assert identity["Account"].isdigit()
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    resp = send(server, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, body)
    assert resp.status == 403, resp
    root = ET.fromstring(resp.body)
    namespace = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert root.find("sts:Error/sts:Code", namespace).text == "MissingAuthenticationToken"


def test_unknown_target_is_unknown_operation(server):
    resp = send(server, "POST", "/", {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "NoSuchService.DoIt"}, b"{}")
    assert resp.status == 400 and resp.json()["__type"] == "UnknownOperationException"
