//! Cognito user pools (the "who are you?" half), pure protocol logic: configuration, one function per
//! Cognito request (each returns the operation and its JSON body), the sign-in step machine ([`steps`]) and
//! the session kept in storage ([`session`]). Sending, storage and events live in the boundary (`js/user_pool`).
//! Wire: JSON 1.1, `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.

pub mod device;
pub mod passkey;
pub mod session;
pub mod steps;

use crate::error::{code, Error, Result};
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::{cat, srp};

pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// A user pool app client.
#[derive(Clone, Copy, Debug)]
pub struct Config<'a> {
    pub region: &'a str,
    pub user_pool_id: &'a str,
    pub client_id: &'a str,
    /// Only for app clients with a secret: then every call that takes SECRET_HASH carries it.
    pub client_secret: Option<&'a str>,
    /// Overrides `https://cognito-idp.<region>.amazonaws.com/` (local stand-ins, proxies).
    pub endpoint: Option<&'a str>,
}

/// One call to Cognito: the operation name and its JSON body.
#[derive(Debug, PartialEq, Eq)]
pub struct Call {
    pub operation: &'static str,
    pub body: String,
}

impl<'a> Config<'a> {
    pub fn new(region: &'a str, user_pool_id: &'a str, client_id: &'a str) -> Result<Config<'a>> {
        let cfg = Config { region, user_pool_id, client_id, client_secret: None, endpoint: None };
        cfg.pool_name()?;
        if client_id.is_empty() {
            return Err(Error::new(code::INVALID_ARGUMENT, "clientId is required"));
        }
        Ok(cfg)
    }

    /// The user pool id's part after `_` (hashed by SRP). The region is the part before.
    pub fn pool_name(&self) -> Result<&'a str> {
        pool_name(self.user_pool_id)
    }

    pub fn endpoint(&self) -> String {
        match self.endpoint {
            Some(e) => e.to_owned(),
            None => cat(&["https://cognito-idp.", self.region, ".amazonaws.com/"]),
        }
    }

    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret.map(|s| srp::secret_hash(s, username, self.client_id))
    }

    /// A key that names this app client in storage.
    pub fn storage_key(&self) -> String {
        cat(&["cognito-fetch.", self.client_id])
    }

    /// Authentication parameters or challenge responses, with SECRET_HASH last when the client has a secret.
    fn with_secret<'o>(&self, params: &'o mut Object, username: &str) -> &'o mut Object {
        params.opt_str("SECRET_HASH", self.secret_hash(username).as_deref())
    }

    fn call(&self, operation: &'static str, body: &mut Object) -> Call {
        Call { operation, body: body.str("ClientId", self.client_id).finish() }
    }

    /// A call whose body ends with SecretHash (of `username`, when the client has a secret) and ClientId.
    fn call_hashed(&self, operation: &'static str, body: &mut Object, username: &str) -> Call {
        body.opt_str("SecretHash", self.secret_hash(username).as_deref());
        self.call(operation, body)
    }

    /// InitiateAuth USER_SRP_AUTH, with the remembered device's `DEVICE_KEY` when there is one.
    pub fn initiate_srp(&self, username: &str, srp_a: &str, device_key: Option<&str>, metadata: &[(&str, &str)]) -> Call {
        self.initiate("USER_SRP_AUTH", self.with_secret(Object::new().str("USERNAME", username).str("SRP_A", srp_a).opt_str("DEVICE_KEY", device_key), username), metadata)
    }

    /// InitiateAuth USER_PASSWORD_AUTH (the password travels to Cognito over TLS).
    pub fn initiate_password(&self, username: &str, password: &str, metadata: &[(&str, &str)]) -> Call {
        self.initiate("USER_PASSWORD_AUTH", self.with_secret(Object::new().str("USERNAME", username).str("PASSWORD", password), username), metadata)
    }

    /// InitiateAuth USER_AUTH (choice-based): with `preferred` (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP)
    /// Cognito starts that factor at once; without it, it answers SELECT_CHALLENGE with the choices.
    pub fn initiate_user_auth(&self, username: &str, preferred: Option<&str>, factor_params: &[(&str, &str)], metadata: &[(&str, &str)]) -> Call {
        self.initiate("USER_AUTH", self.with_secret(Object::new().str("USERNAME", username).opt_str("PREFERRED_CHALLENGE", preferred).pairs(factor_params), username), metadata)
    }

    /// InitiateAuth CUSTOM_AUTH, starting with SRP when `srp_a` is given (`CHALLENGE_NAME: SRP_A`).
    pub fn initiate_custom(&self, username: &str, srp_a: Option<&str>, metadata: &[(&str, &str)]) -> Call {
        let mut params = Object::new();
        params.str("USERNAME", username);
        if let Some(a) = srp_a {
            params.str("SRP_A", a).str("CHALLENGE_NAME", "SRP_A");
        }
        self.initiate("CUSTOM_AUTH", self.with_secret(&mut params, username), metadata)
    }

    /// InitiateAuth REFRESH_TOKEN_AUTH (the older refresh path). With a secret, Cognito hashes the username
    /// it knows the user by (the `sub` in the ID token works). `device_key`: the confirmed device's, which Cognito
    /// requires when the pool remembers devices.
    pub fn initiate_refresh(&self, refresh_token: &str, username: &str, device_key: Option<&str>) -> Call {
        self.initiate("REFRESH_TOKEN_AUTH", self.with_secret(Object::new().str("REFRESH_TOKEN", refresh_token).opt_str("DEVICE_KEY", device_key), username), &[])
    }

    fn initiate(&self, flow: &str, params: &mut Object, metadata: &[(&str, &str)]) -> Call {
        let mut body = Object::new();
        body.str("AuthFlow", flow).object("AuthParameters", params);
        if !metadata.is_empty() {
            body.map("ClientMetadata", metadata);
        }
        self.call("InitiateAuth", &mut body)
    }

    /// RespondToAuthChallenge: `responses` without USERNAME/SECRET_HASH, which are added here.
    pub fn respond(&self, challenge: &str, username: &str, responses: &[(&str, &str)], session: Option<&str>) -> Call {
        self.call("RespondToAuthChallenge", Object::new().str("ChallengeName", challenge).object("ChallengeResponses", self.with_secret(Object::new().str("USERNAME", username).pairs(responses), username)).opt_str("Session", session))
    }

    /// GetTokensFromRefreshToken: refresh with rotation support (a new refresh token may come back). `device_key`:
    /// "You must provide the confirmed device key in this request if device remembering is enabled".
    pub fn get_tokens_from_refresh_token(&self, refresh_token: &str, device_key: Option<&str>) -> Call {
        self.call("GetTokensFromRefreshToken", Object::new().str("RefreshToken", refresh_token).opt_str("ClientSecret", self.client_secret).opt_str("DeviceKey", device_key))
    }

    pub fn sign_up(&self, username: &str, password: Option<&str>, attributes: &[(&str, &str)], validation: &[(&str, &str)], metadata: &[(&str, &str)]) -> Call {
        let mut body = Object::new();
        body.str("Username", username).opt_str("Password", password).attributes("UserAttributes", attributes);
        if !validation.is_empty() {
            body.attributes("ValidationData", validation);
        }
        if !metadata.is_empty() {
            body.map("ClientMetadata", metadata);
        }
        self.call_hashed("SignUp", &mut body, username)
    }

    pub fn confirm_sign_up(&self, username: &str, code: &str, session: Option<&str>) -> Call {
        self.call_hashed("ConfirmSignUp", Object::new().str("Username", username).str("ConfirmationCode", code).opt_str("Session", session), username)
    }

    pub fn resend_sign_up_code(&self, username: &str) -> Call {
        self.call_hashed("ResendConfirmationCode", Object::new().str("Username", username), username)
    }

    pub fn forgot_password(&self, username: &str) -> Call {
        self.call_hashed("ForgotPassword", Object::new().str("Username", username), username)
    }

    pub fn confirm_forgot_password(&self, username: &str, code: &str, new_password: &str) -> Call {
        self.call_hashed("ConfirmForgotPassword", Object::new().str("Username", username).str("ConfirmationCode", code).str("Password", new_password), username)
    }

    /// RevokeToken: the refresh token and the access tokens issued from it stop working.
    pub fn revoke_token(&self, refresh_token: &str) -> Call {
        self.call("RevokeToken", Object::new().str("Token", refresh_token).opt_str("ClientSecret", self.client_secret))
    }
}

/// The part of a user pool id (`us-east-1_AbCdEf`) after `_`, which SRP hashes.
pub fn pool_name(user_pool_id: &str) -> Result<&str> {
    match user_pool_id.split_once('_') {
        Some((_, name)) if !name.is_empty() => Ok(name),
        _ => Err(Error::new(code::INVALID_ARGUMENT, "userPoolId must look like us-east-1_AbCdEf")),
    }
}

/// AssociateSoftwareToken during sign-in (MFA_SETUP): authorised by the sign-in session.
pub fn associate_software_token(session: &str) -> Call {
    Call { operation: "AssociateSoftwareToken", body: Object::new().str("Session", session).finish() }
}

/// VerifySoftwareToken during sign-in (MFA_SETUP).
pub fn verify_software_token(session: &str, code: &str) -> Call {
    Call { operation: "VerifySoftwareToken", body: Object::new().str("Session", session).str("UserCode", code).finish() }
}

/// The `otpauth://` URI an authenticator app reads (from a QR code) for a TOTP secret.
pub fn totp_uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| crate::sigv4::encode::uri_encode(s.as_bytes(), false);
    cat(&["otpauth://totp/", &enc(issuer), ":", &enc(account), "?secret=", secret, "&issuer=", &enc(issuer)])
}

/// One method's settings for SetUserMFAPreference from Amplify's words: `ENABLED`, `DISABLED`, `PREFERRED`
/// or `NOT_PREFERRED`.
pub fn mfa_setting(choice: &str) -> Result<Object> {
    let (enabled, preferred) = match choice {
        "ENABLED" => (true, None),
        "DISABLED" => (false, Some(false)),
        "PREFERRED" => (true, Some(true)),
        "NOT_PREFERRED" => (true, Some(false)),
        _ => return Err(Error::new(code::INVALID_ARGUMENT, "MFA preferences are ENABLED, DISABLED, PREFERRED or NOT_PREFERRED")),
    };
    let mut o = Object::new();
    o.bool("Enabled", enabled);
    if let Some(p) = preferred {
        o.bool("PreferredMfa", p);
    }
    Ok(o)
}

/// Calls authorised by an access token (no ClientId).
pub fn with_access_token(operation: &'static str, access_token: &str, body: &mut Object) -> Call {
    Call { operation, body: body.str("AccessToken", access_token).finish() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config<'static> {
        let mut c = Config::new("eu-west-1", "eu-west-1_Pool1", "client1").map_err(|e| e.code.to_string()).unwrap_or_else(|_| unreachable!());
        c.endpoint = None;
        c
    }

    #[test]
    fn config_validates_and_derives() {
        assert!(Config::new("r", "nounderscore", "c").is_err());
        assert!(Config::new("r", "r_", "c").is_err());
        assert!(Config::new("r", "r_p", "").is_err());
        let c = cfg();
        assert_eq!(c.pool_name().ok(), Some("Pool1"));
        assert_eq!(c.endpoint(), "https://cognito-idp.eu-west-1.amazonaws.com/");
        assert_eq!(c.secret_hash("u"), None);
    }

    #[test]
    fn request_bodies() {
        let mut c = cfg();
        assert_eq!(
            c.initiate_srp("alice", "abc", None, &[]),
            Call { operation: "InitiateAuth", body: r#"{"AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"abc"},"ClientId":"client1"}"#.into() }
        );
        assert_eq!(
            c.respond("SMS_MFA", "alice", &[("SMS_MFA_CODE".into(), "123456".into())], Some("sess")).body,
            r#"{"ChallengeName":"SMS_MFA","ChallengeResponses":{"USERNAME":"alice","SMS_MFA_CODE":"123456"},"Session":"sess","ClientId":"client1"}"#
        );
        c.client_secret = Some("clientSecret");
        // SECRET_HASH for (test, 123abd, clientSecret) is a shared SRP vector; here with client1.
        let h = srp::secret_hash("clientSecret", "alice", "client1");
        assert_eq!(c.initiate_password("alice", "pw", &[]).body, cat(&[r#"{"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"pw","SECRET_HASH":""#, &h, r#""},"ClientId":"client1"}"#]));
        assert_eq!(c.resend_sign_up_code("alice").body, cat(&[r#"{"Username":"alice","SecretHash":""#, &h, r#"","ClientId":"client1"}"#]));
        assert_eq!(c.get_tokens_from_refresh_token("rt", None).body, r#"{"RefreshToken":"rt","ClientSecret":"clientSecret","ClientId":"client1"}"#);
        assert_eq!(c.get_tokens_from_refresh_token("rt", Some("d_1")).body, r#"{"RefreshToken":"rt","ClientSecret":"clientSecret","DeviceKey":"d_1","ClientId":"client1"}"#);
        let attrs = [("email", "a@b.c")];
        assert_eq!(
            c.sign_up("alice", Some("pw"), &attrs, &[], &[]).body,
            cat(&[r#"{"Username":"alice","Password":"pw","UserAttributes":[{"Name":"email","Value":"a@b.c"}],"SecretHash":""#, &h, r#"","ClientId":"client1"}"#])
        );
        assert_eq!(with_access_token("GlobalSignOut", "at", &mut Object::new()).body, r#"{"AccessToken":"at"}"#);
        c.client_secret = None;
        assert_eq!(
            c.initiate_user_auth("alice", Some("EMAIL_OTP"), &[], &[]).body,
            r#"{"AuthFlow":"USER_AUTH","AuthParameters":{"USERNAME":"alice","PREFERRED_CHALLENGE":"EMAIL_OTP"},"ClientId":"client1"}"#
        );
        assert_eq!(
            c.initiate_custom("alice", Some("AA"), &[]).body,
            r#"{"AuthFlow":"CUSTOM_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"AA","CHALLENGE_NAME":"SRP_A"},"ClientId":"client1"}"#
        );
        assert_eq!(verify_software_token("s", "123456").body, r#"{"Session":"s","UserCode":"123456"}"#);
        assert_eq!(totp_uri("My App", "ann@example.com", "ABC"), "otpauth://totp/My%20App:ann%40example.com?secret=ABC&issuer=My%20App");
        assert_eq!(mfa_setting("PREFERRED").unwrap().finish(), r#"{"Enabled":true,"PreferredMfa":true}"#);
        assert_eq!(mfa_setting("ENABLED").unwrap().finish(), r#"{"Enabled":true}"#);
        assert!(mfa_setting("yes").is_err());
    }
}
