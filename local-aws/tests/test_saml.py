"""SAML 2.0 federation through managed login: the pool as service provider (pysaml2 + xmlsec1),
the local SAML IdP (pysaml2's Server) as the identity provider; <Provider>_<NameID>, attribute
mapping, identities with the IdP's entity ID, forged or replayed responses refused."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from cognito_helpers import idp, jwt_claims
from hosted_ui_helpers import Browser, authorize_url, query_of, token_request


@pytest.fixture(scope="module")
def state(cognito_server):
    return cognito_server


@pytest.fixture(scope="module")
def hosted(state):
    return state["hostedUi"]


def _at_idp(browser: Browser, hosted: dict, **authorize):
    page = browser.get(authorize_url(hosted, identity_provider=hosted["providers"]["saml"], **authorize))
    assert page.status == 302, page
    assert page.location.startswith(hosted["samlIdp"]["entityId"].rsplit("/", 1)[0] + "/sso/redirect?SAMLRequest="), page
    login = browser.get(page.location)
    assert login.status == 200 and 'name="login"' in login.text(), login
    return login


def _post_back(browser: Browser, hosted: dict, page):
    """The IdP's auto-submitting form, posted as the browser would."""
    form = page.form("/saml2/idpresponse")
    assert form["action"] == f"{hosted['domain']}/saml2/idpresponse"
    return form, browser.post(form["action"], form["fields"])


def test_saml_sign_in_creates_the_federated_user(state, hosted):
    carol = hosted["samlIdp"]["users"][0]
    browser = Browser()
    login = _at_idp(browser, hosted, state="saml-state", nonce="saml-nonce")
    assert browser.submit(login, "/sso/login", login="carol", password="wrong").status == 401
    page = browser.submit(login, "/sso/login", login=carol["login"], password=carol["password"])
    form, answer = _post_back(browser, hosted, page)
    assert answer.status == 302 and answer.location.startswith(hosted["callbackUrls"][0]), answer
    back = query_of(answer.location)
    assert back["state"] == "saml-state"
    tokens = token_request(browser, hosted, {"grant_type": "authorization_code", "client_id": hosted["clientId"], "code": back["code"], "redirect_uri": hosted["callbackUrls"][0]})
    claims = jwt_claims(tokens.json()["id_token"])
    name = hosted["providers"]["saml"]
    assert claims["cognito:username"] == f"{name}_{carol['nameId']}" and claims["nonce"] == "saml-nonce"
    assert claims["email"] == "carol@saml.example.com" and claims["name"] == "Carol Example"
    (identity,) = claims["identities"]
    assert identity["providerType"] == "SAML" and identity["providerName"] == name
    assert identity["issuer"] == hosted["samlIdp"]["entityId"] and identity["userId"] == carol["nameId"]
    user = idp(state).admin_get_user(UserPoolId=state["userPoolId"], Username=f"{name}_{carol['nameId']}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"

    # The same response again: its RelayState is spent.
    replay = browser.post(form["action"], form["fields"])
    assert replay.status == 400 and "Invalid relayState" in replay.text()


def test_tampered_saml_response_is_refused(hosted):
    carol = hosted["samlIdp"]["users"][0]
    browser = Browser()
    login = _at_idp(browser, hosted, state="t")
    page = browser.submit(login, "/sso/login", login=carol["login"], password=carol["password"])
    form = page.form("/saml2/idpresponse")
    xml = base64.b64decode(form["fields"]["SAMLResponse"]).decode()
    assert "carol@saml.example.com" in xml
    forged = base64.b64encode(xml.replace("carol@saml.example.com", "admin@saml.example.com").encode()).decode()
    answer = browser.post(form["action"], dict(form["fields"], SAMLResponse=forged))
    assert answer.status == 302 and answer.location.startswith(hosted["callbackUrls"][0]), answer
    back = query_of(answer.location)
    assert back["error"] == "server_error" and back["state"] == "t" and "code" not in back


def test_unsolicited_response_is_refused(hosted):
    page = Browser().post(f"{hosted['domain']}/saml2/idpresponse", {"SAMLResponse": "PHNhbWw+", "RelayState": "forged"})
    assert page.status == 400 and urlsplit(page.url).path == "/saml2/idpresponse"
