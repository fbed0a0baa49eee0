"""Identity pools beyond the user pool's ID token: developer-authenticated identities
(GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, the cognito-identity.amazonaws.com
login), role mappings (Token, Rules, AmbiguousRoleResolution) and CustomRoleArn, each checked by
what the resulting credentials may do in S3 (config.json: the "editors" role writes shared/*,
"readers" only reads it, the authenticated role cannot touch it)."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote

import pytest

from cognito_helpers import password_login, refused
from conftest import LOCAL_AWS, boto_client, run_server, send, signed_headers
from identity_helpers import claims_of, oidc_token, provider, rs256_valid, sign_in, tamper, unsigned

IDENTITY_LOGIN = "cognito-identity.amazonaws.com"


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    config = json.loads((LOCAL_AWS / "config.json").read_text())
    yield from run_server(tmp_path_factory.mktemp("local-aws-roles"), config)


def _dev(state):
    """The app's backend: cognito-identity signed with the development key."""
    return boto_client(state, "cognito-identity")


def _developer_token(state, user: str, **extra) -> dict:
    return _dev(state).get_open_id_token_for_developer_identity(
        IdentityPoolId=state["identityPoolId"], Logins={state["developerProviderName"]: user}, **extra
    )


def _credentials(state, identity_id: str, logins: dict, **extra) -> dict:
    answer = unsigned(state, "cognito-identity").get_credentials_for_identity(IdentityId=identity_id, Logins=logins, **extra)
    c = answer["Credentials"]
    return {"accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretKey"], "sessionToken": c["SessionToken"], "identityId": answer["IdentityId"]}


def _login_credentials(state, logins: dict, **extra) -> dict:
    identity_id = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"], Logins=logins)["IdentityId"]
    return _credentials(state, identity_id, logins, **extra)


def _s3_status(state, key: dict, method: str, object_key: str) -> int:
    path = f"/{state['bucket']}/{quote(object_key, safe='/')}"  # ':' URI-encoded, as SigV4 wants
    body = b"x" if method == "PUT" else b""
    resp = send(state, method, path, signed_headers(state, "s3", method, path, body=body, key=key), body)
    return resp.status


def _role_of(state, key: dict) -> str:
    """Which of the seeded roles ``key`` acts as, told by what S3 lets it do."""
    if _s3_status(state, key, "PUT", f"shared/{uuid.uuid4()}") == 200:
        return "editors"
    if _s3_status(state, key, "GET", "shared/seed.txt") == 200:
        return "readers"
    assert _s3_status(state, key, "PUT", f"private/{key['identityId']}/note") == 200
    return "authenticated"


@pytest.fixture(scope="module", autouse=True)
def shared_object(state):
    boto_client(state, "s3").put_object(Bucket=state["bucket"], Key="shared/seed.txt", Body=b"seed")


@pytest.fixture
def mappings(state):
    """Lets a test change the pool's role mappings; the seeded ones come back afterwards."""
    dev = _dev(state)
    roles = {"authenticated": state["roles"]["authenticated"], "unauthenticated": state["roles"]["unauthenticated"]}

    def set_to(role_mappings: dict) -> None:
        dev.set_identity_pool_roles(IdentityPoolId=state["identityPoolId"], Roles=roles, RoleMappings=role_mappings)

    yield set_to
    dev.set_identity_pool_roles(IdentityPoolId=state["identityPoolId"], Roles=roles, RoleMappings=state["roleMappings"])


def _user_pool_key(state) -> str:
    return f"{provider(state)}:{state['clientId']}"


# ---------------------------------------------------------------------------- developer identities


def test_developer_token_is_issued_and_accepted(state):
    answer = _developer_token(state, "backend-user-1", TokenDuration=120)
    identity_id, token = answer["IdentityId"], answer["Token"]
    claims = claims_of(token)
    assert claims["sub"] == identity_id and claims["aud"] == state["identityPoolId"]
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert "authenticated" in claims["amr"] and state["developerProviderName"] in claims["amr"]
    assert 118 <= claims["exp"] - claims["iat"] <= 120
    jwks = send(state, "GET", "/__local/identity/.well-known/jwks.json").json()
    assert rs256_valid(token, jwks)
    # The same developer user gets the same identity; LookupDeveloperIdentity finds it both ways.
    assert _developer_token(state, "backend-user-1")["IdentityId"] == identity_id
    dev = _dev(state)
    looked = dev.lookup_developer_identity(IdentityPoolId=state["identityPoolId"], DeveloperUserIdentifier="backend-user-1")
    assert looked["IdentityId"] == identity_id and looked["DeveloperUserIdentifierList"] == ["backend-user-1"]
    assert dev.lookup_developer_identity(IdentityPoolId=state["identityPoolId"], IdentityId=identity_id)["DeveloperUserIdentifierList"] == ["backend-user-1"]
    assert refused(dev.lookup_developer_identity, IdentityPoolId=state["identityPoolId"], DeveloperUserIdentifier="nobody")["Code"] == "ResourceNotFoundException"
    assert dev.describe_identity(IdentityId=identity_id)["Logins"] == [state["developerProviderName"]]

    # GetId with the token answers its identity.
    assert unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"], Logins={IDENTITY_LOGIN: token})["IdentityId"] == identity_id
    key = _credentials(state, identity_id, {IDENTITY_LOGIN: token})
    assert key["identityId"] == identity_id
    # A developer identity is authenticated: the authenticated role (its own private prefix).
    assert _role_of(state, key) == "authenticated"
    # An authenticated identity needs its login: without the token it is refused.
    error = refused(unsigned(state, "cognito-identity").get_credentials_for_identity, IdentityId=identity_id)
    assert error["Code"] == "NotAuthorizedException"


def test_developer_token_needs_the_developer_key(state):
    # GetOpenIdTokenForDeveloperIdentity is not unsigned: "You must use AWS developer credentials".
    error = refused(
        unsigned(state, "cognito-identity").get_open_id_token_for_developer_identity,
        IdentityPoolId=state["identityPoolId"],
        Logins={state["developerProviderName"]: "backend-user-2"},
    )
    assert error["Code"] in ("MissingAuthenticationTokenException", "UnrecognizedClientException", "IncompleteSignatureException"), error
    # Identity-pool credentials (a role session) may not call it either.
    identity_id = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    guest = _credentials(state, identity_id, {})
    error = refused(
        boto_client(state, "cognito-identity", key=guest).get_open_id_token_for_developer_identity,
        IdentityPoolId=state["identityPoolId"],
        Logins={state["developerProviderName"]: "backend-user-2"},
    )
    assert error["Code"] in ("AccessDeniedException", "NotAuthorizedException"), error


def test_developer_logins_are_checked(state):
    dev = _dev(state)
    pool = state["identityPoolId"]
    error = refused(dev.get_open_id_token_for_developer_identity, IdentityPoolId=pool, Logins={"login.other.example": "u"})
    assert error["Code"] == "InvalidParameterException"
    error = refused(dev.get_open_id_token_for_developer_identity, IdentityPoolId=pool, Logins={state["developerProviderName"]: "u"}, TokenDuration=86401)
    assert error["Code"] == "ValidationException"
    # One developer user per identity: registering it under another identity is refused.
    first = _developer_token(state, "backend-user-3")["IdentityId"]
    other = _developer_token(state, "backend-user-4")["IdentityId"]
    error = refused(dev.get_open_id_token_for_developer_identity, IdentityPoolId=pool, IdentityId=other, Logins={state["developerProviderName"]: "backend-user-3"})
    assert error["Code"] == "DeveloperUserAlreadyRegisteredException"
    # Linking a second developer user to an identity is allowed.
    linked = dev.get_open_id_token_for_developer_identity(IdentityPoolId=pool, IdentityId=first, Logins={state["developerProviderName"]: "backend-user-5"})
    assert linked["IdentityId"] == first
    users = dev.lookup_developer_identity(IdentityPoolId=pool, IdentityId=first)["DeveloperUserIdentifierList"]
    assert users == ["backend-user-3", "backend-user-5"]


def test_developer_token_for_another_identity_is_refused(state):
    token = _developer_token(state, "backend-user-6")["Token"]
    other = _developer_token(state, "backend-user-7")["IdentityId"]
    error = refused(unsigned(state, "cognito-identity").get_credentials_for_identity, IdentityId=other, Logins={IDENTITY_LOGIN: token})
    assert error["Code"] == "NotAuthorizedException" and error["Message"].startswith("Logins don't match"), error
    guest = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    error = refused(unsigned(state, "cognito-identity").get_credentials_for_identity, IdentityId=guest, Logins={IDENTITY_LOGIN: token})
    assert error["Code"] == "NotAuthorizedException", error


def test_expired_developer_token_is_refused(state):
    answer = _developer_token(state, "backend-user-8", TokenDuration=1)
    time.sleep(2.1)
    error = refused(unsigned(state, "cognito-identity").get_credentials_for_identity, IdentityId=answer["IdentityId"], Logins={IDENTITY_LOGIN: answer["Token"]})
    assert error["Code"] == "NotAuthorizedException" and "Token expired" in error["Message"], error


def test_tampered_or_foreign_developer_token_is_refused(state):
    answer = _developer_token(state, "backend-user-9")
    ci = unsigned(state, "cognito-identity")
    error = refused(ci.get_credentials_for_identity, IdentityId=answer["IdentityId"], Logins={IDENTITY_LOGIN: tamper(answer["Token"])})
    assert error["Code"] == "NotAuthorizedException" and "Couldn't verify signed token" in error["Message"], error
    # A token of another identity pool (audience) is refused.
    dev = _dev(state)
    other_pool = dev.create_identity_pool(IdentityPoolName="other_pool", AllowUnauthenticatedIdentities=False, DeveloperProviderName=state["developerProviderName"])["IdentityPoolId"]
    foreign = dev.get_open_id_token_for_developer_identity(IdentityPoolId=other_pool, Logins={state["developerProviderName"]: "backend-user-9"})
    error = refused(ci.get_credentials_for_identity, IdentityId=answer["IdentityId"], Logins={IDENTITY_LOGIN: foreign["Token"]})
    assert error["Code"] == "NotAuthorizedException" and "audience" in error["Message"], error
    # A guest's OpenID token is not a login.
    guest = ci.get_id(IdentityPoolId=state["identityPoolId"])["IdentityId"]
    guest_token = ci.get_open_id_token(IdentityId=guest)["Token"]
    error = refused(ci.get_credentials_for_identity, IdentityId=guest, Logins={IDENTITY_LOGIN: guest_token})
    assert error["Code"] == "NotAuthorizedException", error
    # The token of a deleted identity names nobody.
    _dev(state).delete_identities(IdentityIdsToDelete=[answer["IdentityId"]])
    error = refused(ci.get_id, IdentityPoolId=state["identityPoolId"], Logins={IDENTITY_LOGIN: answer["Token"]})
    assert error["Code"] == "ResourceNotFoundException", error
    error = refused(ci.get_credentials_for_identity, IdentityId=answer["IdentityId"], Logins={IDENTITY_LOGIN: answer["Token"]})
    assert error["Code"] == "ResourceNotFoundException", error


def test_logins_sizes_are_checked(state):
    # API reference, LoginsMap: keys of 1-128 characters, values of 1-50000 (botocore checks neither).
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.GetId"}
    for logins in ({"a" * 129: "x.y.z"}, {"accounts.google.com": "x" * 50001}, {"accounts.google.com": ""}):
        body = json.dumps({"IdentityPoolId": state["identityPoolId"], "Logins": logins}).encode()
        resp = send(state, "POST", "/", headers, body)
        assert resp.status == 400 and resp.json()["__type"].endswith("ValidationException"), resp
        assert "xxxx" not in resp.json()["message"]


# ---------------------------------------------------------------------------- token-based mapping


def _editor(state) -> dict:
    user = next(u for u in state["users"] if u.get("groups"))
    return password_login(state, user["username"], user["password"])["AuthenticationResult"]


def test_group_roles_are_in_the_id_token(state):
    claims = claims_of(_editor(state)["IdToken"])
    assert sorted(claims["cognito:groups"]) == ["editors", "readers"]
    assert claims["cognito:roles"] == [state["roles"]["editors"], state["roles"]["readers"]]
    assert claims["cognito:preferred_role"] == state["roles"]["editors"]
    assert "cognito:roles" not in claims_of(sign_in(state, "plain-roles@example.com")["IdToken"])


def test_token_mapping_picks_the_preferred_role(state):
    logins = {provider(state): _editor(state)["IdToken"]}
    key = _login_credentials(state, logins)
    assert _role_of(state, key) == "editors"
    # The group roles keep the user's own prefix (config.json).
    assert _s3_status(state, key, "PUT", f"private/{key['identityId']}/note") == 200


def test_custom_role_arn_among_the_tokens_roles(state):
    logins = {provider(state): _editor(state)["IdToken"]}
    key = _login_credentials(state, logins, CustomRoleArn=state["roles"]["readers"])
    assert _role_of(state, key) == "readers"
    assert _s3_status(state, key, "PUT", "shared/not-allowed") == 403
    # A role not in cognito:roles is denied, even the pool's authenticated role.
    for role in (state["roles"]["authenticated"], "arn:aws:iam::123456789012:role/not-a-pool-role"):
        error = refused(_login_credentials, state, logins, CustomRoleArn=role)
        assert error["Code"] == "NotAuthorizedException", error
    # Shorter than ARNString's 20 characters (botocore would not send it; a browser could).
    identity_id = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"], Logins=logins)["IdentityId"]
    body = json.dumps({"IdentityId": identity_id, "Logins": logins, "CustomRoleArn": "arn:short"}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.GetCredentialsForIdentity"}
    resp = send(state, "POST", "/", headers, body)
    assert resp.status == 400 and resp.json()["__type"].endswith("ValidationException"), resp


def test_token_mapping_without_roles_falls_back(state, mappings):
    logins = {provider(state): sign_in(state, "no-group@example.com")["IdToken"]}
    assert _role_of(state, _login_credentials(state, logins)) == "authenticated"
    mappings({_user_pool_key(state): {"Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    error = refused(_login_credentials, state, logins)
    assert error["Code"] == "NotAuthorizedException"
    assert error["Message"] == f"The ambiguous role mapping rules for: {_user_pool_key(state)} denied this request."
    # Two groups with roles and the same precedence: no cognito:preferred_role, so also ambiguous.
    dev = boto_client(state, "cognito-idp")
    for name, role in (("tie-a", state["roles"]["editors"]), ("tie-b", state["roles"]["readers"])):
        dev.create_group(UserPoolId=state["userPoolId"], GroupName=name, RoleArn=role, Precedence=5)
        dev.admin_add_user_to_group(UserPoolId=state["userPoolId"], Username="no-group@example.com", GroupName=name)
    token = sign_in(state, "no-group@example.com", create=False)["IdToken"]
    assert "cognito:preferred_role" not in claims_of(token) and len(claims_of(token)["cognito:roles"]) == 2
    tied = {provider(state): token}
    assert refused(_login_credentials, state, tied)["Code"] == "NotAuthorizedException"
    # ... but CustomRoleArn settles it.
    assert _role_of(state, _login_credentials(state, tied, CustomRoleArn=state["roles"]["readers"])) == "readers"


# ---------------------------------------------------------------------------- rules-based mapping


def _oidc_logins(state, **claims) -> dict:
    token = oidc_token(state, sub=f"rules-{uuid.uuid4()}", aud=state["oidcAudience"], claims=claims)
    return {state["oidcProvider"]: token}


def test_rules_mapping_picks_the_matching_role(state):
    assert _role_of(state, _login_credentials(state, _oidc_logins(state, department="editorial"))) == "editors"
    assert _role_of(state, _login_credentials(state, _oidc_logins(state, department="reviewing"))) == "readers"
    # No rule matches: AmbiguousRoleResolution AuthenticatedRole.
    assert _role_of(state, _login_credentials(state, _oidc_logins(state, department="sales"))) == "authenticated"
    assert _role_of(state, _login_credentials(state, _oidc_logins(state))) == "authenticated"


def test_rules_mapping_custom_role_arn(state):
    # Only the "editorial" rule matches: CustomRoleArn can pick its role, not another one.
    logins = _oidc_logins(state, department="editorial")
    error = refused(_login_credentials, state, logins, CustomRoleArn=state["roles"]["readers"])
    assert error["Code"] == "NotAuthorizedException", error
    assert _role_of(state, _login_credentials(state, logins, CustomRoleArn=state["roles"]["editors"])) == "editors"


def test_rules_match_types_and_deny(state, mappings):
    editors, readers = state["roles"]["editors"], state["roles"]["readers"]
    rules = [
        {"Claim": "team", "MatchType": "Contains", "Value": "edit", "RoleARN": editors},
        {"Claim": "team", "MatchType": "NotEqual", "Value": "none", "RoleARN": readers},
    ]
    mappings({state["oidcProvider"]: {"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": rules}}})
    # Rules are evaluated in order: the first match wins, a later match can be chosen by CustomRoleArn.
    logins = _oidc_logins(state, team="the-editors")
    assert _role_of(state, _login_credentials(state, logins)) == "editors"
    assert _role_of(state, _login_credentials(state, logins, CustomRoleArn=readers)) == "readers"
    assert _role_of(state, _login_credentials(state, _oidc_logins(state, team="ops"))) == "readers"
    # A multi-valued claim matches when one of its values does.
    assert _role_of(state, _login_credentials(state, _oidc_logins(state, team=["ops", "co-editors"]))) == "editors"
    for claims in ({"team": "none"}, {}):
        error = refused(_login_credentials, state, _oidc_logins(state, **claims))
        assert error["Code"] == "NotAuthorizedException"
        assert error["Message"] == f"The ambiguous role mapping rules for: {state['oidcProvider']} denied this request."


def test_set_identity_pool_roles_checks_role_mappings(state, mappings):
    dev = _dev(state)
    pool = state["identityPoolId"]
    roles = {"authenticated": state["roles"]["authenticated"]}
    got = dev.get_identity_pool_roles(IdentityPoolId=pool)
    assert got["RoleMappings"] == state["roleMappings"]
    assert got["RoleMappings"][_user_pool_key(state)] == {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
    bad = [
        ({"Type": "Token"}, "InvalidParameterException"),
        ({"Type": "Rules", "AmbiguousRoleResolution": "Deny"}, "InvalidParameterException"),
        ({"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [{"Claim": "a", "MatchType": "Equals", "Value": "b", "RoleARN": "not-an-arn-at-all-really"}]}}, "InvalidParameterException"),
        ({"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [{"Claim": "a", "MatchType": "Equals", "Value": "b", "RoleARN": state["roles"]["editors"]}] * 26}}, "InvalidParameterException"),
    ]
    for mapping, code in bad:
        error = refused(dev.set_identity_pool_roles, IdentityPoolId=pool, Roles=roles, RoleMappings={state["oidcProvider"]: mapping})
        assert error["Code"] == code, (mapping, error)
    # What botocore's own validation lets through but the service refuses: an unknown enum value.
    body = json.dumps({"IdentityPoolId": pool, "Roles": roles, "RoleMappings": {state["oidcProvider"]: {"Type": "Magic", "AmbiguousRoleResolution": "Deny"}}}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.SetIdentityPoolRoles"}
    resp = send(state, "POST", "/", signed_headers(state, "cognito-identity", "POST", "/", headers=headers, body=body), body)
    assert resp.status == 400 and resp.json()["__type"].endswith("ValidationException"), resp
    # Nothing was changed by the refused calls.
    assert dev.get_identity_pool_roles(IdentityPoolId=pool)["RoleMappings"] == state["roleMappings"]
