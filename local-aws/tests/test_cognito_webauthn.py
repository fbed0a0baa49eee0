"""Passkeys: registration and USER_AUTH WEB_AUTHN sign-in verified by py_webauthn inside local-aws.
The authenticator here is the test's own (a P-256 key from ``cryptography``, CBOR from ``cbor2``,
written from the WebAuthn spec's byte layouts), so the server's verification is exercised with real
signatures: wrong origin, relying party, challenge, signature, missing user verification and a
replayed sign count are each refused."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from cognito_helpers import idp, refused

RP = "localhost"
ORIGIN = "http://localhost:8080"
PASSWORD = "Passkey-Passw0rd!"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """One resident credential on a software authenticator (WebAuthn Level 3, sections 6.1 and 6.5)."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.id = secrets.token_bytes(32)
        self.count = 0

    def _auth_data(self, rp_id: str, flags: int, attested: bool) -> bytes:
        self.count += 1
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count)
        if attested:
            n = self.key.public_key().public_numbers()
            cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})
            data += bytes(16) + struct.pack(">H", len(self.id)) + self.id + cose
        return data

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(self, options: dict, *, origin: str = ORIGIN, rp_id: str | None = None, uv: bool = True) -> dict:
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = self._auth_data(rp_id or options["rp"]["id"], 0x41 | (0x04 if uv else 0), True)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.id), "rawId": b64url(self.id), "type": "public-key", "authenticatorAttachment": "platform",
            "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation), "transports": ["internal"]},
            "clientExtensionResults": {},
        }

    def get(self, options: dict, *, origin: str = ORIGIN, uv: bool = True, replay_count: int | None = None) -> dict:
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = self._auth_data(options["rpId"], 0x01 | (0x04 if uv else 0), False)
        if replay_count is not None:
            auth_data = auth_data[:33] + struct.pack(">I", replay_count)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.id), "rawId": b64url(self.id), "type": "public-key", "authenticatorAttachment": "platform",
            "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data), "signature": b64url(signature)},
            "clientExtensionResults": {},
        }


def _pool(state, *, webauthn: bool = True, rp: str | None = RP) -> tuple[str, str]:
    client = idp(state)
    factors = ["PASSWORD", "WEB_AUTHN"] if webauthn else ["PASSWORD"]
    pool_id = client.create_user_pool(
        PoolName=f"passkeys-{secrets.token_hex(3)}", UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}, "PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False, "RequireLowercase": False, "RequireNumbers": False, "RequireSymbols": False}},
    )["UserPool"]["Id"]
    if rp:
        client.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": rp, "UserVerification": "required"})
    client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], CallbackURLs=[f"{ORIGIN}/callback"])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def _user(state, pool_id, client_id, username) -> str:
    client = idp(state)
    client.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]


def _register(state, token, authenticator, **kwargs):
    client = idp(state)
    options = client.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    return lambda: client.complete_web_authn_registration(AccessToken=token, Credential=authenticator.create(options, **kwargs)), options


def _passkey_challenge(state, client_id, username):
    answer = idp(state).initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username, "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert answer["ChallengeName"] == "WEB_AUTHN", answer
    return answer, json.loads(answer["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def _answer(state, client_id, username, challenge, credential):
    return idp(state).respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="WEB_AUTHN", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "CREDENTIAL": json.dumps(credential)},
    )


def test_register_list_sign_in_delete(cognito_server):
    state = cognito_server
    client = idp(state)
    pool_id, client_id = _pool(state)
    username = "passkey@example.com"
    token = _user(state, pool_id, client_id, username)
    a = Authenticator()
    complete, options = _register(state, token, a)
    assert options["rp"]["id"] == RP and options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "required" and options["excludeCredentials"] == []
    complete()
    listed = client.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [b64url(a.id)]
    assert listed[0]["RelyingPartyId"] == RP and listed[0]["AuthenticatorTransports"] == ["internal"]
    # The next registration excludes it.
    _, again = _register(state, token, Authenticator())
    assert [c["id"] for c in again["excludeCredentials"]] == [b64url(a.id)]

    # SELECT_CHALLENGE offers WEB_AUTHN to a user with a passkey.
    choice = client.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username})
    assert "WEB_AUTHN" in choice["AvailableChallenges"]
    challenge, request = _passkey_challenge(state, client_id, username)
    assert request["rpId"] == RP and request["allowCredentials"][0]["id"] == b64url(a.id) and request["userVerification"] == "required"
    done = _answer(state, client_id, username, challenge, a.get(request))
    assert done["AuthenticationResult"]["AccessToken"]
    # The session is single use.
    assert refused(_answer, state, client_id, username, challenge, a.get(request))["Code"] == "NotAuthorizedException"

    # Deleted: no longer offered, and a sign-in with it is refused.
    client.delete_web_authn_credential(AccessToken=token, CredentialId=b64url(a.id))
    assert client.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
    assert refused(client.delete_web_authn_credential, AccessToken=token, CredentialId=b64url(a.id))["Code"] == "ResourceNotFoundException"
    choice = client.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username})
    assert "WEB_AUTHN" not in choice["AvailableChallenges"]


def test_ceremonies_are_verified(cognito_server):
    state = cognito_server
    pool_id, client_id = _pool(state)
    username = "strict@example.com"
    token = _user(state, pool_id, client_id, username)
    a = Authenticator()
    complete, _ = _register(state, token, a, origin="http://evil.example")
    assert refused(complete)["Code"] == "WebAuthnOriginNotAllowedException"
    complete, _ = _register(state, token, a, origin="http://localhost.evil.example:8080")
    assert refused(complete)["Code"] == "WebAuthnOriginNotAllowedException"
    complete, _ = _register(state, token, a, origin="http://localhost:8081")  # not a callback URL's origin
    assert refused(complete)["Code"] == "WebAuthnOriginNotAllowedException"
    complete, _ = _register(state, token, a, rp_id="example.com")
    assert refused(complete)["Code"] == "WebAuthnRelyingPartyMismatchException"
    complete, _ = _register(state, token, a, uv=False)  # UserVerification required
    assert refused(complete)["Code"] == "InvalidParameterException"
    # A credential for another challenge: the pending one is used up by the first try.
    complete, options = _register(state, token, a)
    client = idp(state)
    stale = a.create(dict(options, challenge=b64url(secrets.token_bytes(32))))
    assert refused(client.complete_web_authn_registration, AccessToken=token, Credential=stale)["Code"] == "InvalidParameterException"
    assert refused(complete)["Code"] == "WebAuthnChallengeNotFoundException"
    complete, _ = _register(state, token, a)
    complete()

    for bad in (
        lambda r: a.get(r, origin="http://evil.example"),
        lambda r: a.get(r, uv=False),
        lambda r: a.get(dict(r, challenge=b64url(b"other"))),
        lambda r: dict(a.get(r), response=dict(a.get(r)["response"], signature=b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01"))),
        lambda r: a.get(r, replay_count=1),
        lambda r: Authenticator().get(r),
    ):
        challenge, request = _passkey_challenge(state, client_id, username)
        error = refused(_answer, state, client_id, username, challenge, bad(request))
        assert error["Code"] in ("NotAuthorizedException", "WebAuthnOriginNotAllowedException"), error
    challenge, request = _passkey_challenge(state, client_id, username)
    assert _answer(state, client_id, username, challenge, a.get(request))["AuthenticationResult"]["AccessToken"]


def test_pool_settings(cognito_server):
    state = cognito_server
    client = idp(state)
    pool_id, client_id = _pool(state, webauthn=False)
    token = _user(state, pool_id, client_id, "nopasskeys@example.com")
    assert refused(client.start_web_authn_registration, AccessToken=token)["Code"] == "WebAuthnNotEnabledException"
    # A preferred challenge that is not available gives the choice instead (as for every first factor here).
    answer = client.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters={"USERNAME": "nopasskeys@example.com", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert answer["ChallengeName"] == "SELECT_CHALLENGE" and "WEB_AUTHN" not in answer["AvailableChallenges"]
    pool_id, client_id = _pool(state, rp=None)
    token = _user(state, pool_id, client_id, "norp@example.com")
    assert refused(client.start_web_authn_registration, AccessToken=token)["Code"] == "WebAuthnConfigurationMissingException"
    pool_id, _ = _pool(state)
    assert client.get_user_pool_mfa_config(UserPoolId=pool_id)["WebAuthnConfiguration"] == {"RelyingPartyId": RP, "UserVerification": "required"}
