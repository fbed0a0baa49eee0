//! The wasm's steps in headless Chromium (`wasm-pack test --headless --chrome`): the boundary's convention
//! (`_step(op, fields, text)` and `_sign(fields, body)`: `"\0"`-joined fields in, one string out, failures as
//! `"\u{1}code\0message\0retryable"`) as the wasm32 build runs it. The public API over these steps (pkg-config/*.js) is tested in tests/e2e. The expected signature is
//! case `dynamodb-getitem-session-token` of `../shared/conformance/sigv4/s3-and-dynamodb-cases.json`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::js::{sigv4, step};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DDB_BODY: &str = r#"{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}"#;

/// `_sign`'s fields for the DynamoDB case, with `datetime` and `secret` in place.
fn ddb_fields(datetime: &str, secret: &str) -> String {
    [
        "h", "0", "", "https:", "", "dynamodb.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com", "/", "", "", "", datetime,
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
    let out = sigv4::sign(&ddb_fields("20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), DDB_BODY.as_bytes());
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
    let (code, message, retryable) = failure(&sigv4::sign(&ddb_fields("bad", "TOPSECRET"), b""));
    assert_eq!(code, "InvalidDatetime");
    assert!(!message.contains("TOPSECRET") && !retryable);
    assert_eq!(failure(&sigv4::sign(&ddb_fields("", ""), b"")).0, "MissingCredentials");
    assert_eq!(failure(&sigv4::sign("q\0\060\0ftp:", b"")).0, "InvalidUrl");
    assert_eq!(failure(&sigv4::sign("", b"")).0, "InvalidUrl", "no fields at all");
    for expires in ["0", "604801", "1.5", "NaN", "Infinity", "", "-5"] {
        let presign = ddb_fields("20150830T123600Z", "secret").replacen("h\00\0", &format!("q\00\0{expires}"), 1);
        assert_eq!(failure(&sigv4::sign(&presign, b"")).0, "InvalidExpires", "{expires}");
    }
    let presign = ddb_fields("20150830T123600Z", "secret").replacen("h\00\0", "q\00\0900", 1);
    assert!(sigv4::sign(&presign, b"").contains("X-Amz-Expires=900"));
    // Services' errors keep their codes and say whether a retry can help.
    assert_eq!(failure(&step("jsonError", "400\0com.amazonaws.cognito#NotAuthorizedException\0bad", "")), ("NotAuthorizedException".into(), "bad".into(), false));
    assert_eq!(failure(&step("jsonError", "503", "")), ("ServiceError".into(), "HTTP 503".into(), true));
    assert_eq!(step("errorCode", "403", "<Error><Code>AccessDenied</Code><Message>no</Message></Error>"), "AccessDenied\0no");
    assert_eq!(failure(&step("s3Url", "us-east-1\0", "")).0, "InvalidArgument");
    assert_eq!(failure(&step("upCall", "NoSuchOperation\0r\0r_p\0c", "")).0, "InvalidArgument");
    assert_eq!(failure(&step("s3List", "", "not xml")).0, "InvalidResponse");
    assert_eq!(failure(&step("noSuchStep", "", "")).0, "InvalidArgument");
    // Numbers are decimal integers; anything else reads as absent.
    assert_eq!(step("upClockOffset", "1000\0400\07", ""), "600");
    assert_eq!(step("upClockOffset", "1.5\0400\0-7", ""), "-7");
    // Still alive (a trap would have killed the instance).
    assert!(sigv4::sign(&ddb_fields("20150830T123600Z", "s"), b"").starts_with("POST\0"));
}

#[wasm_bindgen_test]
fn srp_start_and_claim() {
    let start = step("srpStart", &"07".repeat(32), "");
    let (a, big_a) = start.split_once('\0').unwrap();
    assert_eq!(a, "07".repeat(32).trim_start_matches('0'), "hex without leading zeros, as SRP values are written");
    assert!(big_a.len() > 700 && big_a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(failure(&step("srpStart", &"00".repeat(32), "")).0, "InvalidSrpParameter");
    assert_eq!(failure(&step("srpStart", "07", "")).0, "InvalidArgument", "not 32 bytes");
    let claim = |pool: &str, srp_b: &str| step("srpClaim", &[a, big_a, pool, "pw", "user", srp_b, "ab", "c2VjcmV0", "Tue Feb 1 03:04:05 UTC 2000"].join("\0"), "");
    let sig = claim("eu-west-2_abc", "1234");
    assert_eq!(sig.len(), 44, "base64 of 32 bytes: {sig:?}");
    assert_eq!(claim("eu-west-2_abc", "1234"), sig, "same inputs, same signature");
    assert_ne!(claim("eu-west-2_abd", "1234"), sig);
    assert_eq!(failure(&claim("nounderscore", "1234")).0, "InvalidArgument");
    assert_eq!(failure(&claim("r_p", "0")).0, "InvalidSrpParameter");
    assert_eq!(failure(&step("srpClaim", "zz\0", "")).0, "InvalidSrpParameter");
    assert!(step("srpTimestamp", "949374245", "").ends_with("UTC 2000"));
}

#[wasm_bindgen_test]
fn dynamodb_tokens_marshall_to_attribute_values() {
    let marshall = |flags: &str, tokens: &[&str]| step("ddbMarshall", &[&[flags], tokens].concat().join("\0"), "");
    let tokens = ["{", "kname", "sa\u{1}0b", "kn", "n42", "ktags", "<", "sx", "sy", "]", "kraw", "bAAE=", "kbig", "x12345678901234567890", "}"];
    assert_eq!(
        marshall("0", &tokens),
        r#"{"name":{"S":"a\u0000b"},"n":{"N":"42"},"tags":{"SS":["x","y"]},"raw":{"B":"AAE="},"big":{"N":"12345678901234567890"}}"#
    );
    assert_eq!(marshall("1", &["{", "ku", "u", "}"]), "{}", "removeUndefinedValues");
    assert_eq!(failure(&marshall("0", &["{", "ku", "u", "}"])).0, "MarshallError");
    assert_eq!(failure(&marshall("0", &["{", "kn", "N9007199254740993", "}"])).0, "MarshallError", "beyond 2^53");
    assert_eq!(marshall("8", &["{", "kn", "N9007199254740993", "}"]), r#"{"n":{"N":"9007199254740993"}}"#);
    assert_eq!(failure(&marshall("0", &["sx"])).0, "MarshallError", "not a map");
    assert_eq!(failure(&marshall("0", &["{", "kx", "?", "}"])).0, "MarshallError", "bad token");
    assert_eq!(failure(&marshall("0", &["{", "kx"])).0, "MarshallError", "cut off");
    let deep: Vec<&str> = ["{", "kx"].into_iter().chain(core::iter::repeat_n("[", 10_000)).collect();
    assert_eq!(failure(&marshall("0", &deep)).0, "MarshallError", "nesting is bounded: no stack overflow");
    let kinds: Vec<String> = ["1.5", "12345678901234567890", "0.1234567890123456789", "x"].iter().map(|t| step("ddbNumber", t, "")).collect();
    assert_eq!(kinds, ["0", "1", "2", "3"]);
    assert_eq!([step("ddbRole", "Item\0\00", ""), step("ddbRole", "Items\0\01", ""), step("ddbRole", "TableName\0\00", "")], ["1", "2", "0"]);
}
