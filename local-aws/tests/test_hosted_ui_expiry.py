"""Managed login's authorization codes expire (five minutes at AWS; one second here, through
config.json's cognito.authorizationCodeSeconds)."""

from __future__ import annotations

import time

import pytest

from cognito_helpers import new_user
from hosted_ui_helpers import Browser, authorize_url, password_sign_in, query_of, token_request

COGNITO_SETTINGS = {"authorizationCodeSeconds": 1}


@pytest.fixture(scope="module")
def hosted(cognito_server):
    return cognito_server["hostedUi"]


def test_expired_code_is_invalid_grant(cognito_server, hosted):
    username = f"expiry-{time.time_ns()}@example.com"
    new_user(cognito_server, username)
    browser = Browser()
    page = password_sign_in(browser, hosted, username, "Test-Passw0rd!")
    assert page.status == 302, page
    code = query_of(page.location)["code"]
    time.sleep(1.5)
    form = {"grant_type": "authorization_code", "client_id": hosted["clientId"], "code": code, "redirect_uri": hosted["callbackUrls"][0]}
    answer = token_request(browser, hosted, form)
    assert (answer.status, answer.json()) == (400, {"error": "invalid_grant"})

    page = browser.get(authorize_url(hosted))  # signed in: a fresh code at once, good while it is fresh
    fresh = token_request(browser, hosted, dict(form, code=query_of(page.location)["code"]))
    assert fresh.status == 200, fresh
