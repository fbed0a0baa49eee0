//! Passkeys ([`crate::user_pool::passkey`]) for the JS layer's UserPool (`pkg-config/passkey.js`).

use super::{join, Fields};
use crate::error::Result;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::user_pool::passkey::{self, Assertion, Registration};
use crate::user_pool::TARGET_PREFIX;
use crate::cat;

/// `pkCall`: operation, accessToken, then: `StartWebAuthnRegistration` nothing; `CompleteWebAuthnRegistration`
/// id, rawId, authenticatorAttachment (or ""), clientDataJSON, attestationObject (base64url), then the transports
/// (a list, its length first); `ListWebAuthnCredentials` nextToken (or ""), maxResults (or ""); `DeleteWebAuthnCredential`
/// credentialId. `X-Amz-Target\0JSON body`.
pub fn call(f: &mut Fields) -> Result<String> {
    let (operation, token) = (f.str(), f.str());
    let call = match operation {
        "StartWebAuthnRegistration" => passkey::start_registration(token),
        "CompleteWebAuthnRegistration" => {
            let (id, raw_id, attachment, client_data_json, attestation_object) = (f.str(), f.str(), f.opt(), f.str(), f.str());
            let transports = f.list();
            passkey::complete_registration(token, &Registration { id, raw_id, attachment, client_data_json, attestation_object, transports: &transports })
        }
        "ListWebAuthnCredentials" => {
            let next = f.opt();
            passkey::list_credentials(token, next, f.int())
        }
        "DeleteWebAuthnCredential" => {
            let id = f.opt().ok_or_else(|| super::invalid("credentialId is required"))?;
            passkey::delete_credential(token, id)
        }
        _ => return Err(super::invalid("unknown passkey operation")),
    };
    Ok(join(&[&cat(&[TARGET_PREFIX, call.operation]), &call.body]))
}

/// `pkAssertion`: id, rawId, authenticatorAttachment (or ""), clientDataJSON, authenticatorData, signature,
/// userHandle (or ""), base64url. The WEB_AUTHN challenge's `CREDENTIAL` (AuthenticationResponseJSON).
pub fn assertion(f: &mut Fields) -> Result<String> {
    let (id, raw_id, attachment) = (f.str(), f.str(), f.opt());
    let (client_data_json, authenticator_data, signature, user_handle) = (f.str(), f.str(), f.str(), f.opt());
    Ok(passkey::assertion_json(&Assertion { id, raw_id, attachment, client_data_json, authenticator_data, signature, user_handle }))
}

/// `pkError`: the name of the `DOMException` a ceremony failed with. Its coded error (always fails).
pub fn error(f: &mut Fields) -> Result<String> {
    Err(passkey::ceremony_error(f.str()))
}
