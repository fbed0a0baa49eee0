//! The wasm/JS boundary, the only code that knows about JS values: it reads the caller's options, calls the
//! pure protocol code and turns every failure into a thrown JS `Error` with `name` and `code` (never a trap).
//! One file per protocol: [`sigv4`] (signRequest, presignUrl), [`srp`] (SrpSession), [`dynamodb`] (marshall,
//! unmarshall), and [`wire`]: the synchronous protocol steps that the JS layer (`pkg-config/`: `UserPool`,
//! `IdentityPool`, `AwsClient`, `S3`, `DynamoDB`) calls around its `fetch`es, storage, locks and events.

pub mod dynamodb;
pub mod sigv4;
pub mod srp;
pub mod wire;

use crate::cat;
use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &str = r#"
/** Every error this library throws: `name` and `code` are the error code (AWS's where there is one). */
export interface CognitoFetchError extends Error {
  name: string;
  code: string;
  /** Whether trying again later can help (throttling, server errors, `NetworkError`). */
  retryable: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// Web Crypto's random source: available on plain-http pages too (only `crypto.subtle` needs HTTPS).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> core::result::Result<JsValue, JsValue>;
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    get_random_values(&mut buf)
        .map_err(|_| Error::new("NoSecureRandom", "crypto.getRandomValues is not available here, so no secure random number can be made"))?;
    Ok(buf)
}

/// Sets a property on a plain object built here (that cannot fail; the result is ignored on purpose).
pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A string property, or `None` when it is absent or not a string (for reading services' answers).
pub(crate) fn str_field(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

pub(crate) fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name(&e.code);
    // Setting a property on a fresh Error object cannot fail; the result is ignored on purpose.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(&e.code));
    let _ = Reflect::set(&err, &JsValue::from_str("retryable"), &JsValue::from_bool(e.retryable));
    err.into()
}

pub(crate) fn invalid(what: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(code::INVALID_ARGUMENT, what)
}

pub(crate) fn get(obj: &JsValue, key: &str) -> Result<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| invalid(cat(&[key, " could not be read"])))
}

pub(crate) fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

pub(crate) fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>> {
    let v = get(obj, key)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| invalid(cat(&[key, " must be a string"])))
}

/// The bytes of an ArrayBuffer or of a view of one (typed array, DataView).
pub(crate) fn buffer_bytes(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(buf) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(buf).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        let buf = get(v, "buffer").ok()?;
        let offset = get(v, "byteOffset").ok()?.as_f64()? as u32;
        let len = get(v, "byteLength").ok()?.as_f64()? as u32;
        return Some(js_sys::Uint8Array::new_with_byte_offset_and_length(&buf, offset, len).to_vec());
    }
    None
}


pub(crate) fn opt_bool(obj: &JsValue, key: &str) -> Result<Option<bool>> {
    let v = get(obj, key)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| invalid(cat(&[key, " must be a boolean"])))
}

pub(crate) fn header_pair(entry: &JsValue) -> Result<(String, String)> {
    let pair = entry.dyn_ref::<Array>().filter(|a| a.length() == 2).ok_or_else(|| invalid("headers entries must be [name, value] pairs"))?;
    match (pair.get(0).as_string(), pair.get(1).as_string()) {
        (Some(n), Some(v)) => Ok((n, v)),
        _ => Err(invalid("header names and values must be strings")),
    }
}

/// A plain object, a `Headers` (or any iterable of pairs), or an array of `[name, value]` pairs.
pub(crate) fn read_headers(v: &JsValue) -> Result<Vec<(String, String)>> {
    if is_absent(v) {
        return Ok(Vec::new());
    }
    if !v.is_object() {
        return Err(invalid("headers must be an object, a Headers or an array of [name, value] pairs"));
    }
    let iterable = Reflect::has(v, &js_sys::Symbol::iterator()).unwrap_or(false);
    let entries = if iterable { Array::from(v) } else { Object::entries(v.unchecked_ref()) };
    entries.iter().map(|e| header_pair(&e)).collect()
}

pub(crate) fn headers_object(headers: &[(String, String)]) -> Result<Object> {
    let obj = Object::new();
    for (n, v) in headers {
        Reflect::set(&obj, &JsValue::from_str(n), &JsValue::from_str(v)).map_err(|_| invalid("could not build headers"))?;
    }
    Ok(obj)
}


/// The claims of a JWT (payload only; the signature is Cognito's business and is checked by AWS).
pub(crate) fn claims(token: &str) -> Option<JsValue> {
    let payload = token.split('.').nth(1)?;
    let text = String::from_utf8(crate::base64::decode_url(payload).ok()?).ok()?;
    js_sys::JSON::parse(&text).ok().filter(JsValue::is_object)
}
