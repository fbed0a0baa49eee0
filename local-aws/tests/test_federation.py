"""Federation through managed login to the local OpenID provider (npm oidc-provider, started by
server.py): identity_provider=Google (a social provider, federating locally) and the OIDC provider
LocalOIDC; first sign-in creates <Provider>_<sub>, attribute mapping, the identities claim, nonce
echoed, consent denied relayed as error=access_denied."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from cognito_helpers import idp, jwt_claims
from hosted_ui_helpers import Browser, authorize_url, query_of, token_request
from identity_helpers import provider, unsigned


@pytest.fixture(scope="module")
def state(cognito_server):
    return cognito_server


@pytest.fixture(scope="module")
def hosted(state):
    return state["hostedUi"]


def _to_idp(browser: Browser, hosted: dict, name: str, **authorize):
    """authorize with identity_provider -> the IdP's sign-in page."""
    page = browser.get(authorize_url(hosted, identity_provider=name, **authorize))
    assert page.status == 302 and page.location.startswith(hosted["idp"]["issuer"]), page
    sent = query_of(page.location)
    assert sent["redirect_uri"] == f"{hosted['domain']}/oauth2/idpresponse" and sent["code_challenge_method"] == "S256"
    page = browser.follow(browser.get(page.location), hosted["domain"])
    assert page.status == 200 and 'name="login"' in page.text(), page
    return page


def _sign_in_at_idp(browser: Browser, hosted: dict, login: dict, page, *, approve: bool = True):
    page = browser.submit(page, "/login", login=login["login"], password=login["password"])
    page = browser.follow(page, hosted["domain"])
    if page.status == 200 and 'id="approve"' in page.text():  # consent
        page = browser.submit(page, "/confirm" if approve else "/abort")
        page = browser.follow(page, hosted["domain"])
    assert page.status in (302, 303) and page.location.startswith(f"{hosted['domain']}/oauth2/idpresponse"), page
    return browser.get(page.location)  # local-aws's answer: a redirect to the app


def _tokens(browser: Browser, hosted: dict, answer) -> dict:
    assert answer.status == 302 and answer.location.startswith(hosted["callbackUrls"][0]), answer
    code = query_of(answer.location)["code"]
    form = {"grant_type": "authorization_code", "client_id": hosted["clientId"], "code": code, "redirect_uri": hosted["callbackUrls"][0]}
    tokens = token_request(browser, hosted, form)
    assert tokens.status == 200, tokens
    return tokens.json()


def _login(hosted: dict, index: int) -> dict:
    return hosted["idp"]["users"][index]


def test_google_first_sign_in_creates_the_federated_user(state, hosted):
    browser = Browser()
    alice = _login(hosted, 0)
    page = _to_idp(browser, hosted, hosted["providers"]["social"], state="app-state", nonce="app-nonce", scope="openid email profile")
    answer = _sign_in_at_idp(browser, hosted, alice, page)
    assert query_of(answer.location)["state"] == "app-state"
    tokens = _tokens(browser, hosted, answer)
    claims = jwt_claims(tokens["id_token"])
    assert claims["cognito:username"] == f"Google_{alice['sub']}"
    assert claims["email"] == alice["email"] and claims["email_verified"] is True and claims["name"] == "Alice Example"
    assert claims["nonce"] == "app-nonce"
    (identity,) = claims["identities"]
    assert identity["userId"] == alice["sub"] and identity["providerName"] == "Google" and identity["providerType"] == "Google"
    assert identity["primary"] == "true" and identity["issuer"] is None and identity["dateCreated"].isdigit()
    user = idp(state).admin_get_user(UserPoolId=state["userPoolId"], Username=f"Google_{alice['sub']}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == alice["email"] and "identities" in attributes

    # The identity pool takes the federated user's ID token like any user-pool ID token.
    identity_id = unsigned(state, "cognito-identity").get_id(IdentityPoolId=state["identityPoolId"], Logins={provider(state): tokens["id_token"]})["IdentityId"]
    assert identity_id.startswith(f"{state['region']}:")
    # Refreshable with the API, like any managed-login token.
    refreshed = idp(state).initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=hosted["clientId"], AuthParameters={"REFRESH_TOKEN": tokens["refresh_token"]})
    assert jwt_claims(refreshed["AuthenticationResult"]["IdToken"])["cognito:username"] == f"Google_{alice['sub']}"


def test_oidc_provider_by_its_own_name_and_second_sign_in_keeps_the_user(state, hosted):
    name = hosted["providers"]["oidc"]
    bob = _login(hosted, 1)
    browser = Browser()
    first = _tokens(browser, hosted, _sign_in_at_idp(browser, hosted, bob, _to_idp(browser, hosted, name)))
    claims = jwt_claims(first["id_token"])
    assert claims["cognito:username"] == f"{name}_{bob['sub']}"
    assert claims["identities"][0]["providerType"] == "OIDC" and claims["identities"][0]["providerName"] == name
    assert "nonce" not in claims

    # Again in a new browser: the IdP asks again, the user pool finds the same user.
    other = Browser()
    again = _tokens(other, hosted, _sign_in_at_idp(other, hosted, bob, _to_idp(other, hosted, name)))
    assert jwt_claims(again["id_token"])["sub"] == claims["sub"]
    assert jwt_claims(again["id_token"])["identities"][0]["dateCreated"] == claims["identities"][0]["dateCreated"]


def test_denied_consent_is_relayed_as_access_denied(hosted):
    browser = Browser()
    page = _to_idp(browser, hosted, hosted["providers"]["oidc"], state="deny-state")
    answer = _sign_in_at_idp(browser, hosted, _login(hosted, 0), page, approve=False)
    assert answer.status == 302 and answer.location.startswith(hosted["callbackUrls"][0]), answer
    back = query_of(answer.location)
    assert back["error"] == "access_denied" and back["state"] == "deny-state" and "code" not in back


def test_wrong_idp_password_stays_at_the_idp(hosted):
    browser = Browser()
    page = _to_idp(browser, hosted, hosted["providers"]["oidc"])
    wrong = browser.submit(page, "/login", login="alice", password="wrong")
    assert wrong.status == 401 and "Incorrect login or password." in wrong.text()


def test_idpresponse_without_a_pending_sign_in_is_refused(hosted):
    page = Browser().get(f"{hosted['domain']}/oauth2/idpresponse?code=x&state=forged")
    assert page.status == 400 and "invalid_state" in page.text()


def test_login_page_offers_the_providers(hosted):
    browser = Browser()
    page = browser.get(browser.get(authorize_url(hosted)).location)
    text = page.text()
    assert 'data-provider="Google"' in text and 'data-provider="LocalOIDC"' in text


def test_federated_session_cookie_signs_in_again_and_logout_clears_it(hosted):
    browser = Browser()
    _tokens(browser, hosted, _sign_in_at_idp(browser, hosted, _login(hosted, 0), _to_idp(browser, hosted, "Google")))
    again = browser.get(authorize_url(hosted, state=str(time.time())))
    assert again.status == 302 and "code" in query_of(again.location)
    browser.get(f"{hosted['domain']}/logout?client_id={hosted['clientId']}&logout_uri=http%3A%2F%2Flocalhost%3A8080%2Fwww%2F")
    after = browser.get(authorize_url(hosted))
    assert urlsplit(after.location).path == "/login"
