"""Managed login (hosted UI) on <domain>.auth.localhost: /oauth2/authorize, the sign-in form (with
the MFA step), /oauth2/token (code + PKCE, refresh), /oauth2/userInfo, /oauth2/revoke, /logout,
discovery; the app client's OAuth settings through Create/UpdateUserPoolClient."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from cognito_helpers import idp, jwt_claims, new_user, refused, totp_code
from conftest import send
from hosted_ui_helpers import Browser, authorize_url, password_sign_in, pkce, query_of, token_request
from identity_helpers import provider, rs256_valid, unsigned

PASSWORD = "Test-Passw0rd!"


@pytest.fixture(scope="module")
def state(cognito_server):
    return cognito_server


@pytest.fixture(scope="module")
def hosted(state):
    return state["hostedUi"]


def _user(state, name: str) -> str:
    username = f"{name}-{time.time_ns()}@example.com"
    new_user(state, username)
    return username


def _code(browser: Browser, hosted: dict, username: str, **authorize) -> str:
    """A code for ``username``: through the form, or at once when this browser is signed in already."""
    page = browser.get(authorize_url(hosted, **authorize))
    if page.status == 302 and urlsplit(page.location).path == "/login":
        page = browser.submit(browser.get(page.location), "/login", username=username, password=PASSWORD)
    assert page.status == 302, page
    assert page.location.startswith(hosted["callbackUrls"][0]), page
    return query_of(page.location)["code"]


def _exchange(browser: Browser, hosted: dict, code: str, verifier: str | None = None, **extra):
    form = {"grant_type": "authorization_code", "client_id": hosted["clientId"], "code": code, "redirect_uri": hosted["callbackUrls"][0]}
    if verifier is not None:
        form["code_verifier"] = verifier
    form.update(extra)
    return token_request(browser, hosted, form)


def test_code_flow_with_pkce_gives_tokens_like_api_sign_in(state, hosted):
    username = _user(state, "flow")
    browser = Browser()
    verifier, challenge = pkce()
    page = browser.get(authorize_url(hosted, scope="openid email profile aws.cognito.signin.user.admin", state="st-1", nonce="n-123", code_challenge=challenge, code_challenge_method="S256"))
    assert page.status == 302 and urlsplit(page.location).path == "/login"
    login = browser.get(page.location)
    assert login.status == 200 and 'name="password"' in login.text()
    answer = browser.submit(login, "/login", username=username, password=PASSWORD)
    assert answer.status == 302, answer
    back = query_of(answer.location)
    assert answer.location.startswith("http://localhost:8080/www/?") and back["state"] == "st-1"
    tokens = _exchange(browser, hosted, back["code"], verifier)
    assert tokens.status == 200, tokens
    body = tokens.json()
    assert set(body) == {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600

    jwks = send(state, "GET", f"/{state['userPoolId']}/.well-known/jwks.json").json()
    assert rs256_valid(body["id_token"], jwks) and rs256_valid(body["access_token"], jwks)
    id_claims = jwt_claims(body["id_token"])
    assert id_claims["aud"] == hosted["clientId"] and id_claims["token_use"] == "id"
    assert id_claims["cognito:username"] == username and id_claims["email"] == username
    assert id_claims["nonce"] == "n-123" and "at_hash" in id_claims
    assert id_claims["iss"] == f"https://cognito-idp.{state['region']}.amazonaws.com/{state['userPoolId']}"
    access = jwt_claims(body["access_token"])
    assert access["scope"] == "openid email profile aws.cognito.signin.user.admin" and access["client_id"] == hosted["clientId"]

    # The same kind of tokens as API sign-in: the user API, REFRESH_TOKEN_AUTH, the identity pool.
    assert idp(state).get_user(AccessToken=body["access_token"])["Username"] == username
    refreshed = idp(state).initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=hosted["clientId"], AuthParameters={"REFRESH_TOKEN": body["refresh_token"]})
    assert jwt_claims(refreshed["AuthenticationResult"]["AccessToken"])["scope"] == access["scope"]
    fresh = unsigned(state, "cognito-idp").get_tokens_from_refresh_token(RefreshToken=body["refresh_token"], ClientId=hosted["clientId"])
    assert jwt_claims(fresh["AuthenticationResult"]["IdToken"])["cognito:username"] == username
    identity = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"], Logins={provider(state): body["id_token"]})
    assert identity["IdentityId"].startswith(f"{state['region']}:")


def test_signed_in_browser_gets_a_code_without_the_form_until_logout(state, hosted):
    username = _user(state, "sso")
    browser = Browser()
    _code(browser, hosted, username)
    assert "cognito" in browser.cookies[urlsplit(hosted["domain"]).hostname]
    again = browser.get(authorize_url(hosted, state="s2"))
    assert again.status == 302 and again.location.startswith(hosted["callbackUrls"][0]) and "code" in query_of(again.location)

    logout = browser.get(f"{hosted['domain']}/logout?client_id={hosted['clientId']}&logout_uri=http%3A%2F%2Flocalhost%3A8080%2Fwww%2F")
    assert logout.status == 302 and logout.location == "http://localhost:8080/www/"
    assert "cognito" not in browser.cookies.get(urlsplit(hosted["domain"]).hostname, {})
    after = browser.get(authorize_url(hosted))
    assert after.status == 302 and urlsplit(after.location).path == "/login", after


def test_logout_only_to_registered_urls(hosted):
    browser = Browser()
    page = browser.get(f"{hosted['domain']}/logout?client_id={hosted['clientId']}&logout_uri=https%3A%2F%2Fevil.example%2F")
    assert page.status == 302 and urlsplit(page.location).path == "/error"
    assert query_of(page.location)["error"] == "redirect_mismatch"
    assert browser.get(page.location).status == 400


def test_wrong_password_stays_on_the_form(state, hosted):
    username = _user(state, "wrong")
    page = password_sign_in(Browser(), hosted, username, "not-the-password")
    assert page.status == 200 and "Incorrect username or password." in page.text()
    unknown = password_sign_in(Browser(), hosted, "nobody@example.com", PASSWORD)
    assert unknown.status == 200 and "Incorrect username or password." in unknown.text()


def test_form_without_its_xsrf_cookie_is_refused(state, hosted):
    username = _user(state, "xsrf")
    browser = Browser()
    login = browser.get(browser.get(authorize_url(hosted)).location)
    browser.cookies.clear()
    page = browser.submit(login, "/login", username=username, password=PASSWORD)
    assert page.status == 400 and "code=" not in (page.location or "")


def test_wrong_verifier_and_reused_code_are_invalid_grant(state, hosted):
    username = _user(state, "pkce")
    browser = Browser()
    verifier, challenge = pkce()
    code = _code(browser, hosted, username, code_challenge=challenge, code_challenge_method="S256")
    wrong = _exchange(browser, hosted, code, pkce()[0])
    assert (wrong.status, wrong.json()) == (400, {"error": "invalid_grant"})
    # The code was spent by the failed attempt too.
    assert _exchange(browser, hosted, code, verifier).json() == {"error": "invalid_grant"}

    code = _code(browser, hosted, username, code_challenge=challenge, code_challenge_method="S256")
    missing = _exchange(browser, hosted, code)
    assert missing.json() == {"error": "invalid_request"}

    code = _code(browser, hosted, username)
    assert _exchange(browser, hosted, code).status == 200
    assert _exchange(browser, hosted, code).json() == {"error": "invalid_grant"}
    assert _exchange(browser, hosted, "not-a-code").json() == {"error": "invalid_grant"}

    code = _code(browser, hosted, username)
    other = _exchange(browser, hosted, code, redirect_uri="http://localhost:8080/other/")
    assert other.json() == {"error": "invalid_grant"}


def test_authorize_refuses_unregistered_redirects_and_unknown_clients(hosted):
    browser = Browser()
    page = browser.get(authorize_url(hosted, redirect_uri="https://evil.example/cb", state="x"))
    assert page.status == 302 and not page.location.startswith("https://evil.example")
    assert urlsplit(page.location).path == "/error" and query_of(page.location) == {"error": "redirect_mismatch", "client_id": hosted["clientId"]}
    assert "redirect_mismatch" in browser.get(page.location).text()

    unknown = browser.get(authorize_url(hosted, client_id="nosuchclient0000000000000"))
    assert unknown.status == 302 and urlsplit(unknown.location).path == "/error"
    missing = browser.get(f"{hosted['domain']}/oauth2/authorize?client_id={hosted['clientId']}")
    assert urlsplit(missing.location).path == "/error"


def test_authorize_errors_after_the_redirect_is_trusted_go_back_with_state(hosted):
    browser = Browser()
    cases = [
        ({"scope": "openid admin:everything"}, "invalid_scope"),
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"identity_provider": "Facebook"}, "invalid_request"),
    ]
    for extra, error in cases:
        page = browser.get(authorize_url(hosted, state="keep-me", **extra))
        assert page.status == 302 and page.location.startswith(hosted["callbackUrls"][0]), (extra, page)
        assert query_of(page.location) == {"error": error, "state": "keep-me"}, extra


def test_mfa_step_asks_for_the_authenticator_code(state, hosted):
    mfa = hosted["mfa"]
    browser = Browser()
    page = password_sign_in(browser, hosted, mfa["username"], mfa["password"])
    assert page.status == 200 and 'name="code"' in page.text(), page
    wrong = browser.submit(page, "/login/mfa", code="000000" if totp_code(mfa["totpSecret"]) != "000000" else "111111")
    assert wrong.status == 200 and "Invalid code" in wrong.text()
    # Start-up verified the authenticator with the previous time step's code, so this one is fresh.
    done = browser.submit(wrong, "/login/mfa", code=totp_code(mfa["totpSecret"]))
    assert done.status == 302 and "code" in query_of(done.location), done
    tokens = _exchange(browser, hosted, query_of(done.location)["code"])
    assert jwt_claims(tokens.json()["id_token"])["cognito:username"] == mfa["username"]


def test_new_password_step_for_temporary_passwords(state, hosted):
    username = f"temp-{time.time_ns()}@example.com"
    idp(state).admin_create_user(UserPoolId=state["userPoolId"], Username=username, TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": username}])
    browser = Browser()
    page = password_sign_in(browser, hosted, username, "Temp-Passw0rd!")
    assert 'name="new_password"' in page.text()
    done = browser.submit(page, "/login/new-password", new_password="New-Passw0rd!")
    assert done.status == 302 and "code" in query_of(done.location), done
    assert idp(state).admin_get_user(UserPoolId=state["userPoolId"], Username=username)["UserStatus"] == "CONFIRMED"


def test_refresh_grant_user_info_revoke(state, hosted):
    username = _user(state, "refresh")
    browser = Browser()
    tokens = _exchange(browser, hosted, _code(browser, hosted, username, scope="openid email")).json()
    refreshed = token_request(browser, hosted, {"grant_type": "refresh_token", "client_id": hosted["clientId"], "refresh_token": tokens["refresh_token"]})
    assert refreshed.status == 200, refreshed
    assert set(refreshed.json()) == {"id_token", "access_token", "expires_in", "token_type"}
    assert jwt_claims(refreshed.json()["access_token"])["scope"] == "openid email"
    assert "nonce" not in jwt_claims(refreshed.json()["id_token"])

    info = browser.get(f"{hosted['domain']}/oauth2/userInfo", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"})
    assert info.status == 200, info
    assert info.json() == {"sub": jwt_claims(tokens["id_token"])["sub"], "email": username, "email_verified": "true", "username": username}
    assert browser.get(f"{hosted['domain']}/oauth2/userInfo").status == 400
    bad = browser.get(f"{hosted['domain']}/oauth2/userInfo", headers={"Authorization": "Bearer nope"})
    assert bad.status == 401 and bad.json()["error"] == "invalid_token"
    # Without aws.cognito.signin.user.admin the user API refuses the access token.
    assert refused(idp(state).get_user, AccessToken=tokens["access_token"])["Message"] == "Access Token does not have required scopes"

    assert browser.post(f"{hosted['domain']}/oauth2/revoke", {"token": tokens["access_token"], "client_id": hosted["clientId"]}).json() == {"error": "unsupported_token_type"}
    revoked = browser.post(f"{hosted['domain']}/oauth2/revoke", {"token": tokens["refresh_token"], "client_id": hosted["clientId"]})
    assert revoked.status == 200 and revoked.body == b""
    again = token_request(browser, hosted, {"grant_type": "refresh_token", "client_id": hosted["clientId"], "refresh_token": tokens["refresh_token"]})
    assert again.json() == {"error": "invalid_grant"}
    error = refused(idp(state).initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=hosted["clientId"], AuthParameters={"REFRESH_TOKEN": tokens["refresh_token"]})
    assert error["Message"] == "Refresh Token has been revoked"
    gone = browser.get(f"{hosted['domain']}/oauth2/userInfo", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"})
    assert gone.status == 401


def test_api_revoke_token_ends_hosted_refresh_too(state, hosted):
    username = _user(state, "apirevoke")
    browser = Browser()
    tokens = _exchange(browser, hosted, _code(browser, hosted, username)).json()
    unsigned(state, "cognito-idp").revoke_token(Token=tokens["refresh_token"], ClientId=hosted["clientId"])
    again = token_request(browser, hosted, {"grant_type": "refresh_token", "client_id": hosted["clientId"], "refresh_token": tokens["refresh_token"]})
    assert again.json() == {"error": "invalid_grant"}


def test_secret_client_needs_http_basic(state, hosted):
    username = _user(state, "secret")
    browser = Browser()
    client = hosted["clientSecretClientId"]
    code = _code(browser, hosted, username, client_id=client)
    form = {"grant_type": "authorization_code", "client_id": client, "code": code, "redirect_uri": hosted["callbackUrls"][0]}
    assert token_request(browser, hosted, form).json() == {"error": "invalid_client"}
    assert token_request(browser, hosted, form, basic=(client, "wrong")).json() == {"error": "invalid_client"}
    code = _code(browser, hosted, username, client_id=client)
    ok = token_request(browser, hosted, dict(form, code=code), basic=(client, hosted["clientSecret"]))
    assert ok.status == 200, ok
    unknown = token_request(browser, hosted, dict(form, client_id="nosuchclient0000000000000"))
    assert unknown.json() == {"error": "invalid_client"}
    assert token_request(browser, hosted, {"client_id": client}).json() == {"error": "invalid_request"}
    assert token_request(browser, hosted, {"grant_type": "password", "client_id": hosted["clientId"]}).json() == {"error": "unsupported_grant_type"}


def test_token_endpoint_answers_cors(hosted):
    browser = Browser()
    preflight = browser.request("OPTIONS", f"{hosted['domain']}/oauth2/token", headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"]
    answer = token_request(browser, hosted, {"grant_type": "authorization_code", "client_id": hosted["clientId"], "code": "x", "redirect_uri": "y"}, origin="http://localhost:5173")
    assert answer.status == 400 and answer.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    unknown = token_request(browser, hosted, {"grant_type": "authorization_code", "client_id": "nosuchclient0000000000000", "code": "x", "redirect_uri": "y"}, origin="http://localhost:5173")
    assert unknown.json() == {"error": "invalid_client"} and unknown.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_discovery_document(state, hosted):
    doc = send(state, "GET", f"/{state['userPoolId']}/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"https://cognito-idp.{state['region']}.amazonaws.com/{state['userPoolId']}"
    assert doc["authorization_endpoint"] == f"{hosted['domain']}/oauth2/authorize"
    assert doc["token_endpoint"] == f"{hosted['domain']}/oauth2/token"
    assert doc["jwks_uri"] == f"{state['endpoint']}/{state['userPoolId']}/.well-known/jwks.json"
    assert send(state, "GET", doc["jwks_uri"][len(state["endpoint"]):]).status == 200


def test_unknown_domain_and_api_routes_untouched(state, hosted):
    browser = Browser()
    port = urlsplit(hosted["domain"]).port
    assert browser.get(f"http://nosuchdomain.auth.localhost:{port}/oauth2/authorize").status == 404
    assert send(state, "GET", "/__local/state").status == 200


def test_update_user_pool_client_registers_callbacks_as_aws_checks_them(state, hosted):
    client = idp(state)
    pool, client_id = state["userPoolId"], hosted["clientId"]
    current = client.describe_user_pool_client(UserPoolId=pool, ClientId=client_id)["UserPoolClient"]
    keep = {k: v for k, v in current.items() if k in (
        "ClientName", "ExplicitAuthFlows", "PreventUserExistenceErrors", "EnableTokenRevocation", "AllowedOAuthFlows",
        "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient", "SupportedIdentityProviders", "LogoutURLs", "RefreshTokenRotation")}
    for bad in ("http://127.0.0.1:9999/cb", "http://example.com/cb", "https://example.com/cb#frag", "relative/path"):
        error = refused(client.update_user_pool_client, UserPoolId=pool, ClientId=client_id, CallbackURLs=[bad], **keep)
        assert error["Code"] == "InvalidParameterException", bad
    error = refused(client.update_user_pool_client, UserPoolId=pool, ClientId=client_id, **dict(keep, CallbackURLs=["https://a.example/"], SupportedIdentityProviders=["Nope"]))
    assert error["Message"] == f"The provider Nope does not exist for User Pool {pool}"
    error = refused(client.update_user_pool_client, UserPoolId=pool, ClientId=client_id, **dict(keep, CallbackURLs=["https://a.example/"], AllowedOAuthScopes=["openid", "made-up"]))
    assert error["Code"] == "InvalidParameterException"

    callbacks = current["CallbackURLs"] + ["http://localhost:45678/page/"]
    client.update_user_pool_client(UserPoolId=pool, ClientId=client_id, CallbackURLs=callbacks, **keep)
    browser = Browser()
    page = browser.get(authorize_url(hosted, redirect_uri="http://localhost:45678/page/"))
    assert page.status == 302 and urlsplit(page.location).path == "/login"

    # UpdateUserPoolClient replaces the settings: what is left out goes back to its default.
    client.update_user_pool_client(UserPoolId=pool, ClientId=client_id, ClientName=keep["ClientName"])
    bare = client.describe_user_pool_client(UserPoolId=pool, ClientId=client_id)["UserPoolClient"]
    assert not bare.get("CallbackURLs") and bare["AllowedOAuthFlowsUserPoolClient"] is False
    page = browser.get(authorize_url(hosted, state="z"))
    assert urlsplit(page.location).path == "/error"
    client.update_user_pool_client(UserPoolId=pool, ClientId=client_id, CallbackURLs=current["CallbackURLs"], **keep)
    restored = client.describe_user_pool_client(UserPoolId=pool, ClientId=client_id)["UserPoolClient"]
    assert restored["CallbackURLs"] == current["CallbackURLs"] and restored["ExplicitAuthFlows"] == current["ExplicitAuthFlows"]


def test_register_urls_script_adds_a_callback_and_keeps_the_rest(state, hosted):
    import register_urls  # local-aws/register_urls.py, what npm start runs for another PORT

    client = idp(state)
    before = client.describe_user_pool_client(UserPoolId=state["userPoolId"], ClientId=hosted["clientId"])["UserPoolClient"]
    register_urls.register(state, ["http://localhost:45999/www/"])
    after = client.describe_user_pool_client(UserPoolId=state["userPoolId"], ClientId=hosted["clientId"])["UserPoolClient"]
    assert after["CallbackURLs"] == before["CallbackURLs"] + ["http://localhost:45999/www/"]
    assert after["LogoutURLs"] == before["LogoutURLs"] + ["http://localhost:45999/www/"]
    assert {k: v for k, v in after.items() if k not in ("CallbackURLs", "LogoutURLs")} == {k: v for k, v in before.items() if k not in ("CallbackURLs", "LogoutURLs")}
    page = Browser().get(authorize_url(hosted, client_id=hosted["clientSecretClientId"], redirect_uri="http://localhost:45999/www/"))
    assert page.status == 302 and urlsplit(page.location).path == "/login"
