//! Stage 2 and 4: the string to sign, and the signature over it.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>

#[allow(unused_imports)]
use crate::prelude::*;

use super::encode::hex;
use crate::cat;
use crate::digest::{sha256, HmacKey};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// `YYYYMMDD/region/service/aws4_request`
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    cat(&[date, "/", region, "/", service, "/aws4_request"])
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    cat(&[ALGORITHM, "\n", amz_date, "\n", scope, "\n", &hex(&sha256(canonical_request.as_bytes()))])
}

pub fn signature(signing_key: &HmacKey, string_to_sign: &str) -> String {
    hex(&signing_key.mac(string_to_sign.as_bytes()))
}
