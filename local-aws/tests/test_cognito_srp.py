"""SRP: the server math against shared/conformance/srp, then USER_SRP_AUTH end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cognito_helpers import SrpClient, cognito_timestamp, idp, jwt_claims, new_user, pad_hex, refused, srp_login
from conftest import LOCAL_AWS
from local_aws.cognito import srp

CONFORMANCE = next(
    (
        Path(candidate)
        for candidate in (
            os.environ.get("LOCAL_AWS_CONFORMANCE"),
            LOCAL_AWS.parent.parent / "shared" / "conformance",  # CI: shared/ beside the checkout
            "/work/shared/conformance",
        )
        if candidate and (Path(candidate) / "srp").is_dir()
    ),
    Path("/nonexistent"),
)
VECTORS = CONFORMANCE / "srp" / "srp_vectors.json"
PADHEX = CONFORMANCE / "srp" / "padhex.json"
needs_vectors = pytest.mark.skipif(not VECTORS.exists(), reason="shared/conformance/srp is missing")


def _vectors() -> dict:
    return json.loads(VECTORS.read_text())


# ------------------------------------------------------------------ server math


@needs_vectors
def test_group_and_multiplier_match_vectors():
    assert format(srp.K_MULTIPLIER, "x") == _vectors()["helpers"]["k_hex"]["value"]
    A = int(_vectors()["password_claim_signature"][0]["intermediates"]["A_hex"], 16)
    assert A == pow(srp.G, int(_vectors()["password_claim_signature"][0]["inputs"]["a_hex"], 16), srp.N)


@needs_vectors
def test_pad_matches_padhex_vectors():
    cases = json.loads(PADHEX.read_text())["cases"]
    positive = [c for c in cases if c["int"] >= 0]
    assert len(positive) > 100
    for case in positive:
        assert srp.pad(case["int"]).hex().upper() == case["padHex"].upper(), case
    for case in cases:  # and the test client's own padHex, negatives included
        assert pad_hex(case["int"]).upper() == case["padHex"].upper(), case


@needs_vectors
@pytest.mark.parametrize("index", [0, 1])
def test_verifier_accepts_expected_signature_and_rejects_tweaks(index):
    vector = _vectors()["password_claim_signature"][index]
    i, mid = vector["inputs"], vector["intermediates"]
    A = pow(srp.G, int(i["a_hex"], 16), srp.N)
    B = int(i["SRP_B"], 16)
    u = srp.compute_u(A, B)
    assert format(u, "x") == mid["u_hex"]
    assert format(srp.compute_x(i["helperPoolName"], i["idForHash"], i["password"], int(i["SALT"], 16)), "x") == mid["x_hex"]
    S = int(mid["S_hex"], 16)
    assert srp.hkdf_key(S, u).hex() == mid["hkdf_hex"]
    common = dict(pool_name=i["helperPoolName"], user_id_for_srp=i["idForHash"], secret_block_b64=i["SECRET_BLOCK"], timestamp=i["TIMESTAMP"])
    expected = vector["expected_PASSWORD_CLAIM_SIGNATURE"]
    assert srp.signature_matches(S=S, u=u, claim_b64=expected, **common)
    tweaked = ("A" if expected[0] != "A" else "B") + expected[1:]
    assert not srp.signature_matches(S=S, u=u, claim_b64=tweaked, **common)
    assert not srp.signature_matches(S=S + 1, u=u, claim_b64=expected, **common)
    assert not srp.signature_matches(S=S, u=u, claim_b64=expected, **dict(common, timestamp=i["TIMESTAMP"] + " "))
    assert not srp.signature_matches(S=S, u=u, claim_b64=expected, **dict(common, user_id_for_srp=i["idForHash"] + "x"))
    assert not srp.signature_matches(S=S, u=u, claim_b64="not base64!", **common)


def test_server_secret_equals_client_secret():
    """The server's S = (A v^u)^b equals the client's S = (B - k g^x)^(a + u x)."""
    salt = srp.new_salt()
    v = srp.verifier("pool", "alice", "pw", salt)
    b, B = srp.server_ephemeral(v)
    a = 123456789123456789
    A = pow(2, a, srp.N)
    u = srp.compute_u(A, B)
    x = srp.compute_x("pool", "alice", "pw", salt)
    client_S = pow((B - srp.K_MULTIPLIER * pow(2, x, srp.N)) % srp.N, a + u * x, srp.N)
    assert srp.server_secret(A, v, u, b) == client_S
    wrong_x = srp.compute_x("pool", "alice", "pw2", salt)
    assert srp.server_secret(A, v, u, b) != pow((B - srp.K_MULTIPLIER * pow(2, wrong_x, srp.N)) % srp.N, a + u * wrong_x, srp.N)


def test_timestamp_format():
    assert srp.parse_timestamp("Tue Feb 1 03:04:05 UTC 2000") == 949374245.0
    assert srp.format_timestamp(949374245) == "Tue Feb 1 03:04:05 UTC 2000"
    assert srp.parse_timestamp("Tue Feb 01 03:04:05 UTC 2000") is None  # zero-padded day
    assert srp.parse_timestamp("Wed Feb 1 03:04:05 UTC 2000") is None  # wrong weekday
    assert srp.parse_timestamp("Tue Feb 1 3:04:05 UTC 2000") is None
    assert srp.parse_timestamp("Tue Feb 1 03:04:05 GMT 2000") is None
    assert srp.parse_timestamp(cognito_timestamp()) is not None


# ------------------------------------------------------------------ over the wire


def test_srp_login_with_right_password_gets_tokens(cognito_server):
    user = cognito_server["users"][0]
    answer = srp_login(cognito_server, user["username"], user["password"])
    result = answer["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["RefreshToken"]
    assert jwt_claims(result["IdToken"])["cognito:username"] == user["username"]
    assert jwt_claims(result["IdToken"])["email_verified"] is True
    me = idp(cognito_server).get_user(AccessToken=result["AccessToken"])
    assert me["Username"] == user["username"]


def test_srp_login_with_wrong_password_is_refused(cognito_server):
    user = cognito_server["users"][0]
    error = refused(srp_login, cognito_server, user["username"], user["password"] + "x")
    assert error == {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


def _start(state, username, srp_client=None):
    srp_client = srp_client or SrpClient(state["userPoolId"])
    start = idp(state).initiate_auth(
        AuthFlow="USER_SRP_AUTH", ClientId=state["clientId"], AuthParameters={"USERNAME": username, "SRP_A": srp_client.srp_a}
    )
    return srp_client, start


def _respond(state, responses):
    return idp(state).respond_to_auth_challenge(ClientId=state["clientId"], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)


def test_challenge_parameters_and_stable_salt(cognito_server):
    user = cognito_server["users"][0]
    _, first = _start(cognito_server, user["username"])
    _, second = _start(cognito_server, user["username"])
    params = first["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert params["USER_ID_FOR_SRP"] == params["USERNAME"] == user["username"]
    assert params["SALT"] == second["ChallengeParameters"]["SALT"]
    assert params["SRP_B"] != second["ChallengeParameters"]["SRP_B"]
    assert params["SECRET_BLOCK"] != second["ChallengeParameters"]["SECRET_BLOCK"]


def test_tweaked_signature_timestamp_and_secret_block_are_refused(cognito_server):
    user = cognito_server["users"][0]
    # a zero-padded day of the month is not Cognito's TIMESTAMP format
    client, start = _start(cognito_server, user["username"])
    padded = "Tue Feb 01 03:04:05 UTC 2000"
    assert refused(_respond, cognito_server, client.answer(start["ChallengeParameters"], user["password"], padded))["Code"] == "NotAuthorizedException"
    # a well-formed but far-off timestamp
    client, start = _start(cognito_server, user["username"])
    old = cognito_timestamp(0)
    assert refused(_respond, cognito_server, client.answer(start["ChallengeParameters"], user["password"], old))["Code"] == "NotAuthorizedException"
    # one flipped character of the signature
    client, start = _start(cognito_server, user["username"])
    answer = client.answer(start["ChallengeParameters"], user["password"])
    signature = answer["PASSWORD_CLAIM_SIGNATURE"]
    answer["PASSWORD_CLAIM_SIGNATURE"] = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert refused(_respond, cognito_server, answer)["Message"] == "Incorrect username or password."
    # the secret block is single use: a correct answer after a wrong one for the same block fails
    answer = client.answer(start["ChallengeParameters"], user["password"])
    assert refused(_respond, cognito_server, answer)["Code"] == "NotAuthorizedException"
    # an unknown secret block
    client, start = _start(cognito_server, user["username"])
    params = dict(start["ChallengeParameters"], SECRET_BLOCK="AAAA" + start["ChallengeParameters"]["SECRET_BLOCK"][4:])
    assert refused(_respond, cognito_server, client.answer(params, user["password"]))["Code"] == "NotAuthorizedException"
    # and the right answer still works
    client, start = _start(cognito_server, user["username"])
    assert "AuthenticationResult" in _respond(cognito_server, client.answer(start["ChallengeParameters"], user["password"]))


@pytest.mark.parametrize("srp_a", [format(srp.N, "x"), "0", format(2 * srp.N, "x")])
def test_a_that_is_zero_mod_n_is_refused(cognito_server, srp_a):
    error = refused(
        idp(cognito_server).initiate_auth,
        AuthFlow="USER_SRP_AUTH",
        ClientId=cognito_server["clientId"],
        AuthParameters={"USERNAME": cognito_server["users"][0]["username"], "SRP_A": srp_a},
    )
    assert error["Code"] == "NotAuthorizedException"


def test_unknown_user_gets_a_simulated_challenge_then_not_authorized(cognito_server):
    _, first = _start(cognito_server, "nobody@example.com")
    client, second = _start(cognito_server, "nobody@example.com")
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    assert first["ChallengeParameters"]["SALT"] == second["ChallengeParameters"]["SALT"]
    assert first["ChallengeParameters"]["USER_ID_FOR_SRP"] == second["ChallengeParameters"]["USER_ID_FOR_SRP"]
    error = refused(_respond, cognito_server, client.answer(second["ChallengeParameters"], "anything"))
    assert error == {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


def test_srp_after_password_change_uses_the_new_password(cognito_server):
    password = new_user(cognito_server, "srp-change@example.com")
    assert "AuthenticationResult" in srp_login(cognito_server, "srp-change@example.com", password)
    idp(cognito_server).admin_set_user_password(
        UserPoolId=cognito_server["userPoolId"], Username="srp-change@example.com", Password="Another-Passw0rd", Permanent=True
    )
    assert refused(srp_login, cognito_server, "srp-change@example.com", password)["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in srp_login(cognito_server, "srp-change@example.com", "Another-Passw0rd")


def test_srp_for_temporary_password_user_asks_for_new_password(cognito_server):
    idp(cognito_server).admin_create_user(
        UserPoolId=cognito_server["userPoolId"], Username="srp-temp@example.com", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS"
    )
    answer = srp_login(cognito_server, "srp-temp@example.com", "Temp-Passw0rd!")
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert answer["Session"]
    assert refused(srp_login, cognito_server, "srp-temp@example.com", "Wrong-Passw0rd!")["Code"] == "NotAuthorizedException"


def test_custom_auth_with_srp_a(cognito_server):
    user = cognito_server["users"][0]
    client = idp(cognito_server)
    for password, ok in ((user["password"], True), ("wrong-password", False)):
        srp_client = SrpClient(cognito_server["userPoolId"])
        start = client.initiate_auth(
            AuthFlow="CUSTOM_AUTH",
            ClientId=cognito_server["clientId"],
            AuthParameters={"USERNAME": user["username"], "SRP_A": srp_client.srp_a, "CHALLENGE_NAME": "SRP_A"},
        )
        assert start["ChallengeName"] == "PASSWORD_VERIFIER" and start["Session"]
        call = lambda: client.respond_to_auth_challenge(  # noqa: E731
            ClientId=cognito_server["clientId"],
            ChallengeName="PASSWORD_VERIFIER",
            Session=start["Session"],
            ChallengeResponses=srp_client.answer(start["ChallengeParameters"], password),
        )
        if ok:
            assert "AuthenticationResult" in call()
        else:
            assert refused(call)["Code"] == "NotAuthorizedException"
    # CUSTOM_AUTH without SRP needs Lambda triggers, which local-aws does not have
    error = refused(client.initiate_auth, AuthFlow="CUSTOM_AUTH", ClientId=cognito_server["clientId"], AuthParameters={"USERNAME": user["username"]})
    assert error["Code"] == "NotAuthorizedException"
