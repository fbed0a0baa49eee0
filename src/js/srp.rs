//! SrpSession: Cognito SRP ([`crate::srp`]) for code that drives Cognito itself.

use super::{get, invalid, opt_string, random_bytes, to_js};
use crate::cat;
use crate::error::Result;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::srp;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SRP_TYPES: &str = r#"
/** What `SrpSession.passwordClaim` needs: the PASSWORD_VERIFIER challenge and who signs in. */
export interface PasswordClaimInput {
  /** e.g. `us-east-1_AbCdEf` (the part after `_` is hashed). */
  userPoolId: string;
  password: string;
  /** The challenge's ChallengeParameters: USER_ID_FOR_SRP, SRP_B, SALT, SECRET_BLOCK. */
  challengeParameters: Record<string, string>;
  /** Cognito's TIMESTAMP format; defaults to now. */
  timestamp?: string;
}
/** ChallengeResponses for RespondToAuthChallenge (PASSWORD_VERIFIER). */
export interface PasswordClaim {
  PASSWORD_CLAIM_SIGNATURE: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  TIMESTAMP: string;
  USERNAME: string;
}
"#;

/// One SRP sign-in (USER_SRP_AUTH): `srpA` goes into InitiateAuth, `passwordClaim` answers PASSWORD_VERIFIER.
#[wasm_bindgen(js_name = SrpSession)]
pub struct SrpSession {
    inner: srp::Session,
}

#[wasm_bindgen(js_class = SrpSession)]
impl SrpSession {
    /// Starts with a fresh 256-bit random private value.
    #[wasm_bindgen(constructor)]
    pub fn new() -> core::result::Result<SrpSession, JsValue> {
        let a = random_bytes::<32>().map_err(to_js)?;
        srp::Session::start(&a).map(|inner| SrpSession { inner }).map_err(to_js)
    }

    /// `SRP_A` (hex) for InitiateAuth's AuthParameters.
    #[wasm_bindgen(getter, js_name = srpA)]
    pub fn srp_a(&self) -> String {
        self.inner.srp_a()
    }

    /// ChallengeResponses for the PASSWORD_VERIFIER challenge.
    #[wasm_bindgen(js_name = passwordClaim, unchecked_return_type = "PasswordClaim")]
    pub fn password_claim(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordClaimInput")] input: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        self.password_claim_inner(&input).map_err(to_js)
    }
}

impl SrpSession {
    fn password_claim_inner(&self, input: &JsValue) -> Result<JsValue> {
        if !input.is_object() {
            return Err(invalid("expected an options object"));
        }
        let required = |obj: &JsValue, key: &'static str| -> Result<String> {
            opt_string(obj, key)?.ok_or_else(|| invalid(cat(&[key, " is required"])))
        };
        let pool_id = required(input, "userPoolId")?;
        let pool_name = pool_id.split_once('_').map(|(_, n)| n).filter(|n| !n.is_empty()).ok_or_else(|| invalid("userPoolId must look like us-east-1_AbCdEf"))?;
        let password = required(input, "password")?;
        let params = get(input, "challengeParameters")?;
        if !params.is_object() {
            return Err(invalid("challengeParameters (the PASSWORD_VERIFIER challenge's) is required"));
        }
        let user_id = required(&params, "USER_ID_FOR_SRP")?;
        let secret_block = required(&params, "SECRET_BLOCK")?;
        let timestamp = match opt_string(input, "timestamp")? {
            Some(t) => t,
            None => srp::timestamp((js_sys::Date::now() / 1000.0) as i64),
        };
        let challenge = srp::Challenge {
            pool_name,
            user_id: &user_id,
            password: &password,
            srp_b: &required(&params, "SRP_B")?,
            salt: &required(&params, "SALT")?,
            secret_block: &secret_block,
            timestamp: &timestamp,
        };
        let signature = self.inner.password_claim(&challenge)?;
        let username = opt_string(&params, "USERNAME")?.unwrap_or_else(|| user_id.clone());
        let out = Object::new();
        for (k, v) in [("PASSWORD_CLAIM_SIGNATURE", &signature), ("PASSWORD_CLAIM_SECRET_BLOCK", &secret_block), ("TIMESTAMP", &timestamp), ("USERNAME", &username)] {
            Reflect::set(&out, &JsValue::from_str(k), &JsValue::from_str(v)).map_err(|_| invalid("could not build the result"))?;
        }
        Ok(out.into())
    }
}
