//! Passkeys (WebAuthn) with a Cognito user pool, pure protocol logic: registration for the signed-in user
//! ([`start_registration`], then the browser's `navigator.credentials.create`, then [`complete_registration`]
//! with its RegistrationResponseJSON), [`list_credentials`] and [`delete_credential`]; sign-in answers the
//! WEB_AUTHN challenge (USER_AUTH's `WEB_AUTHN` first factor) with `CREDENTIAL`, the AuthenticationResponseJSON of
//! `navigator.credentials.get` ([`assertion_json`]). Binary members are base64url, as WebAuthn Level 3's JSON
//! forms have them. [`ceremony_error`] says what a failed browser ceremony means.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html>

use super::Call;
use crate::error::Error;
use crate::json::Object;
#[allow(unused_imports)]
use crate::prelude::*;

/// What `navigator.credentials.create` made, its binary members base64url.
pub struct Registration<'a> {
    pub id: &'a str,
    pub raw_id: &'a str,
    pub attachment: Option<&'a str>,
    pub client_data_json: &'a str,
    pub attestation_object: &'a str,
    pub transports: &'a [&'a str],
}

/// What `navigator.credentials.get` answered, its binary members base64url.
pub struct Assertion<'a> {
    pub id: &'a str,
    pub raw_id: &'a str,
    pub attachment: Option<&'a str>,
    pub client_data_json: &'a str,
    pub authenticator_data: &'a str,
    pub signature: &'a str,
    pub user_handle: Option<&'a str>,
}

fn with_token(operation: &'static str, access_token: &str, body: &mut Object) -> Call {
    super::with_access_token(operation, access_token, body)
}

/// StartWebAuthnRegistration: Cognito answers `CredentialCreationOptions` (PublicKeyCredentialCreationOptionsJSON).
pub fn start_registration(access_token: &str) -> Call {
    with_token("StartWebAuthnRegistration", access_token, &mut Object::new())
}

/// RegistrationResponseJSON (WebAuthn Level 3, §5.1.8).
fn registration_json(r: &Registration) -> Object {
    let mut response = Object::new();
    response.str("clientDataJSON", r.client_data_json).str("attestationObject", r.attestation_object).strings("transports", r.transports);
    let mut o = Object::new();
    o.str("id", r.id).str("rawId", r.raw_id).str("type", "public-key").opt_str("authenticatorAttachment", r.attachment).object("response", &mut response).object("clientExtensionResults", &mut Object::new());
    o
}

/// CompleteWebAuthnRegistration with the new credential.
pub fn complete_registration(access_token: &str, r: &Registration) -> Call {
    with_token("CompleteWebAuthnRegistration", access_token, Object::new().object("Credential", &mut registration_json(r)))
}

/// ListWebAuthnCredentials, one page (`max_results` 1 to 20).
pub fn list_credentials(access_token: &str, next_token: Option<&str>, max_results: Option<i64>) -> Call {
    let mut body = Object::new();
    body.opt_str("NextToken", next_token);
    if let Some(n) = max_results {
        body.num("MaxResults", n);
    }
    with_token("ListWebAuthnCredentials", access_token, &mut body)
}

/// DeleteWebAuthnCredential.
pub fn delete_credential(access_token: &str, credential_id: &str) -> Call {
    with_token("DeleteWebAuthnCredential", access_token, Object::new().str("CredentialId", credential_id))
}

/// The WEB_AUTHN challenge's `CREDENTIAL` response: AuthenticationResponseJSON (WebAuthn Level 3, §5.1.8).
pub fn assertion_json(a: &Assertion) -> String {
    let mut response = Object::new();
    response.str("clientDataJSON", a.client_data_json).str("authenticatorData", a.authenticator_data).str("signature", a.signature).opt_str("userHandle", a.user_handle);
    Object::new()
        .str("id", a.id)
        .str("rawId", a.raw_id)
        .str("type", "public-key")
        .opt_str("authenticatorAttachment", a.attachment)
        .object("response", &mut response)
        .object("clientExtensionResults", &mut Object::new())
        .finish()
}

/// The coded error of a browser ceremony that failed with the `DOMException` named `name` (WebAuthn Level 3,
/// §5.1.3 and §5.1.4 list which the browser throws when).
pub fn ceremony_error(name: &str) -> Error {
    let (code, message) = match name {
        // The person cancelled, the ceremony timed out, or user verification failed: the spec hides which.
        "NotAllowedError" | "AbortError" => ("PasskeyCancelled", "the passkey ceremony was cancelled or timed out"),
        // `excludeCredentials` matched: this authenticator already holds a passkey for this account.
        "InvalidStateError" => ("PasskeyAlreadyExists", "this authenticator already holds a passkey for this account"),
        // The relying-party id is not this page's domain (or a registrable suffix of it).
        "SecurityError" => ("PasskeyRelyingPartyMismatch", "the user pool's relying party id does not match this page's domain"),
        "NotSupportedError" => ("PasskeyNotSupported", "no authenticator here supports what the user pool asks for"),
        _ => ("PasskeyFailed", "the passkey ceremony failed"),
    };
    Error::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(start_registration("at").body, r#"{"AccessToken":"at"}"#);
        assert_eq!(delete_credential("at", "Y3JlZA").body, r#"{"CredentialId":"Y3JlZA","AccessToken":"at"}"#);
        assert_eq!(list_credentials("at", Some("n"), Some(5)).body, r#"{"NextToken":"n","MaxResults":5,"AccessToken":"at"}"#);
        assert_eq!(list_credentials("at", None, None).body, r#"{"AccessToken":"at"}"#);
        let r = Registration { id: "aWQ", raw_id: "aWQ", attachment: Some("platform"), client_data_json: "Y2Q", attestation_object: "YW8", transports: &["internal", "hybrid"] };
        assert_eq!(
            complete_registration("at", &r).body,
            r#"{"Credential":{"id":"aWQ","rawId":"aWQ","type":"public-key","authenticatorAttachment":"platform","response":{"clientDataJSON":"Y2Q","attestationObject":"YW8","transports":["internal","hybrid"]},"clientExtensionResults":{}},"AccessToken":"at"}"#
        );
        let a = Assertion { id: "aWQ", raw_id: "aWQ", attachment: None, client_data_json: "Y2Q", authenticator_data: "YWQ", signature: "c2ln", user_handle: Some("dWg") };
        assert_eq!(
            assertion_json(&a),
            r#"{"id":"aWQ","rawId":"aWQ","type":"public-key","response":{"clientDataJSON":"Y2Q","authenticatorData":"YWQ","signature":"c2ln","userHandle":"dWg"},"clientExtensionResults":{}}"#
        );
    }

    #[test]
    fn ceremony_errors() {
        for (name, code) in [
            ("NotAllowedError", "PasskeyCancelled"),
            ("AbortError", "PasskeyCancelled"),
            ("InvalidStateError", "PasskeyAlreadyExists"),
            ("SecurityError", "PasskeyRelyingPartyMismatch"),
            ("NotSupportedError", "PasskeyNotSupported"),
            ("TypeError", "PasskeyFailed"),
        ] {
            assert_eq!(ceremony_error(name).code, code, "{name}");
        }
    }
}
