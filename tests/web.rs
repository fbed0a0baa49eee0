//! The wasm's steps in headless Chromium (`wasm-pack test --headless --chrome`): the boundary's convention
//! (`"\0"`-joined fields in, one string out, failures as `"\u{1}code\0message\0retryable"`) as the wasm32 build
//! runs it. The public API over these steps (pkg-config/*.js) is tested in tests/e2e. The expected signature is
//! case `dynamodb-getitem-session-token` of `../shared/conformance/sigv4/s3-and-dynamodb-cases.json`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::js::{dynamodb, sigv4, srp, wire};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DDB_BODY: &str = r#"{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}"#;

/// `_sign`'s fields for the DynamoDB case, with `datetime` and `secret` in place.
fn ddb_fields(datetime: &str, secret: &str) -> String {
    [
        "h", "https:", "", "dynamodb.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com", "/", "", "", "", datetime,
        "", "", "", "", "", "AKIDEXAMPLE", secret, "IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN==", "POST", "",
        "content-type", "application/x-amz-json-1.0", "x-amz-target", "DynamoDB_20120810.GetItem",
    ]
    .join("\0")
}

/// `(code, message, retryable)` of a failure text; panics (fails the test) when the text is not one.
fn failure(text: &str) -> (String, String, bool) {
    let rest = text.strip_prefix('\u{1}').unwrap_or_else(|| panic!("not a failure: {text:?}"));
    let parts: Vec<&str> = rest.split('\0').collect();
    assert_eq!(parts.len(), 3, "{text:?}");
    (parts[0].to_owned(), parts[1].to_owned(), parts[2] == "1")
}

#[wasm_bindgen_test]
fn sign_answers_method_url_and_headers() {
    let out = sigv4::sign(&ddb_fields("20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), DDB_BODY.as_bytes(), 0.0, f64::NAN);
    let f: Vec<&str> = out.split('\0').collect();
    assert_eq!(&f[..2], ["POST", "https://dynamodb.eu-west-1.amazonaws.com/"]);
    let headers: Vec<(&str, &str)> = f[2..].chunks(2).map(|p| (p[0], p[1])).collect();
    let get = |n: &str| headers.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    assert!(get("authorization").unwrap().ends_with("Signature=e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f"));
    assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
    assert_eq!(get("host"), None, "fetch cannot set Host");
}

#[wasm_bindgen_test]
fn failures_are_coded_texts_without_secrets_and_the_module_keeps_working() {
    let (code, message, retryable) = failure(&sigv4::sign(&ddb_fields("bad", "TOPSECRET"), b"", 0.0, f64::NAN));
    assert_eq!(code, "InvalidDatetime");
    assert!(!message.contains("TOPSECRET") && !retryable);
    assert_eq!(failure(&sigv4::sign(&ddb_fields("", ""), b"", 0.0, f64::NAN)).0, "MissingCredentials");
    assert_eq!(failure(&sigv4::sign("q\0ftp:", b"", 0.0, 60.0)).0, "InvalidUrl");
    assert_eq!(failure(&sigv4::sign("", b"", 0.0, f64::NAN)).0, "InvalidUrl", "no fields at all");
    let mut presign = ddb_fields("20150830T123600Z", "secret");
    presign.replace_range(0..1, "q");
    for expires in [0.0, 604_801.0, 1.5, f64::NAN, f64::INFINITY] {
        assert_eq!(failure(&sigv4::sign(&presign, b"", 0.0, expires)).0, "InvalidExpires", "{expires}");
    }
    assert!(sigv4::sign(&presign, b"", 0.0, 900.0).contains("X-Amz-Expires=900"));
    // Services' errors keep their codes and say whether a retry can help.
    assert_eq!(failure(&wire::json_error_text(400, "com.amazonaws.cognito#NotAuthorizedException", "bad")), ("NotAuthorizedException".into(), "bad".into(), false));
    assert_eq!(failure(&wire::json_error_text(503, "", "")), ("ServiceError".into(), "HTTP 503".into(), true));
    assert_eq!(failure(&wire::s3_url("us-east-1\0")).0, "InvalidArgument");
    assert_eq!(failure(&wire::up_call("r\0r_p\0c", "NoSuchOperation", "", "", "", "")).0, "InvalidArgument");
    assert_eq!(failure(&wire::s3_list("not xml")).0, "InvalidResponse");
    // Still alive (a trap would have killed the instance).
    assert!(sigv4::sign(&ddb_fields("20150830T123600Z", "s"), b"", 0.0, f64::NAN).starts_with("POST\0"));
}

#[wasm_bindgen_test]
fn srp_start_and_claim() {
    let start = srp::srp_start(&[7; 32]);
    let (a, big_a) = start.split_once('\0').unwrap();
    assert_eq!(a, "07".repeat(32).trim_start_matches('0'), "hex without leading zeros, as SRP values are written");
    assert!(big_a.len() > 700 && big_a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(failure(&srp::srp_start(&[0; 32])).0, "InvalidSrpParameter");
    let claim = |pool: &str, srp_b: &str| srp::srp_claim(&[a, big_a, pool, "pw", "user", srp_b, "ab", "c2VjcmV0", "Tue Feb 1 03:04:05 UTC 2000"].join("\0"));
    let sig = claim("eu-west-2_abc", "1234");
    assert_eq!(sig.len(), 44, "base64 of 32 bytes: {sig:?}");
    assert_eq!(claim("eu-west-2_abc", "1234"), sig, "same inputs, same signature");
    assert_ne!(claim("eu-west-2_abd", "1234"), sig);
    assert_eq!(failure(&claim("nounderscore", "1234")).0, "InvalidArgument");
    assert_eq!(failure(&claim("r_p", "0")).0, "InvalidSrpParameter");
    assert_eq!(failure(&srp::srp_claim("zz\0")).0, "InvalidSrpParameter");
    assert!(srp::srp_timestamp(949_374_245.0).ends_with("UTC 2000"));
}

#[wasm_bindgen_test]
fn dynamodb_tokens_marshall_to_attribute_values() {
    let tokens = ["{", "kname", "sa\u{1}0b", "kn", "n42", "ktags", "<", "sx", "sy", "]", "kraw", "bAAE=", "kbig", "x12345678901234567890", "}"].join("\0");
    assert_eq!(
        dynamodb::marshall(&tokens, 0),
        r#"{"name":{"S":"a\u0000b"},"n":{"N":"42"},"tags":{"SS":["x","y"]},"raw":{"B":"AAE="},"big":{"N":"12345678901234567890"}}"#
    );
    assert_eq!(dynamodb::marshall("{\0ku\0u\0}", 1), "{}", "removeUndefinedValues");
    assert_eq!(failure(&dynamodb::marshall("{\0ku\0u\0}", 0)).0, "MarshallError");
    assert_eq!(failure(&dynamodb::marshall("{\0kn\0N9007199254740993\0}", 0)).0, "MarshallError", "beyond 2^53");
    assert_eq!(dynamodb::marshall("{\0kn\0N9007199254740993\0}", 8), r#"{"n":{"N":"9007199254740993"}}"#);
    assert_eq!(failure(&dynamodb::marshall("sx", 0)).0, "MarshallError", "not a map");
    assert_eq!(failure(&dynamodb::marshall("{\0kx\0?\0}", 0)).0, "MarshallError", "bad token");
    assert_eq!(failure(&dynamodb::marshall("{\0kx", 0)).0, "MarshallError", "cut off");
    let deep = format!("{{\0kx\0{}", "[\0".repeat(10_000));
    assert_eq!(failure(&dynamodb::marshall(&deep, 0)).0, "MarshallError", "nesting is bounded: no stack overflow");
    assert_eq!([dynamodb::number("1.5"), dynamodb::number("12345678901234567890"), dynamodb::number("0.1234567890123456789"), dynamodb::number("x")], [0, 1, 2, 3]);
}
