//! OAuth 2.0 authorization code grant with PKCE (RFC 6749, RFC 7636 `S256`) against a Cognito user pool's domain
//! (the hosted UI / managed login, and through it Google, Facebook, Apple, Amazon, SAML and OIDC providers).
//! Pure protocol logic, one function per step, read top to bottom:
//!
//! 1. [`domain_origin`]: the pool's domain as an origin (`https://` unless it is a `localhost` name);
//! 2. [`start`]: from fresh randomness, the PKCE verifier ([`verifier_of`], [`code_challenge`]), `state` and
//!    `nonce`, the authorize URL ([`authorize_url`]) and the pending request ([`Pending::record`]) that the JS layer
//!    keeps in `sessionStorage` (this tab only) until the redirect comes back;
//! 3. [`check_callback`]: the redirect's `state` (equal to the pending one, not expired; the JS layer removes the
//!    record before asking, so it is used once), its `error`, its `code`;
//! 4. [`token_form`]: the token request (`/oauth2/token`), with [`basic_auth`] for an app client with a secret;
//! 5. [`check_id_token`]: the ID token's `iss`, `aud`, `exp` (server clock), `token_use` and `nonce`;
//! 6. [`revoke_form`] and [`logout_url`]: signing out of the hosted session too.
//!
//! The JS layer (`pkg-config/oauth.js`) does the I/O: `crypto.getRandomValues`, storage, navigation, popups,
//! `fetch`, `JSON.parse`. The challenge is hashed here (src/digest.rs), so this works on plain-http pages where
//! `crypto.subtle` is missing. Secrets (code, verifier, tokens) never go into an error message.

use crate::error::{Error, Result};
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::sigv4::encode::uri_encode;
use crate::{base64, cat, digest};

/// Error codes of this module.
pub mod code {
    /// The user pool's `oauth` settings are not usable (an `http:` domain that is not `localhost`, a bad URL ...).
    pub const INVALID_OAUTH_CONFIG: &str = "InvalidOAuthConfig";
    /// The redirect's `state` is not the pending request's (a forged or stale callback: CSRF).
    pub const STATE_MISMATCH: &str = "StateMismatch";
    /// The pending request is older than [`super::PENDING_TTL`].
    pub const REQUEST_EXPIRED: &str = "OAuthRequestExpired";
    /// The authorization server refused (`error=` on the redirect, or the token endpoint's `error`).
    pub const OAUTH_ERROR: &str = "OAuthError";
    /// The ID token's `iss`, `aud`, `exp` or `token_use` is not what this app client expects.
    pub const INVALID_ID_TOKEN: &str = "InvalidIdToken";
    /// The ID token's `nonce` is not the pending request's (a token issued for another request).
    pub const NONCE_MISMATCH: &str = "NonceMismatch";
}

/// The pending request's format; any other version reads as no pending request.
pub const PENDING_VERSION: i64 = 1;
/// How long a sign-in may take between leaving the page and coming back, seconds.
pub const PENDING_TTL: i64 = 600;
/// How a popup's `state` starts: the page the popup comes back to hands the redirect to its opener (whose tab
/// holds the pending request) instead of handling it ([`is_popup_state`]).
pub const POPUP_STATE_PREFIX: &str = "popup.";
/// The method name of a popup sign-in ([`Pending::method`]).
pub const POPUP_METHOD: &str = "signInWithPopup";

/// Whether a redirect's `state` is a popup sign-in's.
pub fn is_popup_state(state: &str) -> bool {
    state.starts_with(POPUP_STATE_PREFIX)
}

/// Random bytes [`start`] takes: 32 each for the verifier, `state` and `nonce` (256 bits each).
pub const RANDOM_BYTES: usize = 96;

fn config_error(why: &'static str) -> Error {
    Error::new(code::INVALID_OAUTH_CONFIG, why)
}

/// `url`'s scheme and host, read byte-wise: `scheme://host[:port][/path][?query][#fragment]`.
/// `None` when it is not that shape, has a user name (`@`) or characters a host cannot have.
fn scheme_host(url: &str) -> Option<(&str, &str)> {
    let i = crate::find_str(url, "://")?;
    let (scheme, rest) = (url.get(..i)?, url.get(i + 3..)?);
    let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host = authority.get(..authority.bytes().position(|b| b == b':').unwrap_or(authority.len()))?;
    let port = authority.get(host.len()..)?;
    let port_ok = port.is_empty() || (port.len() <= 6 && port.bytes().skip(1).all(|b| b.is_ascii_digit()) && port.len() > 1);
    let host_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    (port_ok && host_ok).then_some((scheme, host))
}

/// Whether a scheme and host may carry the code and tokens: https, or http on a `localhost` name.
fn secure_enough(scheme: &str, host: &str) -> bool {
    scheme.eq_ignore_ascii_case("https") || (scheme.eq_ignore_ascii_case("http") && crate::url::is_localhost(host))
}

/// The origin of the user pool's domain. `domain` is what Amplify takes, a bare host (`auth.example.com`,
/// `prefix.auth.us-east-1.amazoncognito.com`; https assumed), or a full origin: `https://…`, or `http://` for a
/// `localhost` name only (local development; anything else over http would expose the code and tokens).
pub fn domain_origin(domain: &str) -> Result<String> {
    let full = if crate::find_str(domain, "://").is_some() { crate::trim_end_byte(domain, b'/').to_owned() } else { cat(&["https://", crate::trim_end_byte(domain, b'/')]) };
    let (scheme, host) = scheme_host(&full).ok_or_else(|| config_error("oauth.domain must be a host name such as auth.example.com, or an origin"))?;
    if full.bytes().skip(scheme.len() + 3).any(|b| matches!(b, b'/' | b'?' | b'#')) {
        return Err(config_error("oauth.domain must be a host or an origin, without a path"));
    }
    if !secure_enough(scheme, host) {
        return Err(config_error("oauth.domain must use https (http only for localhost names)"));
    }
    Ok(full.to_ascii_lowercase())
}

/// A redirect URL (`redirectSignIn`, `redirectSignOut`): absolute, https, or http on a `localhost` name (what
/// Cognito itself allows for callback URLs).
pub fn check_redirect(url: &str) -> Result<()> {
    match scheme_host(url) {
        Some((scheme, host)) if secure_enough(scheme, host) => Ok(()),
        Some(_) => Err(config_error("oauth redirect URLs must use https (http only for localhost names)")),
        None => Err(config_error("oauth redirect URLs must be absolute URLs")),
    }
}

/// RFC 7636 section 4.1: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
pub fn check_verifier(verifier: &str) -> Result<()> {
    let ok = (43..=128).contains(&verifier.len()) && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(crate::error::code::INVALID_ARGUMENT, "a PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~"))
    }
}

/// RFC 7636 section 4.2, `S256`: `BASE64URL(SHA256(ASCII(code_verifier)))`.
pub fn code_challenge(verifier: &str) -> Result<String> {
    check_verifier(verifier)?;
    Ok(base64::encode_url(&digest::sha256(verifier.as_bytes())))
}

/// A verifier (also a `state` or `nonce`) from 32 random bytes: 43 base64url characters (RFC 7636 section 4.1's
/// recommendation).
pub fn verifier_of(random: &[u8; 32]) -> String {
    base64::encode_url(random)
}

/// Which sign-in page `/oauth2/authorize` sends the user to (`identity_provider=`); none: the hosted UI's choice.
pub fn identity_provider<'a>(provider: Option<&'a str>, custom: Option<&'a str>) -> Result<Option<&'a str>> {
    match (provider, custom) {
        (None, None) => Ok(None),
        (Some(p @ ("Google" | "Facebook" | "SignInWithApple" | "LoginWithAmazon" | "COGNITO")), None) => Ok(Some(p)),
        // A SAML or OIDC provider by its name in the user pool (1 to 32 characters, Cognito's limit).
        // Characters counted as UTF-8 lead bytes.
        (None, Some(name)) if (1..=32).contains(&name.bytes().filter(|b| b & 0xc0 != 0x80).count()) && !name.bytes().any(|b| b < 0x20 || b == 0x7f) => Ok(Some(name)),
        _ => Err(Error::new(
            crate::error::code::INVALID_ARGUMENT,
            "provider must be 'Google', 'Facebook', 'SignInWithApple', 'LoginWithAmazon', 'COGNITO' or { custom: name } (1 to 32 characters)",
        )),
    }
}

/// The authorize request's inputs.
#[derive(Clone, Copy, Debug)]
pub struct Authorize<'a> {
    /// From [`domain_origin`].
    pub origin: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    /// Space-separated.
    pub scope: &'a str,
    pub state: &'a str,
    pub code_challenge: &'a str,
    pub nonce: &'a str,
    pub identity_provider: Option<&'a str>,
    pub login_hint: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub prompt: Option<&'a str>,
}

/// A form body (`application/x-www-form-urlencoded`) or query of name/value pairs, each value percent-encoded
/// (everything but `A-Za-z0-9-._~`).
fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&uri_encode(value.as_bytes(), false));
    }
    out
}

/// `GET <origin>/oauth2/authorize?...`: the authorization request (RFC 6749 section 4.1.1) with PKCE (RFC 7636
/// section 4.3) and an OpenID Connect `nonce`, plus Cognito's `identity_provider`, `login_hint`, `lang`, `prompt`.
pub fn authorize_url(a: &Authorize) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [
        ("response_type", Some("code")),
        ("client_id", Some(a.client_id)),
        ("redirect_uri", Some(a.redirect_uri)),
        ("scope", Some(a.scope)),
        ("state", Some(a.state)),
        ("code_challenge", Some(a.code_challenge)),
        ("code_challenge_method", Some("S256")),
        ("nonce", Some(a.nonce)),
        ("identity_provider", a.identity_provider),
        ("login_hint", a.login_hint),
        ("lang", a.lang),
        ("prompt", a.prompt),
    ] {
        if let Some(v) = value {
            pairs.push((name, v));
        }
    }
    cat(&[a.origin, "/oauth2/authorize?", &form(&pairs)])
}

/// `prompt`: what Cognito's managed login takes.
pub fn check_prompt(prompt: Option<&str>) -> Result<()> {
    match prompt {
        None | Some("none" | "login" | "consent" | "select_account") => Ok(()),
        Some(_) => Err(Error::new(crate::error::code::INVALID_ARGUMENT, "prompt must be 'none', 'login', 'consent' or 'select_account'")),
    }
}

/// Scopes: space-separated, and `openid` among them (the ID token, and its `nonce`, are what the sign-in is
/// checked with).
pub fn check_scope(scope: &str) -> Result<()> {
    if scope.split(' ').any(|s| s == "openid") {
        Ok(())
    } else {
        Err(config_error("oauth.scopes must include 'openid'"))
    }
}

/// A sign-in waiting for its redirect, as kept in `sessionStorage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending<'a> {
    pub state: &'a str,
    pub verifier: &'a str,
    pub nonce: &'a str,
    pub redirect_uri: &'a str,
    /// Local clock, Unix seconds: nothing here involves the server.
    pub expires_at: i64,
    /// `signInWithRedirect` or `signInWithPopup`.
    pub method: &'a str,
    /// The app's own value, handed back with the `signedIn` event (never sent anywhere).
    pub custom_state: Option<&'a str>,
}

impl Pending<'_> {
    /// The record (one JSON object, written in one `setItem`).
    pub fn record(&self) -> String {
        Object::new()
            .num("v", PENDING_VERSION)
            .str("state", self.state)
            .str("verifier", self.verifier)
            .str("nonce", self.nonce)
            .str("redirectUri", self.redirect_uri)
            .num("expiresAt", self.expires_at)
            .str("method", self.method)
            .opt_str("customState", self.custom_state)
            .finish()
    }
}

/// A new sign-in request: what the user is sent to and what is kept until they come back.
#[derive(Debug, PartialEq, Eq)]
pub struct Started {
    pub url: String,
    pub record: String,
}

/// Step 2: the verifier, `state` and `nonce` from `random` ([`RANDOM_BYTES`] from `crypto.getRandomValues`), the
/// authorize URL, and the pending record expiring [`PENDING_TTL`] after `now`. `a`'s state, challenge and nonce
/// are replaced.
pub fn start(a: &Authorize, random: &[u8; RANDOM_BYTES], now: i64, method: &str, custom_state: Option<&str>) -> Result<Started> {
    check_scope(a.scope)?;
    check_prompt(a.prompt)?;
    check_redirect(a.redirect_uri)?;
    let part = |i: usize| verifier_of(random.get(i * 32..i * 32 + 32).and_then(|p| <&[u8; 32]>::try_from(p).ok()).unwrap_or(&[0; 32]));
    let (verifier, state, nonce) = (part(0), part(1), part(2));
    let state = if method == POPUP_METHOD { cat(&[POPUP_STATE_PREFIX, &state]) } else { state };
    let challenge = code_challenge(&verifier)?;
    let url = authorize_url(&Authorize { state: &state, code_challenge: &challenge, nonce: &nonce, ..*a });
    let pending = Pending { state: &state, verifier: &verifier, nonce: &nonce, redirect_uri: a.redirect_uri, expires_at: now + PENDING_TTL, method, custom_state };
    Ok(Started { url, record: pending.record() })
}

/// The query parameters of a redirect back to the app (RFC 6749 sections 4.1.2 and 4.1.2.1).
#[derive(Clone, Copy, Debug, Default)]
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
}

/// What to do with a redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not ours (no pending request in this tab): leave it alone.
    Ignore,
    /// Exchange the code.
    Exchange,
}

/// The coded error of an OAuth error answer: `error` (RFC 6749 section 5.2 / 4.1.2.1) and its description in the
/// message. A value with characters the RFC does not allow there is not repeated.
pub fn oauth_error(error: &str, description: Option<&str>) -> Error {
    let printable = |s: &str| s.bytes().all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\');
    let error = if !error.is_empty() && printable(error) { error } else { "invalid_response" };
    let mut message = cat(&[error, ": "]);
    match description {
        Some(d) if printable(d) => message.push_str(d),
        _ => message.push_str("the authorization server refused the sign-in"),
    }
    // Only a server's temporary state is worth trying again.
    Error::new(code::OAUTH_ERROR, message).retryable(matches!(error, "server_error" | "temporarily_unavailable"))
}

/// Step 3: a redirect checked against the pending request (`None` when this tab has none, or its record is
/// unreadable), at local time `now`. The JS layer has removed the pending record before asking: a callback is
/// checked once.
pub fn check_callback(pending: Option<(&str, i64)>, cb: &Callback, now: i64) -> Result<Outcome> {
    let Some((state, expires_at)) = pending else {
        return Ok(Outcome::Ignore);
    };
    if cb.state != Some(state) {
        return Err(Error::new(code::STATE_MISMATCH, "the sign-in redirect's state is not the one this tab sent (a forged or stale callback)"));
    }
    if now >= expires_at {
        return Err(Error::new(code::REQUEST_EXPIRED, "the sign-in took too long: start it again"));
    }
    if let Some(error) = cb.error {
        return Err(oauth_error(error, cb.error_description));
    }
    match cb.code {
        Some(c) if !c.is_empty() => Ok(Outcome::Exchange),
        _ => Err(oauth_error("invalid_response", Some("the redirect has neither a code nor an error"))),
    }
}

/// Step 4: the token request's form body (RFC 6749 section 4.1.3, RFC 7636 section 4.5). `client_id` is sent also
/// with a secret (Cognito's token endpoint takes it either way).
pub fn token_form(client_id: &str, code: &str, redirect_uri: &str, verifier: &str) -> String {
    form(&[("grant_type", "authorization_code"), ("client_id", client_id), ("code", code), ("redirect_uri", redirect_uri), ("code_verifier", verifier)])
}

/// A refresh at the token endpoint (RFC 6749 section 6). The library refreshes through Cognito's API
/// (GetTokensFromRefreshToken, which also rotates); this is the same grant for code that talks OAuth only.
pub fn refresh_form(client_id: &str, refresh_token: &str) -> String {
    form(&[("grant_type", "refresh_token"), ("client_id", client_id), ("refresh_token", refresh_token)])
}

/// `Authorization: Basic …` for an app client with a secret (RFC 6749 section 2.3.1: each part form-encoded).
pub fn basic_auth(client_id: &str, client_secret: &str) -> String {
    let pair = cat(&[&uri_encode(client_id.as_bytes(), false), ":", &uri_encode(client_secret.as_bytes(), false)]);
    cat(&["Basic ", &base64::encode(pair.as_bytes())])
}

/// The ID token's claims that are checked (read by the JS layer's `JSON.parse`; absent ones are `None`).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdClaims<'a> {
    pub iss: Option<&'a str>,
    /// `aud`: one string, or each string of an array.
    pub aud: &'a [&'a str],
    pub exp: Option<i64>,
    pub token_use: Option<&'a str>,
    pub nonce: Option<&'a str>,
}

/// The issuer of a user pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
pub fn issuer(region: &str, user_pool_id: &str) -> String {
    cat(&["https://cognito-idp.", region, ".amazonaws.com/", user_pool_id])
}

/// Step 5: the ID token from the token endpoint, for app client `client_id` of pool `issuers` (the AWS issuer,
/// and with a custom endpoint `<endpoint>/<poolId>` too), for the pending request's `nonce`, at `server_now` (Unix
/// seconds on the server's clock). Its signature is not checked here: it came straight from the token endpoint
/// over TLS (OpenID Connect Core 3.1.3.7, item 6).
pub fn check_id_token(c: &IdClaims, issuers: &[&str], client_id: &str, nonce: &str, server_now: i64) -> Result<()> {
    let bad = |why: &'static str| Err(Error::new(code::INVALID_ID_TOKEN, why));
    if !c.iss.is_some_and(|i| issuers.contains(&i)) {
        return bad("the ID token's issuer is not this user pool");
    }
    if !c.aud.contains(&client_id) {
        return bad("the ID token is not for this app client (aud)");
    }
    if c.token_use != Some("id") {
        return bad("the token is not an ID token (token_use)");
    }
    if c.exp.is_none_or(|e| server_now >= e) {
        return bad("the ID token has expired");
    }
    if c.nonce != Some(nonce) {
        return Err(Error::new(code::NONCE_MISMATCH, "the ID token's nonce is not the one this sign-in sent"));
    }
    Ok(())
}

/// Step 6: the revocation request's form body (Cognito's `/oauth2/revoke`, RFC 7009).
pub fn revoke_form(client_id: &str, refresh_token: &str) -> String {
    form(&[("token", refresh_token), ("client_id", client_id)])
}

/// `GET <origin>/logout?client_id=…&logout_uri=…`: ends the hosted UI's session (its cookie), then sends the user
/// to `logout_uri` (one of the app client's sign-out URLs).
pub fn logout_url(origin: &str, client_id: &str, logout_uri: &str) -> String {
    cat(&[origin, "/logout?", &form(&[("client_id", client_id), ("logout_uri", logout_uri)])])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of<T: core::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Ok(v) => format!("ok {v:?}"),
            Err(e) => e.code.to_string(),
        }
    }

    #[test]
    fn rfc7636_appendix_b() {
        // The octets of Appendix B's verifier, and the verifier and challenge it gives.
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(verifier_of(&octets), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").ok().as_deref(), Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    #[test]
    fn domains() {
        assert_eq!(domain_origin("Auth.Example.com").ok().as_deref(), Some("https://auth.example.com"));
        assert_eq!(domain_origin("p.auth.us-east-1.amazoncognito.com/").ok().as_deref(), Some("https://p.auth.us-east-1.amazoncognito.com"));
        assert_eq!(domain_origin("https://auth.example.com:8443").ok().as_deref(), Some("https://auth.example.com:8443"));
        assert_eq!(domain_origin("http://cognito-fetch-local.auth.localhost:4567").ok().as_deref(), Some("http://cognito-fetch-local.auth.localhost:4567"));
        assert_eq!(domain_origin("HTTP://LocalHost:8080/").ok().as_deref(), Some("http://localhost:8080"));
        for bad in ["http://auth.example.com", "http://127.0.0.1:4567", "http://localhost.example.com", "ftp://x", "", "auth.example.com/x", "https://a.b/?x", "https://a.b/#x", "a b", "https://u@a.b", "https://a.b:x", "https://a.b:", "https://"] {
            assert_eq!(code_of(domain_origin(bad)), "InvalidOAuthConfig", "{bad}");
        }
        assert!(check_redirect("http://localhost:3000/cb").is_ok());
        assert!(check_redirect("https://app.example.com/cb?x=1").is_ok());
        assert_eq!(code_of(check_redirect("http://app.example.com/cb")), "InvalidOAuthConfig");
        assert_eq!(code_of(check_redirect("/cb")), "InvalidOAuthConfig");
        assert_eq!(code_of(check_redirect("https://evil@app.example.com/")), "InvalidOAuthConfig");
        assert_eq!(code_of(check_redirect("http://localhost.evil.com/")), "InvalidOAuthConfig");
        assert!(check_redirect("http://a.localhost/#x").is_ok());
        assert!(check_redirect("http://A.LOCALHOST:1/").is_ok());
        for bad in ["http://xlocalhost/", "http://localhos/", "http://ocalhost/", "http://.localhostx/"] {
            assert_eq!(code_of(check_redirect(bad)), "InvalidOAuthConfig", "{bad}");
        }
    }

    #[test]
    fn providers() {
        assert_eq!(identity_provider(None, None).ok(), Some(None));
        for p in ["Google", "Facebook", "SignInWithApple", "LoginWithAmazon", "COGNITO"] {
            assert_eq!(identity_provider(Some(p), None).ok(), Some(Some(p)));
        }
        assert_eq!(identity_provider(None, Some("LocalOIDC")).ok(), Some(Some("LocalOIDC")));
        for (p, c) in [(Some("Amazon"), None), (Some("google"), None), (None, Some("")), (None, Some("x\ny")), (Some("Google"), Some("X"))] {
            assert_eq!(code_of(identity_provider(p, c)), "InvalidArgument", "{p:?} {c:?}");
        }
        assert_eq!(code_of(identity_provider(None, Some(&"n".repeat(33)))), "InvalidArgument");
    }

    fn authorize() -> Authorize<'static> {
        Authorize {
            origin: "https://auth.example.com",
            client_id: "client1",
            redirect_uri: "https://app.example.com/cb?x=1",
            scope: "openid email",
            state: "S",
            code_challenge: "C",
            nonce: "N",
            identity_provider: None,
            login_hint: None,
            lang: None,
            prompt: None,
        }
    }

    #[test]
    fn authorize_url_exact_query() {
        assert_eq!(
            authorize_url(&authorize()),
            "https://auth.example.com/oauth2/authorize?response_type=code&client_id=client1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1&scope=openid%20email&state=S&code_challenge=C&code_challenge_method=S256&nonce=N"
        );
        let a = Authorize { identity_provider: Some("My IdP"), login_hint: Some("ann@example.com"), lang: Some("fr"), prompt: Some("login"), ..authorize() };
        assert_eq!(
            authorize_url(&a),
            "https://auth.example.com/oauth2/authorize?response_type=code&client_id=client1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1&scope=openid%20email&state=S&code_challenge=C&code_challenge_method=S256&nonce=N&identity_provider=My%20IdP&login_hint=ann%40example.com&lang=fr&prompt=login"
        );
    }

    #[test]
    fn start_uses_the_randomness_and_keeps_the_request() {
        let mut random = [0u8; RANDOM_BYTES];
        for (i, b) in random.iter_mut().enumerate() {
            *b = i as u8;
        }
        let Ok(s) = start(&authorize(), &random, 1_000, "signInWithRedirect", Some("back to /x")) else { unreachable!() };
        let verifier = verifier_of(&core::array::from_fn(|i| i as u8));
        let state = verifier_of(&core::array::from_fn(|i| (i + 32) as u8));
        let nonce = verifier_of(&core::array::from_fn(|i| (i + 64) as u8));
        let challenge = code_challenge(&verifier).unwrap_or_default();
        assert_eq!(verifier.len(), 43);
        assert_eq!(s.url, authorize_url(&Authorize { state: &state, code_challenge: &challenge, nonce: &nonce, ..authorize() }));
        assert_eq!(
            s.record,
            format!(r#"{{"v":1,"state":"{state}","verifier":"{verifier}","nonce":"{nonce}","redirectUri":"https://app.example.com/cb?x=1","expiresAt":1600,"method":"signInWithRedirect","customState":"back to /x"}}"#)
        );
        assert!(!s.url.contains(&verifier), "the verifier never leaves the tab");
        assert!(!is_popup_state(&state));
        // A popup's state says so; the rest is the same.
        let Ok(p) = start(&authorize(), &random, 1_000, "signInWithPopup", None) else { unreachable!() };
        let popup_state = cat(&["popup.", &state]);
        assert!(is_popup_state(&popup_state));
        assert_eq!(p.url, authorize_url(&Authorize { state: &popup_state, code_challenge: &challenge, nonce: &nonce, ..authorize() }));
        // What start refuses.
        assert_eq!(code_of(start(&Authorize { scope: "email", ..authorize() }, &random, 0, "m", None)), "InvalidOAuthConfig");
        assert_eq!(code_of(start(&Authorize { prompt: Some("maybe"), ..authorize() }, &random, 0, "m", None)), "InvalidArgument");
        assert_eq!(code_of(start(&Authorize { redirect_uri: "http://app.example.com/", ..authorize() }, &random, 0, "m", None)), "InvalidOAuthConfig");
    }

    #[test]
    fn callback_state_expiry_and_errors() {
        let cb = |code, state, error, error_description| Callback { code, state, error, error_description };
        let pending = Some(("S1", 1_600));
        // No pending request in this tab: not ours.
        assert_eq!(code_of(check_callback(None, &cb(Some("c"), Some("S1"), None, None), 1_000)), "ok Ignore");
        assert_eq!(code_of(check_callback(pending, &cb(Some("c"), Some("S1"), None, None), 1_000)), "ok Exchange");
        // CSRF: another state, or none.
        assert_eq!(code_of(check_callback(pending, &cb(Some("c"), Some("S2"), None, None), 1_000)), "StateMismatch");
        assert_eq!(code_of(check_callback(pending, &cb(Some("c"), None, None, None), 1_000)), "StateMismatch");
        assert_eq!(code_of(check_callback(pending, &cb(None, Some("S2"), Some("access_denied"), None), 1_000)), "StateMismatch");
        // Expired at expiresAt.
        assert_eq!(code_of(check_callback(pending, &cb(Some("c"), Some("S1"), None, None), 1_599)), "ok Exchange");
        assert_eq!(code_of(check_callback(pending, &cb(Some("c"), Some("S1"), None, None), 1_600)), "OAuthRequestExpired");
        // The server's error, with its description.
        let Err(e) = check_callback(pending, &cb(None, Some("S1"), Some("access_denied"), Some("User denied")), 1_000) else { unreachable!() };
        assert_eq!((&*e.code, &*e.message, e.retryable), ("OAuthError", "access_denied: User denied", false));
        let Err(e) = check_callback(pending, &cb(None, Some("S1"), Some("temporarily_unavailable"), None), 1_000) else { unreachable!() };
        assert_eq!((&*e.message, e.retryable), ("temporarily_unavailable: the authorization server refused the sign-in", true));
        let Err(e) = check_callback(pending, &cb(None, Some("S1"), Some("bad\"one"), Some("x\ny")), 1_000) else { unreachable!() };
        assert_eq!(&*e.message, "invalid_response: the authorization server refused the sign-in");
        // Neither code nor error.
        assert_eq!(code_of(check_callback(pending, &cb(Some(""), Some("S1"), None, None), 1_000)), "OAuthError");
    }

    #[test]
    fn token_revoke_logout_and_basic() {
        assert_eq!(token_form("c1", "a/b", "http://localhost:3000/cb", "v"), "grant_type=authorization_code&client_id=c1&code=a%2Fb&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code_verifier=v");
        assert_eq!(refresh_form("c1", "r+t"), "grant_type=refresh_token&client_id=c1&refresh_token=r%2Bt");
        assert_eq!(revoke_form("c1", "r"), "token=r&client_id=c1");
        assert_eq!(logout_url("https://a.example", "c1", "https://app/x?y"), "https://a.example/logout?client_id=c1&logout_uri=https%3A%2F%2Fapp%2Fx%3Fy");
        // RFC 6749 2.3.1: base64 of "id:secret", each form-encoded first.
        assert_eq!(basic_auth("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw"), "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");
        assert_eq!(basic_auth("a:b", "c"), "Basic YSUzQWI6Yw==");
    }

    #[test]
    fn id_token_claims() {
        let iss = issuer("us-east-1", "us-east-1_EXAMPLE1");
        let issuers = [iss.as_str(), "http://127.0.0.1:4566/us-east-1_EXAMPLE1"];
        let good = IdClaims { iss: Some(&iss), aud: &["c1"], exp: Some(2_000), token_use: Some("id"), nonce: Some("n1") };
        assert!(check_id_token(&good, &issuers, "c1", "n1", 1_999).is_ok());
        assert!(check_id_token(&IdClaims { iss: Some(issuers[1]), ..good }, &issuers, "c1", "n1", 1_000).is_ok());
        assert!(check_id_token(&IdClaims { aud: &["x", "c1"], ..good }, &issuers, "c1", "n1", 1_000).is_ok());
        for (claims, code) in [
            (IdClaims { iss: Some("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER"), ..good }, "InvalidIdToken"),
            (IdClaims { iss: None, ..good }, "InvalidIdToken"),
            (IdClaims { aud: &["other"], ..good }, "InvalidIdToken"),
            (IdClaims { aud: &[], ..good }, "InvalidIdToken"),
            (IdClaims { token_use: Some("access"), ..good }, "InvalidIdToken"),
            (IdClaims { exp: Some(1_000), ..good }, "InvalidIdToken"),
            (IdClaims { exp: None, ..good }, "InvalidIdToken"),
            (IdClaims { nonce: Some("n2"), ..good }, "NonceMismatch"),
            (IdClaims { nonce: None, ..good }, "NonceMismatch"),
        ] {
            assert_eq!(code_of(check_id_token(&claims, &issuers, "c1", "n1", 1_000)), code, "{claims:?}");
        }
    }
}
