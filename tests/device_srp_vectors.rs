//! Device SRP (DEVICE_PASSWORD_VERIFIER, ConfirmDevice) against known answers: the shared SRP vectors of
//! `../shared/conformance/srp/` read as device claims (their `helperPoolName` is the DeviceGroupKey and `idForHash`
//! the DeviceKey for a device, as the file says), and `tests/vectors/device_srp.json`, computed by a second
//! implementation, amazon-cognito-identity-js, through its own DEVICE_SRP_AUTH code path for fixed inputs (how:
//! `tests/vectors/device-srp.mjs`).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::srp::{device_verifier, from_hex, Challenge, Session};
use cognito_fetch::user_pool::device::{self, Device};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn read(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn shared() -> Value {
    let dir = std::env::var("CONFORMANCE_DIR").map(PathBuf::from).unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"));
    read(dir.join("srp/srp_vectors.json"))
}

fn ours() -> Value {
    read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/device_srp.json"))
}

/// The device claim as the JS layer's `srpDeviceClaim` step makes it: the group key in the pool name's place.
fn device_claim(a_hex: &str, group_key: &str, device_key: &str, password: &str, b: &str, salt: &str, block: &str, ts: &str) -> String {
    let session = Session::start(&from_hex(a_hex).unwrap()).unwrap();
    let challenge = Challenge { pool_name: group_key, user_id: device_key, password, srp_b: b, salt, secret_block: block, timestamp: ts };
    session.password_claim(&challenge).unwrap()
}

#[test]
fn shared_vectors_as_device_claims() {
    let v = shared();
    let cases = v["password_claim_signature"].as_array().unwrap();
    assert!(!cases.is_empty());
    for c in cases {
        let i = &c["inputs"];
        let s = |k: &str| i[k].as_str().unwrap();
        let got = device_claim(s("a_hex"), s("helperPoolName"), s("idForHash"), s("password"), s("SRP_B"), s("SALT"), s("SECRET_BLOCK"), s("TIMESTAMP"));
        assert_eq!(got, c["expected_PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap(), "{}", c["name"]);
    }
}

#[test]
fn amazon_cognito_identity_js_device_claims() {
    let v = ours();
    let cases = v["claims"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for c in cases {
        let i = &c["inputs"];
        let s = |k: &str| i[k].as_str().unwrap();
        let want = c["expected"]["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap();
        let got = device_claim(s("a_hex"), s("deviceGroupKey"), s("deviceKey"), s("randomPassword"), s("SRP_B"), s("SALT"), s("SECRET_BLOCK"), s("TIMESTAMP"));
        assert_eq!(got, want);
        // A tampered device password, or the pool name instead of the group key, gives another claim.
        let tampered = device_claim(s("a_hex"), s("deviceGroupKey"), s("deviceKey"), "tampered", s("SRP_B"), s("SALT"), s("SECRET_BLOCK"), s("TIMESTAMP"));
        assert_ne!(tampered, want);
        let pool = device_claim(s("a_hex"), "Example", s("deviceKey"), s("randomPassword"), s("SRP_B"), s("SALT"), s("SECRET_BLOCK"), s("TIMESTAMP"));
        assert_ne!(pool, want);
    }
}

#[test]
fn amazon_cognito_identity_js_device_verifier() {
    let v = ours();
    for c in v["verifiers"].as_array().unwrap() {
        let (g, k) = (c["inputs"]["deviceGroupKey"].as_str().unwrap(), c["inputs"]["deviceKey"].as_str().unwrap());
        let e = &c["expected"];
        let password = e["randomPassword"].as_str().unwrap();
        let salt = from_hex(e["salt_hex"].as_str().unwrap()).unwrap();
        let (salt_b64, verifier) = device_verifier(g, k, password, &salt).unwrap();
        assert_eq!(salt_b64, e["Salt"].as_str().unwrap());
        assert_eq!(verifier, e["PasswordVerifier"].as_str().unwrap());
        // ConfirmDevice carries exactly these (the salt as 16 random bytes, as the JS layer draws it).
        let call = device::confirm_device("at", &Device { key: k, group_key: g, password }, &salt[salt.len() - 16..], Some("n")).unwrap();
        assert!(call.body.contains(&format!(r#""PasswordVerifier":"{verifier}","Salt":"{salt_b64}""#)), "{}", call.body);
    }
}
