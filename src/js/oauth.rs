//! OAuth 2.0 with PKCE against the user pool's domain ([`crate::oauth`]) for the JS layer's `signInWithRedirect`,
//! `signInWithPopup`, `handleRedirect` and hosted sign-out (`pkg-config/oauth.js`), which does the navigation,
//! `sessionStorage`, the popup's `postMessage`, `fetch` and `JSON.parse`.

use super::{join, Fields};
use crate::error::Result;
use crate::oauth::{self, Authorize, Callback, IdClaims, Outcome};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::{cat, srp};

/// `oauthConfig`: domain, scope (space-separated), then the redirect URLs. After checking them: the domain's
/// origin.
pub fn config(f: &mut Fields) -> Result<String> {
    let origin = oauth::domain_origin(f.str())?;
    oauth::check_scope(f.str())?;
    for url in f.list() {
        oauth::check_redirect(url)?;
    }
    Ok(origin)
}

/// `oauthStart`: origin, clientId, redirectUri, scope, provider, custom provider name, loginHint, lang, prompt,
/// 96 random bytes as hex, now (local, Unix seconds), method, customState. `authorize URL\0pending record`.
pub fn start(f: &mut Fields) -> Result<String> {
    let (origin, client_id, redirect_uri, scope) = (f.str(), f.str(), f.str(), f.str());
    let identity_provider = oauth::identity_provider(f.opt(), f.opt())?;
    let (login_hint, lang, prompt) = (f.opt(), f.opt(), f.opt());
    let random = srp::from_hex(f.str()).and_then(|r| <[u8; oauth::RANDOM_BYTES]>::try_from(r).ok());
    let random = random.ok_or_else(|| super::invalid("oauthStart takes 96 random bytes as hex"))?;
    let now = f.int().unwrap_or(0);
    let (method, custom_state) = (f.str(), f.opt());
    let a = Authorize { origin, client_id, redirect_uri, scope, state: "", code_challenge: "", nonce: "", identity_provider, login_hint, lang, prompt };
    let s = oauth::start(&a, &random, now, method, custom_state)?;
    Ok(join(&[&s.url, &s.record]))
}

/// `oauthIsPopup`: a redirect's state. Whether a popup sign-in's (hand it to the opener).
pub fn is_popup(f: &mut Fields) -> Result<String> {
    Ok(super::yes(oauth::is_popup_state(f.str())))
}

/// `oauthCallback`: the pending request's state ("" when this tab has none) and expiresAt, then the redirect's
/// code, state, error, error_description, and now (local). `"1"`: exchange the code; `""`: not ours, ignore.
pub fn callback(f: &mut Fields) -> Result<String> {
    let (state, expires_at) = (f.opt(), f.int().unwrap_or(0));
    let cb = Callback { code: f.opt(), state: f.opt(), error: f.opt(), error_description: f.opt() };
    let outcome = oauth::check_callback(state.map(|s| (s, expires_at)), &cb, f.int().unwrap_or(0))?;
    Ok(super::yes(outcome == Outcome::Exchange))
}

/// `oauthError`: error, error_description. The token endpoint's coded error (always fails).
pub fn error(f: &mut Fields) -> Result<String> {
    Err(oauth::oauth_error(f.str(), f.opt()))
}

/// `oauthTokenForm`: clientId, clientSecret (or ""), then `"code"` with code, redirectUri, verifier, or
/// `"revoke"` with the refresh token. `form body\0Authorization header ("" without a secret)`.
pub fn token_form(f: &mut Fields) -> Result<String> {
    let (client_id, secret) = (f.str(), f.opt());
    let body = match f.str() {
        "code" => oauth::token_form(client_id, f.str(), f.str(), f.str()),
        "revoke" => oauth::revoke_form(client_id, f.str()),
        _ => return Err(super::invalid("unknown token request")),
    };
    Ok(join(&[&body, &secret.map(|s| oauth::basic_auth(client_id, s)).unwrap_or_default()]))
}

/// `oauthIdToken`: the ID token's iss, exp, token_use, nonce (each "" when absent), then region, userPoolId,
/// endpoint (or ""), clientId, the pending nonce, now on the server's clock, then the `aud` strings (a list).
/// `""` when the token is this sign-in's.
pub fn id_token(f: &mut Fields) -> Result<String> {
    let (iss, exp, token_use, nonce) = (f.opt(), f.int(), f.opt(), f.opt());
    let (region, pool_id, endpoint) = (f.str(), f.str(), f.opt());
    let (client_id, expected_nonce, server_now) = (f.str(), f.str(), f.int().unwrap_or(0));
    let aud = f.list();
    let aws = oauth::issuer(region, pool_id);
    // A custom endpoint (a proxy, local-aws) may issue under its own URL: `<endpoint>/<poolId>`.
    let custom = endpoint.map(|e| cat(&[crate::trim_end_byte(e, b'/'), "/", pool_id]));
    let mut issuers = vec![aws.as_str()];
    issuers.extend(custom.as_deref());
    let claims = IdClaims { iss, aud: &aud, exp, token_use, nonce };
    oauth::check_id_token(&claims, &issuers, client_id, expected_nonce, server_now)?;
    Ok(String::new())
}

/// `oauthLogout`: origin, clientId, logoutUri. The hosted UI's `/logout` URL.
pub fn logout(f: &mut Fields) -> Result<String> {
    let (origin, client_id, logout_uri) = (f.str(), f.str(), f.str());
    oauth::check_redirect(logout_uri)?;
    Ok(oauth::logout_url(origin, client_id, logout_uri))
}
