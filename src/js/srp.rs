//! Cognito SRP ([`crate::srp`]) for the JS layer's `SrpSession` (`pkg-config/srp.js`).

use super::{join, Fields};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::srp;

/// `srpStart`: 32 random bytes as hex (the private value). The fields `a`, `SRP_A`, both hex: the JS layer keeps `a` in a
/// private field and hands it back to [`srp_claim`].
pub fn srp_start(f: &mut Fields) -> Result<String> {
    let random = srp::from_hex(f.str()).filter(|r| r.len() == 32).ok_or_else(|| super::invalid("srpStart takes 32 random bytes as hex"))?;
    let mut random = random;
    let session = srp::Session::start(&random);
    let mut a_hex = srp::to_hex(&random);
    srp::wipe(&mut random);
    let answer = session.map(|session| join(&[&a_hex, &session.srp_a()]));
    super::wipe(core::mem::take(&mut a_hex));
    answer
}

/// `srpClaim`: `a`, `SRP_A` (from [`srp_start`]), userPoolId, password, USER_ID_FOR_SRP, SRP_B, SALT,
/// SECRET_BLOCK, TIMESTAMP. PASSWORD_CLAIM_SIGNATURE. (The fields themselves, password included, are wiped by
/// `exports::_step` after the step.)
pub fn srp_claim(f: &mut Fields) -> Result<String> {
    let bad = || Error::new(srp::INVALID_SRP, "the SRP session is not one this library started");
    let mut a = srp::from_hex(f.str()).ok_or_else(bad)?;
    let big_a = srp::from_hex(f.str()).ok_or_else(bad);
    let session = big_a.and_then(|big_a| srp::Session::resume(&a, &big_a));
    srp::wipe(&mut a); // the session holds its own copy, wiped when it is dropped
    let session = session?;
    let pool_name = crate::user_pool::pool_name(f.str())?;
    let password = f.str();
    let user_id = f.str();
    let srp_b = f.str();
    let salt = f.str();
    let secret_block = f.str();
    let timestamp = f.str();
    let challenge = srp::Challenge { pool_name, user_id, password, srp_b, salt, secret_block, timestamp };
    session.password_claim(&challenge)
}

/// `srpTimestamp`: the moment (on the server's clock) as `Date.prototype.toUTCString` writes it. SRP's TIMESTAMP
/// ([`srp::timestamp_of_imf_date`]).
pub fn srp_timestamp(f: &mut Fields) -> Result<String> {
    srp::timestamp_of_imf_date(f.str()).ok_or_else(|| super::invalid("srpTimestamp takes a date as Date.prototype.toUTCString writes it"))
}
