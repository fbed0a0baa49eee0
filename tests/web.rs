//! The wasm's steps in headless Chromium (`cargo test --target wasm32-unknown-unknown --test web` with wasm-bindgen-test-runner, see scripts/test.sh): the boundary's convention
//! (`_step(op, fields, text)` and `_sign(fields, body)`: framed fields in (`cognito_fetch::js::join`), one
//! marked string out: `=` and the answer, or `!` and the framed code, message, retryable) as the wasm32 build
//! runs it, with the same fuzz as the native `tests/boundary.rs` (`fuzz/mod.rs`). The public API over these steps (pkg-config/*.js) is tested in tests/e2e. The expected signature is
//! case `dynamodb-getitem-session-token` of `../shared/conformance/sigv4/s3-and-dynamodb-cases.json`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::js::{join, sigv4, step, Fields};
use wasm_bindgen_test::*;

mod fuzz;

wasm_bindgen_test_configure!(run_in_browser);

const DDB_BODY: &str = r#"{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}"#;

/// Case "simonmcallister0210/cognito-srp-helper signSrpSession (user)" of `../shared/conformance/srp/srp_vectors.json` (`password_claim_signature[1]`), copied:
/// the browser test cannot read files. With `a` and `A` given, the claim runs `g^x` and `S` through the wasm32
/// build's SIMD Montgomery arithmetic.
const SRP_CASE: [&str; 9] = [
    "abcdef0123456789",
    "362be8c4c29e414549c30c6679ddbb556c27717d80c8feec68257bf5edcd855fbd23590841c1f792dd24a09243c00d4fbb8cc8047fbe1c95da7b467d29269d2db462c6268f10ef5a3c23f71865a54bae6e48523e6a7a9b65d115c66a2f5b4ec5b7384c9796dc6b2d422ea630e1821104ab05cb4a4f292f991d771be4fdba39bc6ff8dce0f0addaaaf172d908d08544d573a2222f1e198caf65f5e6445848ed23b5bbfff0b5bc00ca54b2831a200577220cfe4f5de20b66baffbfc8d3a16af6f6a7a590e0764ccdf918daf922df1ed0a695702c9bd63a69b09b4c2fb8a3bffee5f89744639607e1920ee006d81f09cba7682e75be5b407fb5cb1f706c0dbf7a9325b5c56ea53333ba1aecab647beae4b2b44c0912814609560fda8d86e6aff0b2317e339d2d3b422069d8e68fca8a39c43acb360d4285bb2dd076bb58b41e07be255f349537adaae3bf5260b2c7e066fb77904ebcee5005cc367f926482f9b405952f50e1182049ac49847a048fca4fbe13c6538eea38132c9bc43c9b05690bb7",
    "eu-west-2_eYpv1mFHB",
    "Qwerty1!",
    "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6",
    "bc071b539bfaa44b26a4f4a917dcc4b90291f3fea737baa555c0dfc792f11849902859dd52976fd7367130d91969670e8a0beb66d044641709d7a9ea609e2cc5baac6837e1ee8f8d9ccdce535be1dee59d4c893d9c9a1f06ddacb9d927e29c0e8bb1b8dda315f297e82c6095570ae3ab28a9110dfc4367296d77898b1d69d029f76e16ffebed59fc568548a9fb54a1a462440b19b4e4d89ae414374654788d599d0635f9b8a7a5c6a8556e675c4e01690d5324eecd092d269b2be31fa2dc7192cb0bec8a390ca4ce791c8e8cc9ed7258929430a2802a2b9dadd985a004d584e883621ff3518e223a6dbab5071bc844e4ee7d12f6c29bd9197f0fefcee91020b0903596cf170efd27648eb5de5ab2961032cf759dbc48dadb6db0dd585bb9c1e9f73bbea67a7ca406e26d4333c63d5339fa8c0f51fc12df554737da39fc780c0a648e884600f1bf9398cedddaee7d6db6ace4e0007d97f7322d7270dc25c6e6ae000e54b62f8cb868b16e16eadb4c8c87f3baae1c1b8e59aabb73771e62c0b898",
    "baf4431cdaa37c04c0d655a99f5e9b9b",
    "gn7F/ENIPPk/KZ7P2xYr4S0pZhCn29Y0nxXBtEPEc8Tt2cqbQpWorIuwSAC0g3fpDW9djD5+b9v30TctMTiVt6xjGaZeuWzzgAnVrc0l0xROzJItEQM1V96ySkrfFbL4tKuZokrqiszsRkgwnu4SGBz3akVpUD8pZnAg1Ycfc3LLSyQETFTndRHjS8UFGIovw7wqQfxKNKDC1nY2XYWR1nFuEIvHXb+Tvc76IxNZcaEvl5sAuTjwpVlmfwPSOELXnYxvDxUcFYO3sNguNqahn6aH4j16ccEZ/Wqoubn7QkomXV3Qdo5khQbw4F9CWFaxCHoRZwFAc8RQ4oGiIHLvuMb/Y/JhGTL3HefSkBXQ+uvoPK7YdgY8yn3SejYv4xD8lw+KLTPy1EbCXX9Aq1uwgjzeSygLl7/tkf1C/YzhefXEOfaLk2eNRlAschYunQ7WeIZWBYzW+38+r4bQpaecj8GcH/ycAOpacfoLB+/q3E/dHsFOFlzetYO6Qll5AXEv4hzJZgNh1/2zK3N8j2JBUjZs2h60Rh8OS+ZcQGa7ICPfS7XDvSV8U6Xan3j2m0Azz2ara+1I4MYDVj5P4/BneVDh4L+6Dl3EWEAF9UO8Ur1/5seiOVcAQe3TlwN9UWgmOZHIq/UGU14ofpmZI46WWS3qB+yBPHbWWJ0MMFFtRwCTzFl+2kRGthRR5A+6MSuLCfdcQwqb6FYRZEdgXZzMa6Td0Pog/5TFqxygkRB0P3Yq4lfOnRKI6cC3+2g8uMsEmOJfzsVrsfi6GTAPrP+lIPpNe12ZquFzPGi9Z68Odj+aNDYChalBpuvJgxWR2EFuyj2MebKz6Zo/5V/w964aTTYjUt1pPHURLx3MKl7Ns1xF1lklQ1DAOQYNrVWxWJRs4TxipduEq4N02uh9XKWzXxLJuHsc1B9e1Dc+1sHs122POq7i/VYoln6LhO30o32lDHOGa56krde0N/+FY7034zB1pqL8VuDd2/8o8XZ+D/ez/1gBwQ2y1q6CRvvZmNyYBIC8an/Vgb++e5zgx6Cb43o9+PEFc8UEA8QljTgZ2m+kwjia1TSYeyYnKQOIqCKMkZa6IBIwMZ6AHIDSWk//IR/UMiq4QGfb5CJFPYOTKSGXEU9dFPYbx+pZmq/Fq7QgFCM/I7M6jKZPwn+T4/RGLEg1YNRwQS/oQI/uu5iF9sIbtWO5XTRQ8q2ld4s3tEFflYdmELHXrt1UuFaCi82iTJZAgFPeIx9mHPb0U+I7iutfEPogIE5b/2T+qJhIBgeIQUVsJuo+uLdriFm1c7YwBMBTJWC9R2mL+2x6quavpx7u0zgHrmbDxFx6+nBl0DEZxsY5h8AEDUVhyi2w+7aK9T/uh7Pz3/fH+AwXfWcA1cBueYYHX0Due6+3hRAHfOokXTbi27+YoS2AKuXDl2EibHedm5lb1Tg18V66dXtGsvpIn/OUWO2FphUGdtCMgZc51ahYTiN1m6Qqx+z1DFRM2BLw6HLxb1uT1OmDyucvCXIsMl4vNyyeIdJwstIbQrECxg1Fdow6jHrzKyJw/FKsYGSnyDRk++1jTt3J46wz16S45XaMSDG8RMH7AKKeAX/lfJ0d247ajB4U8Hei1h1kclX/DAYp7A0KyoCG7Qt9hZGsxhsloT2eYohHEKshPDs2WU48WtuHwgXydkTABvx3b1ixLp2CEuQiMyy3jZpvDD8WGaqWqbQgnH/yQw==",
    "Tue Feb 1 03:04:05 UTC 2000",
];
const SRP_CASE_SIGNATURE: &str = "RrSiIBQazZkaxHQf34oRro1qjzfEvwdP6/Avltpd34E=";

/// `_sign`'s fields for the DynamoDB case, with `datetime` and `secret` in place.
fn ddb_fields(datetime: &str, secret: &str) -> String {
    [
        "h", "", "https:", "", "dynamodb.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com", "/", "", "", "", datetime,
        "", "", "", "", "", "AKIDEXAMPLE", secret, "IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN==", "POST", "",
        "content-type", "application/x-amz-json-1.0", "x-amz-target", "DynamoDB_20120810.GetItem",
    ]
    .join("\0")
}

/// `ddb_fields`'s fields framed, with the first field (`h`) replaced by `mode` and `expires`.
fn framed(fields: &str, mode: &[&str]) -> String {
    let all: Vec<&str> = fields.split('\0').collect();
    join(&[mode, &all[mode.len()..]].concat())
}

/// `_sign`'s fields for the DynamoDB case, framed.
fn ddb(datetime: &str, secret: &str) -> String {
    framed(&ddb_fields(datetime, secret), &[])
}

/// `j(&[..])`: fields framed for a step.
fn j(f: &[&str]) -> String {
    join(f)
}

/// An answer's text; panics (fails the test) when it is a failure.
fn ok(text: &str) -> String {
    text.strip_prefix('=').unwrap_or_else(|| panic!("not an answer: {text:?}")).to_owned()
}

/// An answer's fields.
fn fields(text: &str) -> Vec<String> {
    let t = ok(text);
    let mut f = Fields::new(&t);
    let out = f.rest().into_iter().map(str::to_owned).collect();
    assert!(!f.broken(), "{text:?}");
    out
}

/// `(code, message, retryable)` of a failure text; panics (fails the test) when the text is not one.
fn failure(text: &str) -> (String, String, bool) {
    let rest = text.strip_prefix('!').unwrap_or_else(|| panic!("not a failure: {text:?}"));
    let mut f = Fields::new(rest);
    let parts = f.rest();
    assert!(parts.len() == 3 && !f.broken(), "{text:?}");
    (parts[0].to_owned(), parts[1].to_owned(), parts[2] == "1")
}

#[wasm_bindgen_test]
fn sign_answers_method_url_and_headers() {
    let f = fields(&sigv4::sign(&ddb("20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), DDB_BODY.as_bytes()));
    assert_eq!(&f[..2], ["POST", "https://dynamodb.eu-west-1.amazonaws.com/"]);
    let headers: Vec<(&str, &str)> = f[2..].chunks(2).map(|p| (p[0].as_str(), p[1].as_str())).collect();
    let get = |n: &str| headers.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    assert!(get("authorization").unwrap().ends_with("Signature=e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f"));
    assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
    assert_eq!(get("host"), None, "fetch cannot set Host");
}

#[wasm_bindgen_test]
fn failures_are_coded_texts_without_secrets_and_the_module_keeps_working() {
    let (code, message, retryable) = failure(&sigv4::sign(&ddb("bad", "TOPSECRET"), b""));
    assert_eq!(code, "InvalidDatetime");
    assert!(!message.contains("TOPSECRET") && !retryable);
    assert_eq!(failure(&sigv4::sign(&ddb("", "secret"), b"")).0, "InvalidDatetime", "no datetime");
    assert_eq!(failure(&sigv4::sign(&ddb("20150830T123600Z", ""), b"")).0, "MissingCredentials");
    assert_eq!(failure(&sigv4::sign(&j(&["q", "60", "ftp:"]), b"")).0, "InvalidUrl");
    assert_eq!(failure(&sigv4::sign("q\060\0ftp:", b"")).0, "InvalidArgument", "not framed: refused, not read shifted");
    assert_eq!(failure(&sigv4::sign("", b"")).0, "InvalidUrl", "no fields at all");
    for expires in ["0", "604801", "1.5", "NaN", "Infinity", "", "-5"] {
        let presign = framed(&ddb_fields("20150830T123600Z", "secret"), &["q", expires]);
        assert_eq!(failure(&sigv4::sign(&presign, b"")).0, "InvalidExpires", "{expires}");
    }
    let presign = framed(&ddb_fields("20150830T123600Z", "secret"), &["q", "900"]);
    assert!(ok(&sigv4::sign(&presign, b"")).contains("X-Amz-Expires=900"));
    // Services' errors keep their codes and say whether a retry can help.
    assert_eq!(failure(&step("jsonError", &j(&["400", "com.amazonaws.cognito#NotAuthorizedException", "bad"]), "")), ("NotAuthorizedException".into(), "bad".into(), false));
    assert_eq!(failure(&step("jsonError", &j(&["503"]), "")), ("ServiceError".into(), "HTTP 503".into(), true));
    assert_eq!(fields(&step("errorCode", &j(&["403"]), "<Error><Code>AccessDenied</Code><Message>no</Message></Error>")), ["AccessDenied", "no"]);
    assert_eq!(failure(&step("s3Url", &j(&["us-east-1", ""]), "")).0, "InvalidArgument");
    assert_eq!(failure(&step("upCall", &j(&["NoSuchOperation", "r", "r_p", "c"]), "")).0, "InvalidArgument");
    assert_eq!(failure(&step("s3List", "", "not xml")).0, "InvalidResponse");
    assert_eq!(failure(&step("noSuchStep", "", "")).0, "InvalidArgument");
    // Numbers are decimal integers; anything else reads as absent.
    assert_eq!(ok(&step("upClockOffset", &j(&["1000", "400", "7"]), "")), "600");
    assert_eq!(ok(&step("upClockOffset", &j(&["1.5", "400", "-7"]), "")), "-7");
    // Still alive (a trap would have killed the instance).
    assert_eq!(fields(&sigv4::sign(&ddb("20150830T123600Z", "s"), b""))[0], "POST");
}

#[wasm_bindgen_test]
fn srp_start_and_claim() {
    let start = fields(&step("srpStart", &j(&[&"07".repeat(32)]), ""));
    let (a, big_a) = (start[0].as_str(), start[1].as_str());
    assert_eq!(a, "07".repeat(32).trim_start_matches('0'), "hex without leading zeros, as SRP values are written");
    assert!(big_a.len() > 700 && big_a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(failure(&step("srpStart", &j(&[&"00".repeat(32)]), "")).0, "InvalidSrpParameter");
    assert_eq!(failure(&step("srpStart", &j(&["07"]), "")).0, "InvalidArgument", "not 32 bytes");
    let claim = |pool: &str, srp_b: &str| step("srpClaim", &j(&[a, big_a, pool, "pw", "user", srp_b, "ab", "c2VjcmV0", "Tue Feb 1 03:04:05 UTC 2000"]), "");
    let sig = ok(&claim("eu-west-2_abc", "1234"));
    assert_eq!(sig.len(), 44, "base64 of 32 bytes: {sig:?}");
    assert_eq!(ok(&claim("eu-west-2_abc", "1234")), sig, "same inputs, same signature");
    assert_ne!(ok(&claim("eu-west-2_abd", "1234")), sig);
    assert_eq!(failure(&claim("nounderscore", "1234")).0, "InvalidArgument");
    assert_eq!(failure(&claim("r_p", "0")).0, "InvalidSrpParameter");
    assert_eq!(failure(&step("srpClaim", &j(&["zz", ""]), "")).0, "InvalidSrpParameter");
    assert_eq!(ok(&step("srpClaim", &j(&SRP_CASE), "")), SRP_CASE_SIGNATURE, "the published signature");
    assert_eq!(ok(&step("srpTimestamp", &j(&["Tue, 01 Feb 2000 03:04:05 GMT"]), "")), "Tue Feb 1 03:04:05 UTC 2000");
    assert_eq!(failure(&step("srpTimestamp", &j(&["949374245"]), "")).0, "InvalidArgument", "a date as toUTCString writes it");
}

#[wasm_bindgen_test]
fn dynamodb_tokens_marshall_to_attribute_values() {
    let marshall = |flags: &str, tokens: &[&str]| step("ddbMarshall", &j(&[&[flags], tokens].concat()), "");
    let tokens = ["{", "kname", "sa\0b", "kn", "n42", "ktags", "<", "sx", "sy", "]", "kraw", "bAAE=", "kbig", "x12345678901234567890", "}"];
    assert_eq!(
        ok(&marshall("0", &tokens)),
        r#"{"name":{"S":"a\u0000b"},"n":{"N":"42"},"tags":{"SS":["x","y"]},"raw":{"B":"AAE="},"big":{"N":"12345678901234567890"}}"#
    );
    assert_eq!(ok(&marshall("1", &["{", "ku", "u", "}"])), "{}", "removeUndefinedValues");
    assert_eq!(failure(&marshall("0", &["{", "ku", "u", "}"])).0, "MarshallError");
    assert_eq!(failure(&marshall("0", &["{", "kn", "N9007199254740993", "}"])).0, "MarshallError", "beyond 2^53");
    assert_eq!(ok(&marshall("8", &["{", "kn", "N9007199254740993", "}"])), r#"{"n":{"N":"9007199254740993"}}"#);
    assert_eq!(failure(&marshall("0", &["sx"])).0, "MarshallError", "not a map");
    assert_eq!(failure(&marshall("0", &["{", "kx", "?", "}"])).0, "MarshallError", "bad token");
    assert_eq!(failure(&marshall("0", &["{", "kx"])).0, "MarshallError", "cut off");
    let deep: Vec<&str> = ["{", "kx"].into_iter().chain(core::iter::repeat_n("[", 10_000)).collect();
    assert_eq!(failure(&marshall("0", &deep)).0, "MarshallError", "nesting is bounded: no stack overflow");
    let kinds: Vec<String> = ["1.5", "12345678901234567890", "0.1234567890123456789", "x"].iter().map(|t| ok(&step("ddbNumber", &j(&[t]), ""))).collect();
    assert_eq!(kinds, ["0", "1", "2", "3"]);
    let role = |f: &[&str]| ok(&step("ddbRole", &j(f), ""));
    assert_eq!([role(&["Item", "", "0"]), role(&["Items", "", "1"]), role(&["TableName", "", "0"])], ["1", "2", "0"]);
}

/// Calls a raw export the way `pkg-config/wasm.js` does: each input copied into `_alloc`'d memory, the answer read
/// at the pointer it returns, with the length stored at `_answer_len()`.
fn raw(inputs: &[&[u8]], call: impl FnOnce(&[(*mut u8, usize)]) -> *const u8) -> String {
    let given: Vec<(*mut u8, usize)> = inputs
        .iter()
        .map(|b| {
            let p = cognito_fetch::js::exports::_alloc(b.len());
            assert!(!p.is_null());
            // SAFETY: `_alloc` gave `b.len()` bytes at `p`.
            unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len()) };
            (p, b.len())
        })
        .collect();
    let ptr = call(&given);
    // SAFETY: `_answer_len` points at the last answer's length.
    let len = unsafe { *cognito_fetch::js::exports::_answer_len() };
    // SAFETY: the answer slot holds `len` bytes of UTF-8 at `ptr` until the next call.
    String::from_utf8(unsafe { core::slice::from_raw_parts(ptr, len) }.to_vec()).unwrap()
}

#[wasm_bindgen_test]
fn raw_exports_take_their_inputs_and_answer_from_the_slot() {
    use cognito_fetch::js::exports::{_alloc, _free, _sign, _step};
    // SAFETY (each call below): the pointers are fresh from `_alloc` of their lengths, or null.
    let step_raw = |op: &str, fields: &str, text: &str| raw(&[op.as_bytes(), fields.as_bytes(), text.as_bytes()], |g| unsafe { _step(g[0].0, g[0].1, g[1].0, g[1].1, g[2].0, g[2].1) });
    assert_eq!(ok(&step_raw("upClockOffset", &j(&["1000", "400", "7"]), "")), "600");
    // Multi-byte text both ways, and an empty input.
    assert_eq!(ok(&step_raw("query", &j(&["k", "é ü"]), "")), "k=%C3%A9%20%C3%BC");
    assert_eq!(failure(&step_raw("", "", "")).0, "InvalidArgument");
    let sig = raw(&[ddb("20150830T123600Z", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").as_bytes(), DDB_BODY.as_bytes()], |g| unsafe { _sign(g[0].0, g[0].1, g[1].0, g[1].1) });
    assert!(sig.contains("Signature=e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f"), "{sig}");
    // Bytes that are not UTF-8 are refused with a coded answer, not trusted.
    for bad in [&b"\xff"[..], b"\xc3", b"\xed\xa0\x80", b"1:\xc0\x80"] {
        let r = raw(&[b"query", bad, b""], |g| unsafe { _step(g[0].0, g[0].1, g[1].0, g[1].1, g[2].0, g[2].1) });
        assert_eq!(failure(&r).0, "InvalidArgument", "{bad:?}");
        let r = raw(&[b"sha256Hex", b"", bad], |g| unsafe { _step(g[0].0, g[0].1, g[1].0, g[1].1, g[2].0, g[2].1) });
        assert_eq!(failure(&r).0, "InvalidArgument", "{bad:?} as the long text");
        let r = raw(&[bad, b""], |g| unsafe { _sign(g[0].0, g[0].1, g[1].0, g[1].1) });
        assert_eq!(failure(&r).0, "InvalidArgument", "{bad:?} to _sign");
    }
    // An input `_alloc` could not place (null) is refused with a coded answer; the others are freed.
    let oom = raw(&[b"query", b"1:k1:v"], |g| unsafe { _step(g[0].0, g[0].1, g[1].0, g[1].1, core::ptr::null_mut(), 10) });
    assert_eq!(failure(&oom).0, "OutOfMemory");
    assert!(_alloc(usize::MAX).is_null(), "too large: null, not a trap");
    // Memory given back unused (wasm.js does this when a text is longer in UTF-8 than in UTF-16 units).
    for _ in 0..2000 {
        // SAFETY: fresh from `_alloc(64)`.
        unsafe { _free(_alloc(64), 64) };
    }
    // Many calls: inputs are freed, the module keeps working.
    for _ in 0..2000 {
        assert_eq!(ok(&step_raw("upClockOffset", &j(&["5", "0", "0"]), &"x".repeat(4096))), "5");
    }
}

#[wasm_bindgen_test]
fn hostile_answers_give_exact_values_or_coded_errors() {
    fuzz::hostile_answers();
}

#[wasm_bindgen_test]
fn framing_round_trips_2000_random_lists() {
    assert_eq!(fuzz::framing_round_trips(2000, 5), 2000);
}

#[wasm_bindgen_test]
fn random_listings_500_read_back_exactly() {
    assert_eq!(fuzz::random_listings(500, 13), 500);
}

#[wasm_bindgen_test]
fn fuzz_every_step_with_1000_random_inputs() {
    assert_eq!(fuzz::every_step(1000, 0x5eed_0001), 1000 * (fuzz::steps().len() + 1));
}

mod srp_arith;

/// SRP's Montgomery arithmetic through the wasm32 build's SIMD `dot`, against num-bigint (as
/// `tests/srp_bigint.rs` checks the portable one natively).
#[wasm_bindgen_test]
fn srp_simd_arithmetic_agrees_with_num_bigint_on_5000_inputs() {
    let mut r = srp_arith::Rng::new(0x51_3d);
    let n = srp_arith::group_n();
    let checks = srp_arith::arithmetic(&n, &mut r, 300, true) + srp_arith::arithmetic(&srp_arith::random_modulus(&mut r), &mut r, 100, false);
    assert!(checks >= 5000, "{checks}");
    assert!(srp_arith::exponentiation(&n, &mut r, 20) >= 40);
}
