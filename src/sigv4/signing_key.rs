//! Stage 3: the signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`,
//! and a small cache of derived keys per (secret, date, region, service): signing many requests on one day costs
//! one HMAC chain. The cache keys on a SHA-256 of the secret, not on the secret itself.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::cat;
use crate::digest::{hmac_sha256, sha256, HmacKey};

pub fn derive(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_secret = cat(&["AWS4", secret]);
    let k_date = hmac_sha256(k_secret.as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

struct Entry {
    secret_digest: [u8; 32],
    scope: String,
    key: HmacKey,
}

/// Remembers the last few derived keys (a page uses one or two sets of credentials and services at a time);
/// when full, the oldest entry is replaced.
#[derive(Default)]
pub struct SigningKeyCache {
    entries: Vec<Entry>,
    next: usize,
}

const CAPACITY: usize = 8;

impl SigningKeyCache {
    pub const fn new() -> Self {
        SigningKeyCache { entries: Vec::new(), next: 0 }
    }

    /// The signing key, ready for HMAC (its padded blocks hashed once, when it is derived).
    pub fn get(&mut self, secret: &str, date: &str, region: &str, service: &str) -> HmacKey {
        let secret_digest = sha256(secret.as_bytes());
        let scope = cat(&[date, "/", region, "/", service]);
        if let Some(e) = self.entries.iter().find(|e| e.secret_digest == secret_digest && e.scope == scope) {
            return e.key.clone();
        }
        let key = HmacKey::new(&derive(secret, date, region, service));
        let entry = Entry { secret_digest, scope, key: key.clone() };
        match self.entries.get_mut(self.next) {
            Some(slot) => *slot = entry,
            None => self.entries.push(entry),
        }
        self.next = (self.next + 1) % CAPACITY;
        key
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::encode::hex;

    #[test]
    fn derives_the_documented_key() {
        // The example in AWS's "Derive a signing key" documentation (IAM user guide).
        let k = derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex(&k), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    #[test]
    fn cache_reuses_and_separates_keys() {
        let mut c = SigningKeyCache::new();
        let a = c.get("secret", "20150830", "us-east-1", "s3");
        assert!(a == HmacKey::new(&derive("secret", "20150830", "us-east-1", "s3")));
        assert!(c.get("secret", "20150830", "us-east-1", "s3") == a);
        assert_eq!(c.len(), 1);
        assert!(c.get("other", "20150830", "us-east-1", "s3") != a);
        assert!(c.get("secret", "20150831", "us-east-1", "s3") != a);
        assert_eq!(c.len(), 3);
        for i in 0..20 {
            c.get("secret", "20150830", &format!("r{i}"), "s3");
        }
        assert_eq!(c.len(), CAPACITY);
        assert!(c.get("secret", "20150830", "us-east-1", "s3") == a);
    }
}
