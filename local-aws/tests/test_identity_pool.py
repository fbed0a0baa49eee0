"""Identity pools: GetId, GetCredentialsForIdentity, GetOpenIdToken, DeleteIdentities,
DescribeIdentity, ListIdentities, SetIdentityPoolRoles; login verification; credentials that
the SigV4 verifier accepts until they expire."""

from __future__ import annotations

import json
import re
import time
import uuid
from urllib.parse import quote

import botocore.exceptions
import pytest

from cognito_helpers import refused
from conftest import LOCAL_AWS, boto_client, dynamodb_headers, run_server, s3_error, send, signed_headers
from identity_helpers import (
    claims_of,
    forged_pool_token,
    oidc_token,
    provider,
    rs256_valid,
    set_settings,
    sign_in,
    tamper,
    unsigned,
)

IDENTITY_TARGET = "AWSCognitoIdentityService"


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    yield from run_server(tmp_path_factory.mktemp("local-aws-identity"), config)


def _ci(state):
    return unsigned(state, "cognito-identity")


def _raw(state, operation: str, payload: dict):
    return send(
        state,
        "POST",
        "/",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{IDENTITY_TARGET}.{operation}", "Origin": "http://127.0.0.1:9999"},
        json.dumps(payload).encode(),
    )


def _logins(state, token: str) -> dict:
    return {provider(state): token}


# ---------------------------------------------------------------------------- GetId


def test_get_id_without_logins_is_a_new_guest_each_time(state):
    first = _raw(state, "GetId", {"IdentityPoolId": state["identityPoolId"]})
    assert first.status == 200, first
    assert first.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"
    second = _ci(state).get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    assert re.fullmatch(r"us-east-1:[0-9a-f-]{36}", first.json()["IdentityId"])
    assert second != first.json()["IdentityId"]


def test_get_id_is_stable_per_user(state):
    ci = _ci(state)
    first = sign_in(state, "stable@example.com")
    again = sign_in(state, "stable@example.com", create=False)
    other = sign_in(state, "other@example.com")
    one = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=_logins(state, first["IdToken"]))["IdentityId"]
    two = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=_logins(state, again["IdToken"]))["IdentityId"]
    three = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=_logins(state, other["IdToken"]))["IdentityId"]
    assert one == two != three
    description = boto_client(state, "cognito-identity").describe_identity(IdentityId=one)
    assert description["Logins"] == [provider(state)]


def test_unknown_pool_and_identity(state):
    ci = _ci(state)
    missing_pool = "us-east-1:00000000-0000-0000-0000-000000000000"
    assert refused(ci.get_id, IdentityPoolId=missing_pool) == {
        "Code": "ResourceNotFoundException",
        "Message": f"IdentityPool '{missing_pool}' not found.",
    }
    missing = f"us-east-1:{uuid.uuid4()}"
    assert refused(ci.get_credentials_for_identity, IdentityId=missing) == {
        "Code": "ResourceNotFoundException",
        "Message": f"Identity '{missing}' not found.",
    }
    assert refused(ci.get_open_id_token, IdentityId=missing)["Code"] == "ResourceNotFoundException"
    resp = _raw(state, "GetCredentialsForIdentity", {"IdentityId": "not-an-id"})
    assert resp.status == 400 and resp.json()["__type"] == "ValidationException", resp
    resp = _raw(state, "GetId", {})
    assert resp.status == 400 and resp.json()["__type"] == "ValidationException", resp


# ---------------------------------------------------------------------------- login verification


def test_login_tokens_are_verified(state):
    ci = _ci(state)
    pool = state["identityPoolId"]
    tokens = sign_in(state, "verify@example.com")
    claims = claims_of(tokens["IdToken"])
    now = int(time.time())

    def get_id(logins):
        return refused(ci.get_id, IdentityPoolId=pool, Logins=logins)

    def not_authorized(message):
        return {"Code": "NotAuthorizedException", "Message": message}

    # An access token has client_id, not aud.
    assert get_id(_logins(state, tokens["AccessToken"])) == not_authorized("Invalid login token. Missing a required claim: aud")
    # A changed claim breaks the signature.
    assert get_id(_logins(state, tamper(tokens["IdToken"]))) == not_authorized("Invalid login token. Couldn't verify signed token.")
    # Signed with the right key but expired.
    expired = forged_pool_token(dict(claims, iat=now - 7200, exp=now - 3600))
    assert get_id(_logins(state, expired))["Message"].startswith("Invalid login token. Token expired: ")
    # An ID token of an app client that is not a provider of this identity pool.
    secret = forged_pool_token(dict(claims, aud=state["clientWithSecretId"]))
    assert get_id(_logins(state, secret)) == not_authorized("Token is not from a supported provider of this identity pool.")
    # Signed, right audience, but not an ID token.
    access_like = forged_pool_token(dict(claims, token_use="access"))
    assert get_id(_logins(state, access_like)) == not_authorized("Invalid login token. Not a valid OpenId Connect identity token.")
    # The Logins key must be the token's issuer.
    assert get_id({provider(state, "mfaUserPoolId"): tokens["IdToken"]}) == not_authorized("Invalid login token. Issuer doesn't match providerName")
    # A user pool that is not a provider of the identity pool.
    mfa_pool = forged_pool_token(
        dict(claims, iss=f"https://cognito-idp.us-east-1.amazonaws.com/{state['mfaUserPoolId']}", aud=state["mfaClientId"])
    )
    assert get_id({provider(state, "mfaUserPoolId"): mfa_pool}) == not_authorized("Token is not from a supported provider of this identity pool.")
    # Not a JWT at all; a provider nobody configured.
    assert get_id(_logins(state, "not-a-token")) == not_authorized("Invalid login token. Not a valid OpenId Connect identity token.")
    google = forged_pool_token(dict(claims, iss="https://accounts.google.com"))
    assert get_id({"accounts.google.com": google}) == not_authorized("Token is not from a supported provider of this identity pool.")
    # The same checks guard GetCredentialsForIdentity.
    guest = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    error = refused(ci.get_credentials_for_identity, IdentityId=guest, Logins=_logins(state, tamper(tokens["IdToken"])))
    assert error == not_authorized("Invalid login token. Couldn't verify signed token.")
    # ... and the untampered token is fine.
    assert ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"]


def test_expired_message_names_now_and_exp(state):
    tokens = sign_in(state, "expiry@example.com")
    exp = int(time.time()) - 10
    expired = forged_pool_token(dict(claims_of(tokens["IdToken"]), exp=exp))
    message = refused(_ci(state).get_id, IdentityPoolId=state["identityPoolId"], Logins=_logins(state, expired))["Message"]
    now = int(message.rsplit(": ", 1)[1].split(" >= ")[0])
    assert message == f"Invalid login token. Token expired: {now} >= {exp}" and now > exp


# ---------------------------------------------------------------------------- GetCredentialsForIdentity


def test_guest_credentials_shape(state):
    ci = _ci(state)
    guest = ci.get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    resp = _raw(state, "GetCredentialsForIdentity", {"IdentityId": guest})
    assert resp.status == 200, resp
    body = resp.json()
    assert body["IdentityId"] == guest
    creds = body["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"])
    assert len(creds["SecretKey"]) == 40
    assert len(creds["SessionToken"]) > 200
    assert isinstance(creds["Expiration"], (int, float))  # epoch seconds, a JSON number
    assert 3590 <= creds["Expiration"] - time.time() <= 3602
    again = ci.get_credentials_for_identity(IdentityId=guest)["Credentials"]
    assert again["AccessKeyId"] != creds["AccessKeyId"]


def test_guest_keeps_its_id_when_signing_in(state):
    ci = _ci(state)
    pool = state["identityPoolId"]
    guest = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    tokens = sign_in(state, "guest-then-user@example.com")
    answer = ci.get_credentials_for_identity(IdentityId=guest, Logins=_logins(state, tokens["IdToken"]))
    assert answer["IdentityId"] == guest
    assert ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"] == guest
    # From now on the identity is authenticated: its login is required.
    error = refused(ci.get_credentials_for_identity, IdentityId=guest)
    assert error == {
        "Code": "NotAuthorizedException",
        "Message": "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    }
    other = sign_in(state, "someone-else@example.com")
    error = refused(ci.get_credentials_for_identity, IdentityId=guest, Logins=_logins(state, other["IdToken"]))
    assert error["Message"].startswith("Logins don't match.")
    error = refused(ci.get_open_id_token, IdentityId=guest)
    assert error["Message"].startswith("Logins don't match.")


def test_guest_signing_in_with_a_login_that_has_an_identity_is_merged(state):
    ci = _ci(state)
    pool = state["identityPoolId"]
    tokens = sign_in(state, "merge@example.com")
    existing = ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    guest = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    answer = ci.get_credentials_for_identity(IdentityId=guest, Logins=_logins(state, tokens["IdToken"]))
    assert answer["IdentityId"] == existing != guest
    error = refused(ci.get_credentials_for_identity, IdentityId=guest)
    assert error == {"Code": "NotAuthorizedException", "Message": f"Access to Identity '{guest}' is forbidden."}
    listed = boto_client(state, "cognito-identity").list_identities(IdentityPoolId=pool, MaxResults=60, HideDisabled=True)
    assert guest not in [i["IdentityId"] for i in listed["Identities"]]


def test_credentials_sign_s3_and_dynamodb_until_they_expire(state):
    ci = _ci(state)
    tokens = sign_in(state, "expiring@example.com")
    identity = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    set_settings(state, credentialSeconds=3)
    try:
        creds = ci.get_credentials_for_identity(IdentityId=identity, Logins=_logins(state, tokens["IdToken"]))["Credentials"]
    finally:
        set_settings(state, credentialSeconds=3600)
    assert creds["Expiration"].timestamp() - time.time() <= 4.1  # whole seconds, never shorter than asked
    key = {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretKey"], "sessionToken": creds["SessionToken"]}
    # Raw signed requests (botocore's signer, our http.client): quick enough for a 3-second key.
    path = f"/{state['bucket']}/private/{quote(identity, safe='')}/note.txt"  # ':' URI-encoded, as SigV4 wants
    resp = send(state, "PUT", path, signed_headers(state, "s3", "PUT", path, body=b"hello", key=key), b"hello")
    assert resp.status == 200, resp
    resp = send(state, "GET", path, signed_headers(state, "s3", "GET", path, key=key))
    assert resp.status == 200 and resp.body == b"hello", resp
    body = json.dumps({"TableName": state["table"], "Item": {"pk": {"S": identity}, "sk": {"S": "note"}}}).encode()
    resp = send(state, "POST", "/", signed_headers(state, "dynamodb", "POST", "/", headers=dynamodb_headers("PutItem"), body=body, key=key), body)
    assert resp.status == 200, resp
    # Without its session token the key is refused.
    no_token = {k: v for k, v in key.items() if k != "sessionToken"}
    resp = send(state, "GET", path, signed_headers(state, "s3", "GET", path, key=no_token))
    assert resp.status == 400 and s3_error(resp)["Code"] == "InvalidToken", resp

    time.sleep(max(0.0, creds["Expiration"].timestamp() - time.time()) + 0.5)
    resp = send(state, "GET", path, signed_headers(state, "s3", "GET", path, key=key))
    assert resp.status == 400 and s3_error(resp)["Code"] == "ExpiredToken", resp
    body = json.dumps({"TableName": state["table"], "Key": {"pk": {"S": identity}, "sk": {"S": "note"}}}).encode()
    resp = send(state, "POST", "/", signed_headers(state, "dynamodb", "POST", "/", headers=dynamodb_headers("GetItem"), body=body, key=key), body)
    assert resp.status == 400 and resp.json()["__type"].endswith("ExpiredTokenException"), resp
    # A fresh call hands out a new key that works again, through boto3 too.
    fresh = ci.get_credentials_for_identity(IdentityId=identity, Logins=_logins(state, tokens["IdToken"]))["Credentials"]
    fresh_key = {"accessKeyId": fresh["AccessKeyId"], "secretAccessKey": fresh["SecretKey"], "sessionToken": fresh["SessionToken"]}
    s3 = boto_client(state, "s3", key=fresh_key)
    assert s3.get_object(Bucket=state["bucket"], Key=f"private/{identity}/note.txt")["Body"].read() == b"hello"
    item = boto_client(state, "dynamodb", key=fresh_key).get_item(TableName=state["table"], Key={"pk": {"S": identity}, "sk": {"S": "note"}})
    assert item["Item"]["sk"] == {"S": "note"}


# ---------------------------------------------------------------------------- deletion, description


def test_deleted_identity_is_gone_and_its_login_gets_a_new_one(state):
    ci = _ci(state)
    admin = boto_client(state, "cognito-identity")
    pool = state["identityPoolId"]
    tokens = sign_in(state, "deleted@example.com")
    identity = ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    # DeleteIdentities needs a signature.
    resp = _raw(state, "DeleteIdentities", {"IdentityIdsToDelete": [identity]})
    assert resp.status == 400 and resp.json()["__type"] == "MissingAuthenticationTokenException", resp
    assert admin.describe_identity(IdentityId=identity)["IdentityId"] == identity
    assert admin.delete_identities(IdentityIdsToDelete=[identity, f"us-east-1:{uuid.uuid4()}"])["UnprocessedIdentityIds"] == []
    error = refused(ci.get_credentials_for_identity, IdentityId=identity, Logins=_logins(state, tokens["IdToken"]))
    assert error == {"Code": "ResourceNotFoundException", "Message": f"Identity '{identity}' not found."}
    assert refused(admin.describe_identity, IdentityId=identity)["Code"] == "ResourceNotFoundException"
    assert refused(ci.get_open_id_token, IdentityId=identity)["Code"] == "ResourceNotFoundException"
    fresh = ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    assert fresh != identity
    assert ci.get_credentials_for_identity(IdentityId=fresh, Logins=_logins(state, tokens["IdToken"]))["IdentityId"] == fresh


def test_list_identities_pages(state):
    admin = boto_client(state, "cognito-identity")
    pool = state["identityPoolId"]
    for _ in range(3):
        _ci(state).get_id(IdentityPoolId=pool)
    first = admin.list_identities(IdentityPoolId=pool, MaxResults=2)
    assert len(first["Identities"]) == 2 and first["NextToken"]
    second = admin.list_identities(IdentityPoolId=pool, MaxResults=60, NextToken=first["NextToken"])
    ids = [i["IdentityId"] for i in first["Identities"] + second["Identities"]]
    assert len(ids) == len(set(ids)) >= 3
    assert refused(_ci(state).list_identities, IdentityPoolId=pool, MaxResults=2)["Code"] == "MissingAuthenticationTokenException"


# ---------------------------------------------------------------------------- pool configuration


def test_pool_without_guests_or_roles(state):
    admin = boto_client(state, "cognito-identity")
    ci = _ci(state)
    pool = admin.create_identity_pool(
        IdentityPoolName="no_guests",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider(state), "ClientId": state["clientId"], "ServerSideTokenCheck": False}],
    )["IdentityPoolId"]
    assert refused(ci.get_id, IdentityPoolId=pool) == {
        "Code": "NotAuthorizedException",
        "Message": "Unauthenticated access is not supported for this identity pool.",
    }
    tokens = sign_in(state, "noroles@example.com")
    identity = ci.get_id(IdentityPoolId=pool, Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    # No roles yet: the pool is misconfigured.
    error = refused(ci.get_credentials_for_identity, IdentityId=identity, Logins=_logins(state, tokens["IdToken"]))
    assert error["Code"] == "InvalidIdentityPoolConfigurationException"
    # Its own identity, not the main pool's: the same user gets another id in another pool.
    main = ci.get_id(IdentityPoolId=state["identityPoolId"], Logins=_logins(state, tokens["IdToken"]))["IdentityId"]
    assert main != identity
    admin.set_identity_pool_roles(IdentityPoolId=pool, Roles={"authenticated": state["authenticatedRoleArn"]})
    assert admin.get_identity_pool_roles(IdentityPoolId=pool)["Roles"] == {"authenticated": state["authenticatedRoleArn"]}
    answer = ci.get_credentials_for_identity(IdentityId=identity, Logins=_logins(state, tokens["IdToken"]))
    assert answer["IdentityId"] == identity
    assert admin.get_identity_pool_roles(IdentityPoolId=state["identityPoolId"])["Roles"] == {
        "authenticated": state["authenticatedRoleArn"],
        "unauthenticated": state["unauthenticatedRoleArn"],
    }


# ---------------------------------------------------------------------------- GetOpenIdToken


def test_get_open_id_token(state):
    ci = _ci(state)
    pool = state["identityPoolId"]
    jwks = send(state, "GET", "/__local/identity/.well-known/jwks.json").json()
    guest = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    token = ci.get_open_id_token(IdentityId=guest)
    assert token["IdentityId"] == guest and rs256_valid(token["Token"], jwks)
    claims = claims_of(token["Token"])
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert claims["aud"] == pool and claims["sub"] == guest and claims["amr"] == ["unauthenticated"]
    assert claims["exp"] - claims["iat"] == 600
    tokens = sign_in(state, "openid@example.com")
    signed_in = ci.get_open_id_token(IdentityId=guest, Logins=_logins(state, tokens["IdToken"]))
    assert signed_in["IdentityId"] == guest
    amr = claims_of(signed_in["Token"])["amr"]
    assert amr[:2] == ["authenticated", provider(state)]
    assert not rs256_valid(tamper(signed_in["Token"]), jwks)
    assert refused(ci.get_open_id_token, IdentityId=guest, Logins=_logins(state, tokens["AccessToken"]))["Code"] == "NotAuthorizedException"


# ---------------------------------------------------------------------------- the local OIDC provider


def test_oidc_provider_logins(state):
    ci = _ci(state)
    pool = state["identityPoolId"]
    assert state["oidcProvider"] == state["endpoint"].split("://", 1)[1] + "/__local/oidc"
    assert state["oidcToken"] == state["endpoint"] + "/__local/oidc/token"
    jwks = send(state, "GET", "/__local/oidc/.well-known/jwks.json")
    assert jwks.status == 200 and jwks.headers["Access-Control-Allow-Origin"] == "*"
    token = oidc_token(state, sub="alice")
    assert rs256_valid(token, jwks.json())
    claims = claims_of(token)
    assert claims["iss"] == state["endpoint"] + "/__local/oidc" and claims["aud"] == state["oidcAudience"] == "cognito-fetch-local"
    logins = {state["oidcProvider"]: token}
    alice = ci.get_id(IdentityPoolId=pool, Logins=logins)["IdentityId"]
    assert ci.get_id(IdentityPoolId=pool, Logins={state["oidcProvider"]: oidc_token(state, sub="alice")})["IdentityId"] == alice
    assert ci.get_id(IdentityPoolId=pool, Logins={state["oidcProvider"]: oidc_token(state, sub="bob")})["IdentityId"] != alice
    assert ci.get_credentials_for_identity(IdentityId=alice, Logins=logins)["IdentityId"] == alice

    def error(token):
        return refused(ci.get_id, IdentityPoolId=pool, Logins={state["oidcProvider"]: token})["Message"]

    assert error(oidc_token(state, sub="alice", aud="someone-else")) == "Invalid login token. Incorrect token audience."
    assert error(oidc_token(state, sub="alice", expiresIn=-5)).startswith("Invalid login token. Token expired: ")
    assert error(tamper(token)) == "Invalid login token. Couldn't verify signed token."
    # A user-pool token under the OIDC provider's name, and the other way round.
    user = sign_in(state, "oidc-mixup@example.com")
    assert error(user["IdToken"]) == "Invalid login token. Issuer doesn't match providerName"
    assert refused(ci.get_id, IdentityPoolId=pool, Logins=_logins(state, token))["Message"] == "Invalid login token. Issuer doesn't match providerName"


def test_oidc_token_endpoint_refuses_bad_requests(state):
    for body in (b"{}", b'{"sub": 1}', b'{"sub": "a", "expiresIn": "soon"}', b'{"sub": "a", "iss": "x"}', b"nonsense"):
        resp = send(state, "POST", "/__local/oidc/token", {"Content-Type": "application/json"}, body)
        assert resp.status == 400 and resp.json()["message"], (body, resp)
    resp = send(state, "GET", "/__local/oidc/token")
    assert resp.status == 405
    config = send(state, "GET", "/__local/oidc/.well-known/openid-configuration").json()
    assert config["issuer"] == state["endpoint"] + "/__local/oidc"


# ---------------------------------------------------------------------------- settings


def test_settings_endpoint(state):
    resp = send(state, "GET", "/__local/settings", {"Origin": "http://127.0.0.1:9999"})
    assert resp.status == 200 and resp.json()["credentialSeconds"] == 3600
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9999"
    for bad in ({"credentialSeconds": 0}, {"credentialSeconds": "2"}, {"credentialSeconds": 1.5}, {"nope": 1}, [1]):
        resp = send(state, "POST", "/__local/settings", {"Content-Type": "application/json"}, json.dumps(bad).encode())
        assert resp.status == 400, (bad, resp)
    assert set_settings(state, credentialSeconds=60)["credentialSeconds"] == 60
    try:
        guest = _ci(state).get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
        creds = _ci(state).get_credentials_for_identity(IdentityId=guest)["Credentials"]
        assert 55 <= creds["Expiration"].timestamp() - time.time() <= 61
    finally:
        set_settings(state, credentialSeconds=3600)
    assert send(state, "GET", "/__local/settings").json()["credentialSeconds"] == 3600
    assert json.loads(state["_state_path"].read_text())["credentialSeconds"] == 3600


def test_unsigned_identity_calls_with_botocore_errors_are_json(state):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        _ci(state).get_id(IdentityPoolId=state["identityPoolId"], Logins={provider(state): "x.y.z"})
    assert caught.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotAuthorizedException"
