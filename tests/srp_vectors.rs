//! Native conformance tests of the SRP module against `../shared/conformance/srp/` (values re-computed and
//! matched by amazon-cognito-identity-js and pycognito; sources in the JSON): PASSWORD_CLAIM_SIGNATURE with its
//! intermediates (A, u, x, S, HKDF key), the ConfirmDevice verifier, k, SECRET_HASH, u, HKDF, padHex and the
//! TIMESTAMP format.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::srp::{self, device_verifier, from_hex, pad_hex, secret_hash, timestamp, to_hex, Challenge, Group, Session};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    let dir = std::env::var("CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"));
    assert!(dir.is_dir(), "conformance data not found at {}", dir.display());
    dir.join("srp")
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join(name)).unwrap()).unwrap()
}

fn hex(b: &[u8]) -> String {
    cognito_fetch::sigv4::encode::hex(b)
}

#[test]
fn password_claim_signatures_and_intermediates() {
    let v = load("srp_vectors.json");
    let cases = v["password_claim_signature"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let i = &c["inputs"];
        let s = |k: &str| i[k].as_str().unwrap();
        let session = Session::start(&from_hex(s("a_hex")).unwrap()).unwrap();
        let want = &c["intermediates"];
        assert_eq!(session.srp_a(), want["A_hex"].as_str().unwrap(), "{name}: A");
        let challenge = Challenge {
            pool_name: s("helperPoolName"),
            user_id: s("idForHash"),
            password: s("password"),
            srp_b: s("SRP_B"),
            salt: s("SALT"),
            secret_block: s("SECRET_BLOCK"),
            timestamp: s("TIMESTAMP"),
        };
        let d = session.derive(&challenge).unwrap();
        assert_eq!(to_hex(&d.u), want["u_hex"].as_str().unwrap(), "{name}: u");
        assert_eq!(to_hex(&d.x), want["x_hex"].as_str().unwrap(), "{name}: x");
        assert_eq!(to_hex(&d.s), want["S_hex"].as_str().unwrap(), "{name}: S");
        assert_eq!(hex(&d.key), want["hkdf_hex"].as_str().unwrap(), "{name}: HKDF key");
        assert_eq!(d.signature, c["expected_PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap(), "{name}: signature");
        assert_eq!(session.password_claim(&challenge).unwrap(), d.signature);
        // A session resumed from a and A (as the JS layer keeps them) signs alike.
        let resumed = Session::resume(&from_hex(s("a_hex")).unwrap(), &from_hex(want["A_hex"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(resumed.password_claim(&challenge).unwrap(), d.signature, "{name}: resumed");
        // Another password gives another signature.
        let wrong = Challenge { password: "not the password", ..challenge };
        assert_ne!(session.password_claim(&wrong).unwrap(), d.signature, "{name}: wrong password");
    }
}

#[test]
fn srp_b_and_u_are_validated() {
    let session = Session::start(&[7; 32]).unwrap();
    let base = |srp_b: &'static str| Challenge { pool_name: "p", user_id: "u", password: "pw", srp_b, salt: "ab", secret_block: "AAAA", timestamp: "t" };
    // B = 0 and B = N are 0 mod N.
    let n_hex = hex(&session.n().to_be_bytes());
    for b in ["0", "000", n_hex.as_str()] {
        let b: &'static str = Box::leak(b.to_owned().into_boxed_str());
        assert_eq!(session.derive(&base(b)).err().map(|e| e.code.to_string()), Some(srp::INVALID_SRP.to_owned()), "B = {}", &b[..b.len().min(8)]);
    }
    assert!(session.derive(&base("zz")).is_err(), "non-hex B");
    assert!(session.derive(&Challenge { secret_block: "!!", ..base("1234") }).is_err(), "non-base64 secret block");
    assert!(session.derive(&base(Box::leak("1".repeat(800).into_boxed_str()))).is_err(), "B larger than the group");
    assert!(session.derive(&base("1234")).is_ok());
    assert!(Session::start(&[0; 32]).is_err(), "a = 0");
    assert!(Session::resume(&[0; 32], &[1]).is_err(), "resumed, a = 0");
    assert!(Session::resume(&[7; 32], &[0]).is_err(), "resumed, A = 0");
}

#[test]
fn device_password_verifier() {
    let v = load("srp_vectors.json");
    let c = &v["password_verifier"][0];
    let i = &c["inputs"];
    let s = |k: &str| i[k].as_str().unwrap();
    let (salt, verifier) = device_verifier(s("DeviceGroupKey"), s("DeviceKey"), s("DeviceRandomPassword"), &from_hex(s("salt_hex_before_padHex")).unwrap()).unwrap();
    assert_eq!(salt, c["expected"]["Salt"].as_str().unwrap());
    assert_eq!(verifier, c["expected"]["PasswordVerifier"].as_str().unwrap());
}

/// Decimal digits to big-endian bytes (test helper).
fn decimal_to_bytes(d: &str) -> Vec<u8> {
    let mut out = vec![0u8];
    for c in d.bytes() {
        let mut carry = u32::from(c - b'0');
        for b in out.iter_mut().rev() {
            let v = u32::from(*b) * 10 + carry;
            *b = v as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, carry as u8);
            carry >>= 8;
        }
    }
    out
}

#[test]
fn helper_values() {
    let v = load("srp_vectors.json");
    let h = &v["helpers"];
    let group = Group::new().unwrap();
    assert_eq!(to_hex(&group.k.to_be_bytes()), h["k_hex"]["value"].as_str().unwrap(), "k");

    let cases = h["secret_hash"].as_array().unwrap();
    assert!(!cases.is_empty());
    for c in cases {
        let s = |k: &str| c[k].as_str().unwrap();
        assert_eq!(secret_hash(s("client_secret"), s("username"), s("client_id")), s("SECRET_HASH"));
    }

    let ih = &h["identity_hash"];
    assert_eq!(hex(&cognito_fetch::digest::sha256(ih["input"].as_str().unwrap().as_bytes())), ih["sha256_hex"].as_str().unwrap());

    // u = H(pad(A) | pad(B)), as a session computes it for A and B.
    let cu = &h["calculate_u"];
    let (a, b) = (from_hex(cu["A_hex"].as_str().unwrap()).unwrap(), from_hex(cu["B_hex"].as_str().unwrap()).unwrap());
    let u = cognito_fetch::digest::sha256(&[pad_hex(&a), pad_hex(&b)].concat());
    assert_eq!(pad_hex(&u)[pad_hex(&u).len() - 32..], decimal_to_bytes(cu["u_decimal"].as_str().unwrap())[..]);

    let hk = &h["hkdf"];
    let prk = cognito_fetch::digest::hmac_sha256(&from_hex(hk["salt_hex"].as_str().unwrap()).unwrap(), &from_hex(hk["ikm_hex"].as_str().unwrap()).unwrap());
    let okm = cognito_fetch::digest::hmac_sha256(&prk, b"Caldera Derived Key\x01");
    assert_eq!(hex(&okm[..16]), hk["okm16_hex"].as_str().unwrap());

    for c in h["padHex_go_style"].as_array().unwrap() {
        assert_eq!(hex(&pad_hex(&from_hex(c["in"].as_str().unwrap()).unwrap())), c["out"].as_str().unwrap());
    }

    let examples = h["timestamp_format"]["examples"].as_array().unwrap();
    // The same instants, as Unix seconds.
    let seconds = [1_531_220_460_i64, 949_374_245, 1_739_212_212];
    assert_eq!(examples.len(), seconds.len());
    for (ex, secs) in examples.iter().zip(seconds) {
        assert_eq!(timestamp(secs), ex.as_str().unwrap());
        // The wasm's path: the same instant as a browser's `Date.prototype.toUTCString` writes it.
        assert_eq!(srp::timestamp_of_imf_date(&imf_date(secs)).as_deref(), ex.as_str(), "{}", imf_date(secs));
    }
    for bad in ["", "Tue Feb 1 03:04:05 UTC 2000", "Tue, 1 Feb 2000 03:04:05 GMT", "Tue, 01 Feb 2000 03:04:05 UTC", "Tue, 01 Feb 2000 03:04:05 GMT x", "Tue, 01 Feb 20000 03:04:05 GMT"] {
        assert_eq!(srp::timestamp_of_imf_date(bad), None, "{bad}");
    }
}

/// An IMF-fixdate (RFC 9110 §5.6.7) as `Date.prototype.toUTCString` writes it (ECMA-262 §21.4.4.43). The calendar
/// is the library's `civil_from_days`, which the `timestamp(secs)` check above holds to the conformance examples.
fn imf_date(secs: i64) -> String {
    let (days, tod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = cognito_fetch::sigv4::time::civil_from_days(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month_name = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(month - 1) as usize];
    format!("{weekday}, {day:02} {month_name} {year:04} {:02}:{:02}:{:02} GMT", tod / 3600, tod / 60 % 60, tod % 60)
}

#[test]
fn pad_hex_cases() {
    let v = load("padhex.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 513);
    let mut checked = 0;
    for c in cases {
        let i = c["int"].as_i64().unwrap();
        // Negative inputs are Java two's-complement encodings; this implementation only ever pads
        // non-negative residues (B - k*g^x is reduced into [0, N) before use), so those cases do not apply.
        if i < 0 {
            continue;
        }
        let bytes = (i as u64).to_be_bytes();
        assert_eq!(hex(&pad_hex(&bytes)).to_uppercase(), c["padHex"].as_str().unwrap(), "padHex({i})");
        checked += 1;
    }
    assert_eq!(checked, 257);
}
