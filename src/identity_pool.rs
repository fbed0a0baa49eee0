//! Cognito identity pools (the "what can you do in AWS?" half), pure protocol logic.
//! Enhanced flow: GetId, then GetCredentialsForIdentity (both unsigned, JSON 1.1,
//! `X-Amz-Target: AWSCognitoIdentityService.<Operation>`). Basic flow: GetOpenIdToken, then STS
//! AssumeRoleWithWebIdentity (unsigned, query protocol, XML answer). Also: the `Logins` key of a user pool,
//! the stored identity-id record, and when temporary credentials need refreshing (on the server's clock).

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

    /// GetCredentialsForIdentity (enhanced flow).
    pub fn get_credentials_for_identity(&self, identity_id: &str, logins: &[(&str, &str)]) -> Call {
        Call { operation: "GetCredentialsForIdentity", body: with_logins(Object::new().str("IdentityId", identity_id), logins).finish() }
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

/// Credentials as stored when persisting is on.
pub fn credentials_record(c: &Credentials, issued_at: i64, identity_id: &str, principal: &str) -> String {
    Object::new()
        .num("v", RECORD_VERSION)
        .str("accessKeyId", &c.access_key_id)
        .str("secretAccessKey", &c.secret_access_key)
        .str("sessionToken", &c.session_token)
        .num("expiration", c.expiration)
        .num("issuedAt", issued_at)
        .str("identityId", identity_id)
        .str("principal", principal)
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
        let c = cfg().get_credentials_for_identity("us-east-1:abc", &logins);
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
        assert_eq!(credentials_record(&c, 1, "i", "p"), r#"{"v":1,"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":9,"issuedAt":1,"identityId":"i","principal":"p"}"#);
    }
}
