//! Cognito identity pools (the "what can you do in AWS?" half), pure protocol logic.
//! Enhanced flow: GetId, then GetCredentialsForIdentity (both unsigned, JSON 1.1,
//! `X-Amz-Target: AWSCognitoIdentityService.<Operation>`). Basic flow: GetOpenIdToken, then STS
//! AssumeRoleWithWebIdentity (unsigned, query protocol, XML answer). Developer-authenticated identities: the
//! app's backend gets an identity id and an OpenID token (GetOpenIdTokenForDeveloperIdentity, signed with its
//! AWS credentials), the page sends the token under [`DEVELOPER_LOGIN`] with that identity id. Also: the
//! `Logins` keys and values each provider takes ([`check_logins`]), `CustomRoleArn`, the stored identity-id
//! record, and when temporary credentials need refreshing (on the server's clock).

use crate::error::{code, Error, Result};
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::user_pool::Call;
use crate::{cat, xml};

pub const TARGET_PREFIX: &str = "AWSCognitoIdentityService.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
pub const STS_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// The identity-id record's format; any other version reads as "no identity yet".
pub const RECORD_VERSION: i64 = 1;
/// Refresh credentials this long before they expire (or a quarter of their lifetime when that is shorter).
pub const REFRESH_MARGIN: i64 = 300;
/// The `Logins` key of an OpenID token that Cognito issued (a developer-authenticated identity's, from
/// GetOpenIdTokenForDeveloperIdentity): "Logins": {"cognito-identity.amazonaws.com": token}.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html>
pub const DEVELOPER_LOGIN: &str = "cognito-identity.amazonaws.com";
/// API reference, `LoginsMap`: at most 10 entries.
pub const MAX_LOGINS: usize = 10;

#[derive(Clone, Copy, Debug)]
pub struct Config<'a> {
    pub region: &'a str,
    pub identity_pool_id: &'a str,
    /// Overrides `https://cognito-identity.<region>.amazonaws.com/`.
    pub endpoint: Option<&'a str>,
    /// Overrides `https://sts.<region>.amazonaws.com/` (basic flow).
    pub sts_endpoint: Option<&'a str>,
}

/// Temporary AWS credentials with their expiry (Unix seconds, server clock) and identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: i64,
}

impl<'a> Config<'a> {
    pub fn new(region: &'a str, identity_pool_id: &'a str) -> Result<Config<'a>> {
        // Identity pool ids are `<region>:<uuid>`.
        match identity_pool_id.split_once(':') {
            Some((r, id)) if !r.is_empty() && !id.is_empty() => {}
            _ => return Err(Error::new(code::INVALID_ARGUMENT, "identityPoolId must look like us-east-1:0000-…")),
        }
        if region.is_empty() {
            return Err(Error::new(code::INVALID_ARGUMENT, "region is required"));
        }
        Ok(Config { region, identity_pool_id, endpoint: None, sts_endpoint: None })
    }

    pub fn endpoint(&self) -> String {
        self.endpoint.map_or_else(|| cat(&["https://cognito-identity.", self.region, ".amazonaws.com/"]), str::to_owned)
    }

    pub fn sts_endpoint(&self) -> String {
        self.sts_endpoint.map_or_else(|| cat(&["https://sts.", self.region, ".amazonaws.com/"]), str::to_owned)
    }

    /// Where this pool's identity id is remembered.
    pub fn storage_key(&self) -> String {
        cat(&["cognito-fetch.identity.", self.identity_pool_id])
    }

    /// Where credentials are kept when the app opts into persisting them.
    pub fn credentials_key(&self) -> String {
        cat(&["cognito-fetch.credentials.", self.identity_pool_id])
    }

    /// GetId: the identity id for these logins (none: a new guest identity).
    pub fn get_id(&self, logins: &[(&str, &str)]) -> Call {
        Call { operation: "GetId", body: with_logins(Object::new().str("IdentityPoolId", self.identity_pool_id), logins).finish() }
    }

    /// GetCredentialsForIdentity (enhanced flow); `custom_role_arn` asks for one of the roles the pool's role
    /// mapping allows this login ([`check_role_arn`]).
    pub fn get_credentials_for_identity(&self, identity_id: &str, logins: &[(&str, &str)], custom_role_arn: Option<&str>) -> Call {
        let body = with_logins(Object::new().str("IdentityId", identity_id), logins).opt_str("CustomRoleArn", custom_role_arn).finish();
        Call { operation: "GetCredentialsForIdentity", body }
    }

    /// GetOpenIdToken (basic flow, first half).
    pub fn get_open_id_token(&self, identity_id: &str, logins: &[(&str, &str)]) -> Call {
        Call { operation: "GetOpenIdToken", body: with_logins(Object::new().str("IdentityId", identity_id), logins).finish() }
    }
}

fn with_logins<'o>(body: &'o mut Object, logins: &[(&str, &str)]) -> &'o mut Object {
    if !logins.is_empty() {
        body.map("Logins", logins);
    }
    body
}

/// The `Logins` key of a token's issuer: `cognito-idp.<region>.amazonaws.com/<userPoolId>` for a user pool's
/// ID token (its `iss` without the scheme), or an OIDC issuer's host and path.
pub fn login_key(issuer: &str) -> String {
    let rest = issuer.strip_prefix("https://").or_else(|| issuer.strip_prefix("http://")).unwrap_or(issuer);
    crate::trim_end_byte(rest, b'/').to_owned()
}

/// What a `Logins` value must look like for its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginKind {
    /// An OpenID Connect ID token (a JWT): a user pool, Google, Apple, an OIDC issuer, Cognito's own token.
    IdToken,
    /// An OAuth access token, opaque: Facebook, Login with Amazon.
    AccessToken,
    /// `token;secret` (Twitter).
    TokenAndSecret,
    /// A base64-encoded SAML response.
    SamlResponse,
}

/// The kind of a `Logins` key, or why it cannot be one. The keys are those of the developer guide's
/// "Identity pools third-party identity providers"
/// (<https://docs.aws.amazon.com/cognito/latest/developerguide/external-identity-providers.html>):
/// `graph.facebook.com`, `accounts.google.com`, `www.amazon.com`, `appleid.apple.com`, `api.twitter.com`,
/// `cognito-idp.<region>.amazonaws.com/<userPoolId>`, a SAML provider's IAM ARN
/// (`arn:aws:iam::<account>:saml-provider/<name>`), an OIDC issuer without its scheme (`login.example.com/path`),
/// and [`DEVELOPER_LOGIN`]. API reference, `IdentityProviderName`: 1 to 128 characters.
pub fn login_kind(key: &str) -> Result<LoginKind> {
    let bad = |why: &str| Err(Error::new(code::INVALID_ARGUMENT, cat(&["the Logins key \"", key, "\" ", why])));
    if key.is_empty() || char_count(key) > 128 {
        return Err(Error::new(code::INVALID_ARGUMENT, "a Logins key must have 1 to 128 characters"));
    }
    if key.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return bad("has spaces or control characters");
    }
    match key {
        "graph.facebook.com" | "www.amazon.com" => return Ok(LoginKind::AccessToken),
        "api.twitter.com" => return Ok(LoginKind::TokenAndSecret),
        "accounts.google.com" | "appleid.apple.com" | DEVELOPER_LOGIN => return Ok(LoginKind::IdToken),
        _ => {}
    }
    if let Some(rest) = key.strip_prefix("arn:") {
        // arn:<partition>:iam::<12-digit account>:saml-provider/<name>
        let (partition, rest) = rest.split_once(':').unwrap_or(("", ""));
        let (service, rest) = rest.split_once(':').unwrap_or(("", ""));
        let (region, rest) = rest.split_once(':').unwrap_or(("", ""));
        let (account, resource) = rest.split_once(':').unwrap_or(("", ""));
        let saml_name = resource.strip_prefix("saml-provider/").unwrap_or("");
        let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if partition.starts_with("aws") && service == "iam" && region.is_empty() && account_ok && !saml_name.is_empty() {
            return Ok(LoginKind::SamlResponse);
        }
        return bad("is not a SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>)");
    }
    // Byte-wise: a substring searcher would cost KiBs of wasm for this one test.
    if key.as_bytes().windows(3).any(|w| w == b"://") {
        return bad("must not have a scheme: use the issuer without https://");
    }
    let (host, path) = key.split_once('/').unwrap_or((key, ""));
    if let Some(pool) = host.strip_prefix("cognito-idp.") {
        // cognito-idp.<region>.amazonaws.com/<region>_<id>
        let region = pool.strip_suffix(".amazonaws.com").or_else(|| pool.strip_suffix(".amazonaws.com.cn")).unwrap_or("");
        let pool_ok = path.split_once('_').is_some_and(|(r, id)| r == region && !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
        if region.is_empty() || !pool_ok {
            return bad("is not a user pool's (cognito-idp.<region>.amazonaws.com/<userPoolId>)");
        }
        return Ok(LoginKind::IdToken);
    }
    // An OIDC issuer: a host name (and port), then an optional path.
    let host_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'));
    if !host_ok || key.ends_with('/') {
        return bad("is not a provider name (an OIDC issuer is its host and path, without https:// or a final /)");
    }
    Ok(LoginKind::IdToken)
}

/// Checks the `Logins` entries before they are sent: at most [`MAX_LOGINS`], each key once and of a known
/// form ([`login_kind`]), each value 1 to 50,000 characters (API reference, `IdentityProviderToken`) and of the
/// form its key takes. The message names the key, never the token.
pub fn check_logins(logins: &[(&str, &str)]) -> Result<()> {
    if logins.len() > MAX_LOGINS {
        return Err(Error::new(code::INVALID_ARGUMENT, "Logins can have at most 10 entries"));
    }
    for (i, &(key, token)) in logins.iter().enumerate() {
        let kind = login_kind(key)?;
        let bad = |why: &str| Err(Error::new(code::INVALID_ARGUMENT, cat(&["the Logins value of \"", key, "\" ", why])));
        if logins.iter().take(i).any(|&(k, _)| k == key) {
            return Err(Error::new(code::INVALID_ARGUMENT, cat(&["the Logins key \"", key, "\" is given twice"])));
        }
        if token.is_empty() || char_count(token) > 50_000 {
            return bad("must have 1 to 50000 characters");
        }
        let ok = match kind {
            LoginKind::IdToken => is_jwt(token),
            LoginKind::AccessToken => !token.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()),
            LoginKind::TokenAndSecret => token.split_once(';').is_some_and(|(t, s)| !t.is_empty() && !s.is_empty()),
            LoginKind::SamlResponse => token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')),
        };
        if !ok {
            return bad(match kind {
                LoginKind::IdToken => "is not an ID token (a JWT)",
                LoginKind::AccessToken => "is not an access token",
                LoginKind::TokenAndSecret => "is not token;secret",
                LoginKind::SamlResponse => "is not a base64 SAML response",
            });
        }
    }
    Ok(())
}

/// Characters (code points) of UTF-8 text: its bytes that do not continue a character. (`chars().count()`
/// brings a vectorised counter into the wasm.)
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// A JWS compact serialization: three base64url parts, the first two non-empty.
fn is_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let b64url = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => !h.is_empty() && !p.is_empty() && b64url(h) && b64url(p) && b64url(s),
        _ => false,
    }
}

/// `CustomRoleArn`: an IAM role's ARN (`arn:<partition>:iam::<account>:role/<name>`), 20 to 2048 characters
/// (API reference, `ARNString`).
pub fn check_role_arn(arn: &str) -> Result<()> {
    let role = arn.strip_prefix("arn:").and_then(|r| r.split_once(':')).and_then(|(partition, r)| r.strip_prefix("iam::").filter(|_| partition.starts_with("aws")));
    let name = role.and_then(|r| r.split_once(':')).filter(|(account, _)| account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).and_then(|(_, r)| r.strip_prefix("role/"));
    if arn.len() < 20 || arn.len() > 2048 || name.is_none_or(str::is_empty) {
        return Err(Error::new(code::INVALID_ARGUMENT, "customRoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)"));
    }
    Ok(())
}

/// An identity id as the API takes it: `<region>:<id>`, `[\w-]+:[0-9a-f-]+`, 1 to 55 characters.
pub fn check_identity_id(id: &str) -> Result<()> {
    let ok = id.len() <= 55
        && id.split_once(':').is_some_and(|(r, u)| {
            !r.is_empty() && !u.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') && u.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
        });
    if !ok {
        return Err(Error::new(code::INVALID_ARGUMENT, "an identity id looks like us-east-1:1a2b3c4d-…"));
    }
    Ok(())
}

/// Form body of STS AssumeRoleWithWebIdentity (basic flow, second half).
pub fn assume_role_with_web_identity(role_arn: &str, session_name: &str, token: &str, duration_seconds: Option<u32>) -> String {
    let enc = |s: &str| crate::sigv4::encode::uri_encode(s.as_bytes(), false);
    let mut out = cat(&[
        "Action=AssumeRoleWithWebIdentity&RoleArn=",
        &enc(role_arn),
        "&RoleSessionName=",
        &enc(session_name),
        "&Version=2011-06-15&WebIdentityToken=",
        &enc(token),
    ]);
    if let Some(d) = duration_seconds {
        out.push_str("&DurationSeconds=");
        out.push_str(&crate::decimal(u64::from(d), 1));
    }
    out
}

/// The credentials in STS's XML answer, or its error (`<Error><Code>…</Code><Message>…</Message>`).
pub fn read_sts_answer(status: u16, xml_text: &str) -> Result<Credentials> {
    if status != 200 {
        let code = xml::text(xml_text, "Code").filter(|c| !c.is_empty()).unwrap_or_else(|| String::from(if status >= 500 { "ServiceError" } else { "UnknownError" }));
        let message = xml::text(xml_text, "Message").unwrap_or_default();
        return Err(Error::service(code, message, status));
    }
    let creds = xml::elements(xml_text, "Credentials");
    let c = creds.first().ok_or_else(|| Error::new("InvalidResponse", "STS answered without Credentials"))?;
    let field = |name: &'static str| xml::text(c, name).filter(|v| !v.is_empty()).ok_or_else(|| Error::new("InvalidResponse", cat(&["STS answered without ", name])));
    let expiration = crate::sigv4::time::parse_iso8601(&field("Expiration")?).ok_or_else(|| Error::new("InvalidResponse", "STS answered with an unreadable Expiration"))?;
    Ok(Credentials { access_key_id: field("AccessKeyId")?, secret_access_key: field("SecretAccessKey")?, session_token: field("SessionToken")?, expiration })
}

/// True when credentials issued at `issued_at` and expiring at `expiration` (server clock) should be replaced
/// at `server_now`: within [`REFRESH_MARGIN`], or within a quarter of their lifetime when that is shorter.
pub fn needs_refresh(issued_at: i64, expiration: i64, server_now: i64) -> bool {
    let lifetime = (expiration - issued_at).max(0);
    let margin = REFRESH_MARGIN.min(lifetime / 4);
    expiration - server_now <= margin
}

/// Errors after which a remembered identity id is dropped and a new one fetched (once): the identity was
/// deleted, or it no longer matches these logins (a guest id after the user changed, an id from another pool).
pub fn is_stale_identity(code: &str) -> bool {
    matches!(code, "ResourceNotFoundException" | "NotAuthorizedException")
}

/// The stored record: the identity id, and whether it belongs to a signed-in user (`principal` is the login
/// that owns it, e.g. `cognito-idp…/pool:sub`; empty for a guest).
pub fn identity_record(identity_id: &str, principal: &str) -> String {
    Object::new().num("v", RECORD_VERSION).str("identityId", identity_id).str("principal", principal).finish()
}

/// Credentials as stored when persisting is on; `role` is the CustomRoleArn they were asked for (or "").
pub fn credentials_record(c: &Credentials, issued_at: i64, identity_id: &str, principal: &str, role: &str) -> String {
    Object::new()
        .num("v", RECORD_VERSION)
        .str("accessKeyId", &c.access_key_id)
        .str("secretAccessKey", &c.secret_access_key)
        .str("sessionToken", &c.session_token)
        .num("expiration", c.expiration)
        .num("issuedAt", issued_at)
        .str("identityId", identity_id)
        .str("principal", principal)
        .str("role", role)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config<'static> {
        Config::new("us-east-1", "us-east-1:1111-2222").unwrap()
    }

    #[test]
    fn bodies() {
        let logins = [("cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab", "id.token.x")];
        assert_eq!(cfg().get_id(&[]).body, r#"{"IdentityPoolId":"us-east-1:1111-2222"}"#);
        assert_eq!(cfg().get_id(&logins).body, r#"{"IdentityPoolId":"us-east-1:1111-2222","Logins":{"cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab":"id.token.x"}}"#);
        let c = cfg().get_credentials_for_identity("us-east-1:abc", &logins, None);
        assert_eq!(c.operation, "GetCredentialsForIdentity");
        assert_eq!(c.body, r#"{"IdentityId":"us-east-1:abc","Logins":{"cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab":"id.token.x"}}"#);
        assert_eq!(cfg().get_open_id_token("us-east-1:abc", &[]).operation, "GetOpenIdToken");
        assert_eq!(cfg().endpoint(), "https://cognito-identity.us-east-1.amazonaws.com/");
        assert_eq!(cfg().sts_endpoint(), "https://sts.us-east-1.amazonaws.com/");
        assert!(Config::new("us-east-1", "nocolon").is_err());
        assert_eq!(login_key("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X"), "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X");
        assert_eq!(login_key("http://127.0.0.1:4566/__local/oidc/"), "127.0.0.1:4566/__local/oidc");
        assert_eq!(
            assume_role_with_web_identity("arn:aws:iam::1:role/r", "s", "a.b+c", Some(900)),
            "Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s&Version=2011-06-15&WebIdentityToken=a.b%2Bc&DurationSeconds=900"
        );
    }

    #[test]
    fn custom_role_arn_body() {
        let logins = [(DEVELOPER_LOGIN, "h.p.s")];
        let c = cfg().get_credentials_for_identity("us-east-1:ab-12", &logins, Some("arn:aws:iam::123456789012:role/editors"));
        assert_eq!(c.body, r#"{"IdentityId":"us-east-1:ab-12","Logins":{"cognito-identity.amazonaws.com":"h.p.s"},"CustomRoleArn":"arn:aws:iam::123456789012:role/editors"}"#);
        assert!(!cfg().get_credentials_for_identity("us-east-1:ab", &[], None).body.contains("CustomRoleArn"));
    }

    #[test]
    fn login_keys() {
        use LoginKind::*;
        for (key, kind) in [
            ("accounts.google.com", IdToken),
            ("appleid.apple.com", IdToken),
            ("graph.facebook.com", AccessToken),
            ("www.amazon.com", AccessToken),
            ("api.twitter.com", TokenAndSecret),
            ("cognito-identity.amazonaws.com", IdToken),
            ("cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12", IdToken),
            ("cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_X", IdToken),
            ("arn:aws:iam::123456789012:saml-provider/Corp", SamlResponse),
            ("arn:aws-us-gov:iam::123456789012:saml-provider/Corp", SamlResponse),
            ("login.example.com", IdToken),
            ("127.0.0.1:4566/__local/oidc", IdToken),
            ("dev-123.okta.com/oauth2/default", IdToken),
        ] {
            assert_eq!(login_kind(key), Ok(kind), "{key}");
        }
        for key in [
            "",
            "https://accounts.google.com",
            "login.example.com/",
            "cognito-idp.us-east-1.amazonaws.com/",
            "cognito-idp.us-east-1.amazonaws.com/eu-west-1_Ab",
            "cognito-idp.us-east-1.amazonaws.com/us-east-1_A-b",
            "cognito-idp.amazonaws.com/us-east-1_Ab",
            "arn:aws:iam::123:saml-provider/Corp",
            "arn:aws:iam::123456789012:oidc-provider/x",
            "arn:aws:iam::123456789012:saml-provider/",
            "arn:aws:s3::123456789012:saml-provider/x",
            "has space.com",
            "bad\u{1}.com",
            "bad!host/x",
        ] {
            let e = login_kind(key).unwrap_err();
            assert_eq!(e.code, code::INVALID_ARGUMENT, "{key}");
        }
        assert!(login_kind(&"a".repeat(128)).is_ok());
        assert!(login_kind(&"a".repeat(129)).is_err());
    }

    #[test]
    fn login_values() {
        let jwt = "eyJh.eyJz.c2ln";
        assert!(check_logins(&[("accounts.google.com", jwt), ("graph.facebook.com", "EAAB0x"), ("api.twitter.com", "t;s")]).is_ok());
        assert!(check_logins(&[("arn:aws:iam::123456789012:saml-provider/Corp", "PHNhbWw+/w==")]).is_ok());
        assert!(check_logins(&[("cognito-identity.amazonaws.com", "eyJh.eyJz.")]).is_ok()); // unsigned parts are the server's to refuse
        let refused = |logins: &[(&str, &str)]| check_logins(logins).unwrap_err();
        for (logins, says) in [
            (&[("accounts.google.com", "not-a-jwt")][..], "is not an ID token"),
            (&[("accounts.google.com", "a.b.c.d")][..], "is not an ID token"),
            (&[("accounts.google.com", "a..c")][..], "is not an ID token"),
            (&[("accounts.google.com", "a+.b.c")][..], "is not an ID token"),
            (&[("graph.facebook.com", "has space")][..], "is not an access token"),
            (&[("api.twitter.com", "no-secret")][..], "is not token;secret"),
            (&[("arn:aws:iam::123456789012:saml-provider/Corp", "<saml/>")][..], "is not a base64 SAML response"),
            (&[("www.amazon.com", "")][..], "1 to 50000"),
            (&[("accounts.google.com", jwt), ("accounts.google.com", jwt)][..], "given twice"),
        ] {
            let e = refused(logins);
            assert_eq!(e.code, code::INVALID_ARGUMENT);
            assert!(e.message.contains(says), "{}", e.message);
            // The key is named, the token never.
            assert!(!e.message.contains("not-a-jwt") && !e.message.contains("has space") && !e.message.contains("<saml"), "{}", e.message);
        }
        let big = "a".repeat(50_001);
        assert!(refused(&[("www.amazon.com", &big)]).message.contains("1 to 50000"));
        let eleven: Vec<(String, &str)> = (0..11).map(|i| (cat(&["p", &crate::decimal(i, 1), ".example.com"]), jwt)).collect();
        let eleven: Vec<(&str, &str)> = eleven.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert!(refused(&eleven).message.contains("at most 10"));
        assert!(check_logins(eleven.get(..10).unwrap()).is_ok());
    }

    #[test]
    fn role_arns_and_identity_ids() {
        assert!(check_role_arn("arn:aws:iam::123456789012:role/editors").is_ok());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/path/to/editors").is_ok());
        assert!(check_role_arn("arn:aws-cn:iam::123456789012:role/r").is_ok());
        for bad in ["", "editors", "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::12345:role/editors", "arn:aws:s3::123456789012:role/x", "arn:aws:iam::123456789012:role/"] {
            assert_eq!(check_role_arn(bad).unwrap_err().code, code::INVALID_ARGUMENT, "{bad}");
        }
        assert!(check_role_arn(&cat(&["arn:aws:iam::123456789012:role/", &"r".repeat(2020)])).is_err());
        assert!(check_identity_id("us-east-1:0b2d359f-08b6-4649-b047-c77a4423ab4e").is_ok());
        for bad in ["", "us-east-1", ":abc", "us-east-1:", "us-east-1:XYZ", "us east:ab", &cat(&["us-east-1:", &"a".repeat(50)])] {
            assert!(check_identity_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sts_answers() {
        let ok = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s/+</SecretAccessKey><SessionToken>t&amp;</SessionToken><Expiration>2024-05-01T12:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"#;
        let c = read_sts_answer(200, ok).unwrap();
        assert_eq!((c.access_key_id.as_str(), c.secret_access_key.as_str(), c.session_token.as_str(), c.expiration), ("ASIAX", "s/+", "t&", 1_714_564_800));
        let err = r#"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad</Message></Error></ErrorResponse>"#;
        let e = read_sts_answer(400, err).unwrap_err();
        assert_eq!((e.code.as_ref(), e.message.as_ref()), ("InvalidIdentityToken", "bad"));
        assert_eq!(read_sts_answer(200, "<x/>").unwrap_err().code, "InvalidResponse");
    }

    #[test]
    fn refresh_margin() {
        // One hour: refresh in the last five minutes.
        assert!(!needs_refresh(0, 3600, 3299));
        assert!(needs_refresh(0, 3600, 3300));
        // Twenty seconds: refresh in the last five.
        assert!(!needs_refresh(0, 20, 14));
        assert!(needs_refresh(0, 20, 15));
        assert!(needs_refresh(0, 20, 100));
    }

    #[test]
    fn records() {
        assert_eq!(identity_record("us-east-1:a", ""), r#"{"v":1,"identityId":"us-east-1:a","principal":""}"#);
        let c = Credentials { access_key_id: "A".into(), secret_access_key: "S".into(), session_token: "T".into(), expiration: 9 };
        assert_eq!(credentials_record(&c, 1, "i", "p", ""), r#"{"v":1,"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":9,"issuedAt":1,"identityId":"i","principal":"p","role":""}"#);
    }
}
