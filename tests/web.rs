//! Browser tests of the JS boundary, in headless Chromium (`wasm-pack test --headless --chrome`): the exported
//! functions are called with JS values exactly as a page passes them. Expected signatures are from
//! `../shared/conformance/sigv4/s3-and-dynamodb-cases.json` (case names given), where botocore and
//! @smithy/signature-v4 agree.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cognito_fetch::js::sigv4::{presign_url, sign_request};
use js_sys::{Array, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CREDS: &str = r#"{"accessKeyId":"AKIDEXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN=="}"#;
const DDB_BODY: &str = r#"{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}"#;

fn obj(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn set(o: &JsValue, k: &str, v: &JsValue) {
    Reflect::set(o, &JsValue::from_str(k), v).unwrap();
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn construct(class: &str, args: &[JsValue]) -> JsValue {
    let ctor = get(&js_sys::global(), class).unchecked_into::<js_sys::Function>();
    Reflect::construct(&ctor, &args.iter().collect::<Array>()).unwrap()
}

/// The `dynamodb-getitem-session-token` case, with `headers` in the given form.
fn ddb_input(headers: JsValue) -> JsValue {
    let input = obj(&format!(r#"{{"method":"POST","url":"https://dynamodb.eu-west-1.amazonaws.com/","datetime":"20150830T123600Z","credentials":{CREDS}}}"#));
    set(&input, "headers", &headers);
    set(&input, "body", &JsValue::from_str(DDB_BODY));
    input
}

fn signature_of(signed: &JsValue) -> String {
    let auth = get(&get(signed, "headers"), "authorization").as_string().unwrap();
    auth.rsplit("Signature=").next().unwrap().to_owned()
}

fn error_code(e: &JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "thrown value is an Error");
    let name = get(e, "name").as_string().unwrap();
    assert_eq!(get(e, "code").as_string().unwrap(), name, "code and name agree");
    name
}

#[wasm_bindgen_test]
fn headers_as_object_headers_instance_and_pairs_sign_alike() {
    const EXPECTED: &str = "e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f";
    let plain = obj(r#"{"Content-Type":"application/x-amz-json-1.0","X-Amz-Target":"DynamoDB_20120810.GetItem"}"#);
    let pairs = obj(r#"[["content-type","application/x-amz-json-1.0"],["x-amz-target","DynamoDB_20120810.GetItem"]]"#);
    let headers = construct("Headers", &[plain.clone()]);
    for h in [plain, pairs, headers] {
        let signed = sign_request(ddb_input(h)).unwrap();
        assert_eq!(signature_of(&signed), EXPECTED);
        assert_eq!(get(&signed, "method").as_string().unwrap(), "POST");
        assert_eq!(get(&signed, "url").as_string().unwrap(), "https://dynamodb.eu-west-1.amazonaws.com/");
        let out = get(&signed, "headers");
        assert_eq!(get(&out, "x-amz-security-token").as_string().unwrap(), "IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN==");
        assert_eq!(get(&out, "x-amz-date").as_string().unwrap(), "20150830T123600Z");
        assert!(get(&out, "host").is_undefined(), "fetch cannot set Host: it is signed, not returned");
        assert!(get(&out, "x-amz-content-sha256").is_undefined(), "not added for DynamoDB");
    }
}

#[wasm_bindgen_test]
fn body_as_typed_array_view_and_arraybuffer() {
    const EXPECTED: &str = "e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f";
    let headers = obj(r#"{"content-type":"application/x-amz-json-1.0","x-amz-target":"DynamoDB_20120810.GetItem"}"#);
    // The body bytes inside a larger buffer, as a view with an offset.
    let bytes = DDB_BODY.as_bytes();
    let big = Uint8Array::new_with_length(bytes.len() as u32 + 7);
    big.subarray(3, 3 + bytes.len() as u32).copy_from(bytes);
    let view = Uint8Array::new_with_byte_offset_and_length(&big.buffer(), 3, bytes.len() as u32);
    let input = ddb_input(headers.clone());
    set(&input, "body", &view);
    assert_eq!(signature_of(&sign_request(input).unwrap()), EXPECTED);
    let input = ddb_input(headers);
    set(&input, "body", &Uint8Array::from(bytes).buffer());
    assert_eq!(signature_of(&sign_request(input).unwrap()), EXPECTED);
}

#[wasm_bindgen_test]
fn s3_key_with_any_characters_signs_as_published() {
    // Case `s3-key-special-chars-unsigned-payload-session-token`, given the raw key as a page would.
    let input = obj(&format!(
        r#"{{"method":"GET","url":"https://my-bucket.s3.eu-west-1.amazonaws.com/photos/a b/ü+%!'()*~.jpg","datetime":"20150830T123600Z","unsignedPayload":true,"credentials":{CREDS}}}"#
    ));
    let signed = sign_request(input).unwrap();
    assert_eq!(signature_of(&signed), "a331e11e7aed678a6865d3994e7a5b9c448c57d95cc8156f5c18228188b0dc12");
    assert_eq!(get(&signed, "url").as_string().unwrap(), "https://my-bucket.s3.eu-west-1.amazonaws.com/photos/a%20b/%C3%BC%2B%25%21%27%28%29%2A~.jpg");
    assert_eq!(get(&get(&signed, "headers"), "x-amz-content-sha256").as_string().unwrap(), "UNSIGNED-PAYLOAD");
}

#[wasm_bindgen_test]
fn s3_blob_body_is_sent_unsigned_elsewhere_refused() {
    let blob = construct("Blob", &[Array::of1(&JsValue::from_str("hello")).into()]);
    let input = obj(&format!(r#"{{"method":"PUT","url":"https://b.s3.amazonaws.com/k","credentials":{CREDS}}}"#));
    set(&input, "body", &blob);
    let signed = sign_request(input).unwrap();
    assert_eq!(get(&get(&signed, "headers"), "x-amz-content-sha256").as_string().unwrap(), "UNSIGNED-PAYLOAD");
    let input = ddb_input(obj("{}"));
    set(&input, "body", &blob);
    assert_eq!(error_code(&sign_request(input).unwrap_err()), "InvalidBody");
}

#[wasm_bindgen_test]
fn repeated_header_names_are_joined_and_range_is_signed() {
    let input = obj(&format!(
        r#"{{"method":"GET","url":"https://b.s3.amazonaws.com/k","datetime":"20150830T123600Z","credentials":{CREDS},
            "headers":[["X-Amz-Meta-A","1"],["range","bytes=0-9"],["x-amz-meta-a"," 2  3 "]]}}"#
    ));
    let signed = sign_request(input).unwrap();
    let h = get(&signed, "headers");
    assert_eq!(get(&h, "x-amz-meta-a").as_string().unwrap(), "1,2 3");
    assert_eq!(get(&h, "range").as_string().unwrap(), "bytes=0-9");
    let auth = get(&h, "authorization").as_string().unwrap();
    assert!(auth.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-security-token,"), "{auth}");
}

#[wasm_bindgen_test]
fn presigned_put_matches_the_published_url() {
    // Case `s3-presigned-put-with-security-token`.
    let input = obj(&format!(
        r#"{{"method":"PUT","url":"https://my-bucket.s3.eu-west-1.amazonaws.com/uploads/résumé v2.pdf","expiresIn":900,"datetime":"20150830T123600Z","credentials":{CREDS}}}"#
    ));
    assert_eq!(
        presign_url(input).unwrap(),
        "https://my-bucket.s3.eu-west-1.amazonaws.com/uploads/r%C3%A9sum%C3%A9%20v2.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FSESSION%2BTOKEN%3D%3D&X-Amz-Signature=5ae17f916d56f3d9155425f991a4776dc5fc7327f770148f58a6c94d2d347c98"
    );
}

#[wasm_bindgen_test]
fn current_time_is_used_when_no_datetime_is_given() {
    let input = obj(&format!(r#"{{"method":"GET","url":"https://b.s3.amazonaws.com/k","credentials":{CREDS}}}"#));
    let date = get(&get(&sign_request(input).unwrap(), "headers"), "x-amz-date").as_string().unwrap();
    let now = js_sys::Date::new_0();
    let expect = format!("{:04}{:02}{:02}T{:02}", now.get_utc_full_year(), now.get_utc_month() + 1, now.get_utc_date(), now.get_utc_hours());
    assert!(date.starts_with(&expect[..9]), "{date} vs {expect}");
}

#[wasm_bindgen_test]
fn bad_input_throws_coded_errors_and_the_module_keeps_working() {
    let cases: [(&str, &str); 10] = [
        (r#"{"url":"not a url","credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "InvalidUrl"),
        (r#"{"url":"https://b.s3.amazonaws.com/k"}"#, "MissingCredentials"),
        (r#"{"url":"https://b.s3.amazonaws.com/k","credentials":{"accessKeyId":"a"}}"#, "MissingCredentials"),
        (r#"{"url":"https://b.s3.amazonaws.com/k","credentials":{"accessKeyId":"a","secretAccessKey":""}}"#, "MissingCredentials"),
        (r#"{"url":"https://b.s3.amazonaws.com/k","datetime":"2015-08-30","credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "InvalidDatetime"),
        (r#"{"url":"http://127.0.0.1:4566/b/k","credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "UnknownService"),
        (r#"{"url":"http://127.0.0.1:4566/b/k","service":"s3","credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "UnknownRegion"),
        (r#"{"url":"https://b.s3-accelerate.amazonaws.com/k","credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "UnknownRegion"),
        (r#"{"url":"https://b.s3.amazonaws.com/k","headers":{"bad name":"x"},"credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "InvalidHeader"),
        (r#"{"url":"https://b.s3.amazonaws.com/k","method":7,"credentials":{"accessKeyId":"a","secretAccessKey":"b"}}"#, "InvalidArgument"),
    ];
    for (json, code) in cases {
        assert_eq!(error_code(&sign_request(obj(json)).unwrap_err()), code, "{json}");
    }
    assert_eq!(error_code(&sign_request(JsValue::UNDEFINED).unwrap_err()), "InvalidArgument");
    assert_eq!(error_code(&sign_request(JsValue::from_str("x")).unwrap_err()), "InvalidArgument");
    for expires in ["0", "604801", "1.5", "\"60\""] {
        let json = format!(r#"{{"url":"https://b.s3.amazonaws.com/k","expiresIn":{expires},"credentials":{{"accessKeyId":"a","secretAccessKey":"b"}}}}"#);
        assert_eq!(error_code(&presign_url(obj(&json)).unwrap_err()), "InvalidExpires", "{expires}");
    }
    // A secret never appears in an error message.
    let e = sign_request(obj(r#"{"url":"https://b.s3.amazonaws.com/k","datetime":"bad","credentials":{"accessKeyId":"a","secretAccessKey":"TOPSECRET"}}"#)).unwrap_err();
    assert!(!get(&e, "message").as_string().unwrap().contains("TOPSECRET"));
    // Still alive after all those errors (a trap would have killed the instance).
    let ok = obj(&format!(r#"{{"url":"https://dynamodb.us-east-1.amazonaws.com/","method":"post","credentials":{CREDS}}}"#));
    let signed = sign_request(ok).unwrap();
    assert_eq!(get(&signed, "method").as_string().unwrap(), "POST");
    assert!(get(&get(&signed, "headers"), "authorization").as_string().unwrap().contains("/us-east-1/dynamodb/aws4_request"));
}

#[wasm_bindgen_test]
fn srp_session_makes_a_and_answers_the_challenge() {
    use cognito_fetch::js::srp::SrpSession;
    // Case 2 of ../shared/conformance/srp/srp_vectors.json gives a full-size SRP_B and salt.
    let params = obj(r#"{"USER_ID_FOR_SRP":"a2c2e290-6d0f-4a08-a5ca-f0162935f3a6","SRP_B":"bc071b539bfaa44b26a4f4a917dcc4b90291f3fea737baa555c0dfc792f11849902859dd52976fd7367130d91969670e8a0beb66d044641709d7a9ea609e2cc5baac6837e1ee8f8d9ccdce535be1dee59d4c893d9c9a1f06ddacb9d927e29c0e8bb1b8dda315f297e82c6095570ae3ab28a9110dfc4367296d77898b1d69d029f76e16ffebed59fc568548a9fb54a1a462440b19b4e4d89ae414374654788d599d0635f9b8a7a5c6a8556e675c4e01690d5324eecd092d269b2be31fa2dc7192cb0bec8a390ca4ce791c8e8cc9ed7258929430a2802a2b9dadd985a004d584e883621ff3518e223a6dbab5071bc844e4ee7d12f6c29bd9197f0fefcee91020b0903596cf170efd27648eb5de5ab2961032cf759dbc48dadb6db0dd585bb9c1e9f73bbea67a7ca406e26d4333c63d5339fa8c0f51fc12df554737da39fc780c0a648e884600f1bf9398cedddaee7d6db6ace4e0007d97f7322d7270dc25c6e6ae000e54b62f8cb868b16e16eadb4c8c87f3baae1c1b8e59aabb73771e62c0b898","SALT":"baf4431cdaa37c04c0d655a99f5e9b9b","SECRET_BLOCK":"c2VjcmV0"}"#);
    let a = SrpSession::new().unwrap();
    let b = SrpSession::new().unwrap();
    assert!(a.srp_a().len() > 700 && a.srp_a().bytes().all(|c| c.is_ascii_hexdigit()), "A is a 3072-bit hex number");
    assert_ne!(a.srp_a(), b.srp_a(), "fresh randomness per session");
    let input = obj(r#"{"userPoolId":"eu-west-2_eYpv1mFHB","password":"Qwerty1!","timestamp":"Tue Feb 1 03:04:05 UTC 2000"}"#);
    set(&input, "challengeParameters", &params);
    let claim = a.password_claim(input.clone()).unwrap();
    assert_eq!(get(&claim, "PASSWORD_CLAIM_SECRET_BLOCK").as_string().unwrap(), "c2VjcmV0");
    assert_eq!(get(&claim, "TIMESTAMP").as_string().unwrap(), "Tue Feb 1 03:04:05 UTC 2000");
    assert_eq!(get(&claim, "USERNAME").as_string().unwrap(), "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6");
    let sig = get(&claim, "PASSWORD_CLAIM_SIGNATURE").as_string().unwrap();
    assert_eq!(sig.len(), 44, "base64 of 32 bytes");
    // Same session and inputs: same signature; another session (another a): another signature.
    assert_eq!(get(&a.password_claim(input.clone()).unwrap(), "PASSWORD_CLAIM_SIGNATURE").as_string().unwrap(), sig);
    assert_ne!(get(&b.password_claim(input.clone()).unwrap(), "PASSWORD_CLAIM_SIGNATURE").as_string().unwrap(), sig);
    // Default timestamp: Cognito's format for now.
    let no_ts = obj(r#"{"userPoolId":"eu-west-2_eYpv1mFHB","password":"Qwerty1!"}"#);
    set(&no_ts, "challengeParameters", &params);
    let ts = get(&a.password_claim(no_ts).unwrap(), "TIMESTAMP").as_string().unwrap();
    assert!(ts.contains(" UTC ") && ts.len() >= 27, "{ts}");
    // Bad input: coded errors, no trap.
    let bad_pool = obj(r#"{"userPoolId":"nounderscore","password":"x","challengeParameters":{}}"#);
    assert_eq!(error_code(&a.password_claim(bad_pool).unwrap_err()), "InvalidArgument");
    let missing_b = obj(r#"{"userPoolId":"r_p","password":"x","challengeParameters":{"USER_ID_FOR_SRP":"u","SALT":"ab","SECRET_BLOCK":"AA=="}}"#);
    assert_eq!(error_code(&a.password_claim(missing_b).unwrap_err()), "InvalidArgument");
    let zero_b = obj(r#"{"userPoolId":"r_p","password":"x","challengeParameters":{"USER_ID_FOR_SRP":"u","SRP_B":"0","SALT":"ab","SECRET_BLOCK":"AA=="}}"#);
    assert_eq!(error_code(&a.password_claim(zero_b).unwrap_err()), "InvalidSrpParameter");
    assert_eq!(error_code(&a.password_claim(JsValue::NULL).unwrap_err()), "InvalidArgument");
}
