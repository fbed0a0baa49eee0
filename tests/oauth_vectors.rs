//! Native conformance tests of the OAuth/PKCE module against `../shared/conformance/`: every case of
//! `oauth/pkce_vectors.json` (RFC 7636 Appendix B and three computed verifiers of 43, 64 and 128 characters, and the
//! verifiers that must be refused), and the ID-token claim checks against the Cognito-shaped tokens of
//! `jwt/jwt_vectors.json` (valid, expired, wrong aud, wrong iss, an access token used as an ID token).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::oauth::{check_id_token, check_verifier, code_challenge, issuer, IdClaims};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn load(path: &str) -> Value {
    let dir = std::env::var("CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"));
    assert!(dir.is_dir(), "conformance data not found at {}", dir.display());
    serde_json::from_str(&std::fs::read_to_string(dir.join(path)).unwrap()).unwrap()
}

#[test]
fn pkce_s256_vectors() {
    let v = load("oauth/pkce_vectors.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for c in cases {
        let verifier = c["code_verifier"].as_str().unwrap();
        assert_eq!(code_challenge(verifier).ok().as_deref(), c["code_challenge"].as_str(), "{}", c["source"]);
    }
    let invalid = v["invalid_verifiers"].as_array().unwrap();
    assert_eq!(invalid.len(), 5);
    for bad in invalid {
        let bad = bad.as_str().unwrap();
        assert_eq!(check_verifier(bad).map_err(|e| e.code.to_string()), Err("InvalidArgument".to_owned()), "{bad}");
        assert!(code_challenge(bad).is_err(), "{bad}");
    }
}

/// A JWT's payload, decoded (base64url JSON).
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    let mut b64 = part.replace('-', "+").replace('_', "/");
    while b64.len() % 4 != 0 {
        b64.push('=');
    }
    serde_json::from_slice(&cognito_fetch::base64::decode(&b64).unwrap()).unwrap()
}

#[test]
fn id_token_claims_of_the_cognito_shaped_tokens() {
    let v = load("jwt/jwt_vectors.json");
    let c = &v["cognito_shaped"];
    let pool_issuer = c["issuer"].as_str().unwrap();
    let client_id = c["client_id"].as_str().unwrap();
    let now = c["verify_at_epoch"].as_i64().unwrap();
    // The issuer is built from the region and the pool id exactly as the vectors' issuer.
    let pool_id = pool_issuer.rsplit('/').next().unwrap();
    assert_eq!(issuer("us-east-1", pool_id), pool_issuer);
    let expected = [
        ("valid-id-token", "ok"),
        ("valid-access-token", "InvalidIdToken"),
        ("expired", "InvalidIdToken"),
        ("wrong-aud", "InvalidIdToken"),
        ("wrong-iss", "InvalidIdToken"),
        ("access-used-as-id", "InvalidIdToken"),
    ];
    for (name, want) in expected {
        let case = c["cases"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap();
        let p = payload(case["token"].as_str().unwrap());
        let aud: Vec<&str> = p["aud"].as_str().into_iter().collect();
        // The vectors carry no nonce: the one the test sends is the one the token is given.
        let claims = IdClaims { iss: p["iss"].as_str(), aud: &aud, exp: p["exp"].as_i64(), token_use: p["token_use"].as_str(), nonce: Some("n") };
        let got = check_id_token(&claims, &[pool_issuer], client_id, "n", now).map(|_| "ok".to_owned()).unwrap_or_else(|e| e.code.to_string());
        assert_eq!(got, want, "{name}");
        if want == "ok" {
            // The same token for another sign-in request.
            let e = check_id_token(&claims, &[pool_issuer], client_id, "other", now).unwrap_err();
            assert_eq!(&*e.code, "NonceMismatch");
            // And on the server's clock at its exp.
            assert!(check_id_token(&claims, &[pool_issuer], client_id, "n", p["exp"].as_i64().unwrap()).is_err());
        }
    }
}
