//! Cognito SRP ([`crate::srp`]) for the JS layer's `SrpSession` (`pkg-config/srp.js`).

use super::{answer, join, Fields};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::srp;
use wasm_bindgen::prelude::*;

/// Starts a sign-in from 32 random bytes (the private value): `a\0SRP_A`, both hex. The JS layer keeps `a` in
/// a private field and hands it back to [`srp_claim`].
#[wasm_bindgen(js_name = _srpStart)]
pub fn srp_start(random: &[u8]) -> String {
    answer(srp::Session::start(random).map(|s| join(&[&srp::to_hex(random), &s.srp_a()])))
}

fn claim_inner(input: &str) -> Result<String> {
    let mut f = Fields::new(input);
    let bad = || Error::new(srp::INVALID_SRP, "the SRP session is not one this library started");
    let a = srp::from_hex(f.str()).ok_or_else(bad)?;
    let big_a = srp::from_hex(f.str()).ok_or_else(bad)?;
    let session = srp::Session::resume(&a, &big_a)?;
    let pool_id = f.str();
    let pool_name = pool_id
        .split_once('_')
        .map(|(_, n)| n)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| super::invalid("userPoolId must look like us-east-1_AbCdEf"))?;
    let [password, user_id, srp_b, salt, secret_block, timestamp] = [0; 6].map(|_| f.str());
    let challenge = srp::Challenge { pool_name, user_id, password, srp_b, salt, secret_block, timestamp };
    session.password_claim(&challenge)
}

/// PASSWORD_CLAIM_SIGNATURE. `input`: `a`, `SRP_A` (from [`srp_start`]), userPoolId, password,
/// USER_ID_FOR_SRP, SRP_B, SALT, SECRET_BLOCK, TIMESTAMP.
#[wasm_bindgen(js_name = _srpClaim)]
pub fn srp_claim(input: &str) -> String {
    answer(claim_inner(input))
}

/// SRP's TIMESTAMP for a Unix time (seconds, the server's clock).
#[wasm_bindgen(js_name = _srpTimestamp)]
pub fn srp_timestamp(unix_secs: f64) -> String {
    srp::timestamp(unix_secs as i64)
}
