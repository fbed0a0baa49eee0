//! The wasm/JS boundary, the only module that knows about JS values: it reads the caller's options, calls the
//! pure protocol code and turns every failure into a thrown JS `Error` with `name` and `code` (never a trap).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::cat;
use crate::error::{code, Error, Result};
use crate::sigv4::endpoint;
use crate::sigv4::signing_key::SigningKeyCache;
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, is_s3, Credentials, Payload, Request, Scope, Settings};
use crate::srp;
use crate::url::Url;
use core::cell::RefCell;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** AWS credentials; temporary credentials carry a session token. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
/** A plain object, a `Headers`, or `[name, value]` pairs (a name may repeat). */
export type HeadersInput = Record<string, string> | Headers | Iterable<readonly [string, string]>;
/** A `Blob` can only be sent unsigned (`unsignedPayload`, S3): its hash cannot be computed synchronously. */
export type BodyInput = string | ArrayBuffer | ArrayBufferView | Blob | null;
export interface SigningOptions {
  credentials: AwsCredentials;
  /** Inferred from standard AWS hostnames; required for custom endpoints. */
  region?: string;
  /** Signing name (`s3`, `dynamodb`, ...). Inferred from standard AWS hostnames; required for custom endpoints. */
  service?: string;
  /** `YYYYMMDDTHHMMSSZ` (UTC); defaults to now. */
  datetime?: string;
  /** Sign `UNSIGNED-PAYLOAD` instead of the body's SHA-256 (S3 only accepts this). */
  unsignedPayload?: boolean;
  /** Remove dot segments and empty segments from the path. Default: true, except for S3. */
  normalizePath?: boolean;
  /** Encode the path a second time. Default: true, except for S3 (which signs the object key encoded once). */
  doubleEncodePath?: boolean;
  /** Sign the session token; when false it is added after signing. Default: true. */
  signSessionToken?: boolean;
}
export interface SignRequestInput extends SigningOptions {
  method: string;
  url: string;
  headers?: HeadersInput;
  body?: BodyInput;
  /** Send and sign `x-amz-content-sha256`. Default: true for S3, false otherwise. */
  signPayloadHeader?: boolean;
}
/** Ready for `fetch(url, { method, headers, body })`. Header names are lowercase. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}
export interface PresignUrlInput extends SigningOptions {
  /** Default `GET`. */
  method?: string;
  url: string;
  /** Seconds the URL stays valid: 1 to 604800 (7 days). */
  expiresIn: number;
  /** Headers to sign into the URL (e.g. `range`, `content-type`); whoever uses the URL must send them. */
  headers?: HeadersInput;
}
/** What `SrpSession.passwordClaim` needs: the PASSWORD_VERIFIER challenge and who signs in. */
export interface PasswordClaimInput {
  /** e.g. `us-east-1_AbCdEf` (the part after `_` is hashed). */
  userPoolId: string;
  password: string;
  /** The challenge's ChallengeParameters: USER_ID_FOR_SRP, SRP_B, SALT, SECRET_BLOCK. */
  challengeParameters: Record<string, string>;
  /** Cognito's TIMESTAMP format; defaults to now. */
  timestamp?: string;
}
/** ChallengeResponses for RespondToAuthChallenge (PASSWORD_VERIFIER). */
export interface PasswordClaim {
  PASSWORD_CLAIM_SIGNATURE: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  TIMESTAMP: string;
  USERNAME: string;
}
/** Every error this library throws: `name` and `code` are the error code (AWS's where there is one). */
export interface CognitoFetchError extends Error {
  name: string;
  code: string;
}
"#;

/// Derived signing keys, reused across calls (one HMAC chain per credentials, day, region and service).
struct KeyCache(RefCell<SigningKeyCache>);
// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the cache is never shared.
unsafe impl Sync for KeyCache {}
static SIGNING_KEYS: KeyCache = KeyCache(RefCell::new(SigningKeyCache::new()));

/// Runs `f` with the shared cache (or a fresh one if it is somehow in use).
fn with_keys<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
    match SIGNING_KEYS.0.try_borrow_mut() {
        Ok(mut cache) => f(&mut cache),
        Err(_) => f(&mut SigningKeyCache::new()),
    }
}

#[wasm_bindgen]
extern "C" {
    /// The WHATWG URL parser of the browser (or Node): its `pathname` and `search` are exactly what `fetch`
    /// sends, so they are what gets signed.
    #[wasm_bindgen(js_name = URL)]
    type WebUrl;
    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new(url: &str) -> core::result::Result<WebUrl, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn protocol(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn host(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn hostname(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn username(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn password(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn pathname(this: &WebUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn search(this: &WebUrl) -> String;
}

/// An absolute http(s) URL, parsed as `fetch` will send it.
fn parse_url(s: &str) -> Result<Url> {
    let bad = |why: &'static str| Error::new(code::INVALID_URL, cat(&["url must be an absolute http(s) URL: ", why]));
    let u = WebUrl::new(s).map_err(|_| bad("it does not parse"))?;
    let scheme = match u.protocol().as_str() {
        "https:" => "https",
        "http:" => "http",
        _ => return Err(bad("the scheme is not http or https")),
    };
    if !u.username().is_empty() || !u.password().is_empty() {
        return Err(bad("user names and passwords in URLs are not supported"));
    }
    let search = u.search();
    Ok(Url {
        scheme: scheme.into(),
        authority: u.host(),
        host: u.hostname(),
        path: u.pathname(),
        query: search.strip_prefix('?').map(str::to_owned),
    })
}

#[wasm_bindgen]
extern "C" {
    /// Web Crypto's random source: available on plain-http pages too (only `crypto.subtle` needs HTTPS).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> core::result::Result<JsValue, JsValue>;
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    get_random_values(&mut buf)
        .map_err(|_| Error::new("NoSecureRandom", "crypto.getRandomValues is not available here, so no secure random number can be made"))?;
    Ok(buf)
}

fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name(&e.code);
    // Setting a property on a fresh Error object cannot fail; the result is ignored on purpose.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(&e.code));
    err.into()
}

fn invalid(what: impl Into<alloc::borrow::Cow<'static, str>>) -> Error {
    Error::new(code::INVALID_ARGUMENT, what)
}

fn get(obj: &JsValue, key: &str) -> Result<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| invalid(cat(&[key, " could not be read"])))
}

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>> {
    let v = get(obj, key)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| invalid(cat(&[key, " must be a string"])))
}

fn opt_bool(obj: &JsValue, key: &str) -> Result<Option<bool>> {
    let v = get(obj, key)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| invalid(cat(&[key, " must be a boolean"])))
}

fn header_pair(entry: &JsValue) -> Result<(String, String)> {
    let pair = entry.dyn_ref::<Array>().filter(|a| a.length() == 2).ok_or_else(|| invalid("headers entries must be [name, value] pairs"))?;
    match (pair.get(0).as_string(), pair.get(1).as_string()) {
        (Some(n), Some(v)) => Ok((n, v)),
        _ => Err(invalid("header names and values must be strings")),
    }
}

/// A plain object, a `Headers` (or any iterable of pairs), or an array of `[name, value]` pairs.
fn read_headers(v: &JsValue) -> Result<Vec<(String, String)>> {
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

enum Body {
    Bytes(Vec<u8>),
    /// A Blob or stream: its hash cannot be computed synchronously.
    Opaque,
}

fn read_body(v: &JsValue) -> Result<Body> {
    if is_absent(v) {
        return Ok(Body::Bytes(Vec::new()));
    }
    if let Some(s) = v.as_string() {
        return Ok(Body::Bytes(s.into_bytes()));
    }
    if let Some(buf) = v.dyn_ref::<ArrayBuffer>() {
        return Ok(Body::Bytes(Uint8Array::new(buf).to_vec()));
    }
    if ArrayBuffer::is_view(v) {
        let buf = get(v, "buffer")?;
        let offset = get(v, "byteOffset")?.as_f64().unwrap_or(0.0) as u32;
        let len = get(v, "byteLength")?.as_f64().unwrap_or(0.0) as u32;
        return Ok(Body::Bytes(Uint8Array::new_with_byte_offset_and_length(&buf, offset, len).to_vec()));
    }
    if v.is_object() && (get(v, "arrayBuffer")?.is_function() || get(v, "getReader")?.is_function()) {
        return Ok(Body::Opaque);
    }
    Err(Error::new(code::INVALID_BODY, "body must be a string, an ArrayBuffer, a typed array, a Blob or null"))
}

fn read_credentials(input: &JsValue) -> Result<(String, String, Option<String>)> {
    let c = get(input, "credentials")?;
    if !c.is_object() {
        return Err(Error::new(code::MISSING_CREDENTIALS, "credentials {accessKeyId, secretAccessKey, sessionToken?} are required"));
    }
    let field = |k: &str| -> Result<Option<String>> {
        opt_string(&c, k).map_err(|_| Error::new(code::MISSING_CREDENTIALS, cat(&["credentials.", k, " must be a string"])))
    };
    let missing = |k: &str| Error::new(code::MISSING_CREDENTIALS, cat(&["credentials.", k, " is required"]));
    let id = field("accessKeyId")?.ok_or_else(|| missing("accessKeyId"))?;
    let secret = field("secretAccessKey")?.ok_or_else(|| missing("secretAccessKey"))?;
    Ok((id, secret, field("sessionToken")?))
}

/// What every signing call shares: the URL in its wire form, scope, settings and credentials.
struct Common {
    url: Url,
    region: String,
    service: String,
    datetime: AmzDate,
    settings: Settings,
    creds: (String, String, Option<String>),
    unsigned: Option<bool>,
}

fn read_common(input: &JsValue) -> Result<Common> {
    if !input.is_object() {
        return Err(invalid("expected an options object"));
    }
    let url_s = opt_string(input, "url")?.ok_or_else(|| Error::new(code::INVALID_URL, "url is required"))?;
    let url = parse_url(&url_s)?;
    let inferred = endpoint::infer(&url.host);
    let service = match opt_string(input, "service")? {
        Some(s) => s,
        None => inferred.as_ref().map(|i| i.service.clone()).ok_or_else(|| {
            Error::new(code::UNKNOWN_SERVICE, cat(&["cannot tell the AWS service from the host ", &url.host, "; pass `service`"]))
        })?,
    };
    let region = match opt_string(input, "region")? {
        Some(r) => r,
        None => inferred.and_then(|i| i.region).ok_or_else(|| {
            Error::new(code::UNKNOWN_REGION, cat(&["cannot tell the AWS region from the host ", &url.host, "; pass `region`"]))
        })?,
    };
    let datetime = match opt_string(input, "datetime")? {
        Some(d) => AmzDate::parse(&d)?,
        None => AmzDate::from_unix_millis(js_sys::Date::now())?,
    };
    let mut settings = Settings::for_service(&service);
    if let Some(b) = opt_bool(input, "normalizePath")? {
        settings.normalize_path = b;
    }
    if let Some(b) = opt_bool(input, "doubleEncodePath")? {
        settings.double_encode_path = b;
    }
    if let Some(b) = opt_bool(input, "signSessionToken")? {
        settings.sign_session_token = b;
    }
    let creds = read_credentials(input)?;
    let unsigned = opt_bool(input, "unsignedPayload")?;
    Ok(Common { url, region, service, datetime, settings, creds, unsigned })
}

fn headers_object(headers: &[(String, String)]) -> Result<Object> {
    let obj = Object::new();
    for (n, v) in headers {
        Reflect::set(&obj, &JsValue::from_str(n), &JsValue::from_str(v)).map_err(|_| invalid("could not build headers"))?;
    }
    Ok(obj)
}

fn sign_request_inner(input: &JsValue) -> Result<JsValue> {
    let mut c = read_common(input)?;
    let method = opt_string(input, "method")?.unwrap_or_else(|| "GET".to_owned());
    let headers = read_headers(&get(input, "headers")?)?;
    if let Some(b) = opt_bool(input, "signPayloadHeader")? {
        c.settings.payload_header = b;
    }
    let body = read_body(&get(input, "body")?)?;
    let payload = match (&body, c.unsigned) {
        (_, Some(true)) => Payload::Unsigned,
        (Body::Bytes(b), _) => Payload::Bytes(b),
        (Body::Opaque, _) if is_s3(&c.service) => Payload::Unsigned,
        (Body::Opaque, _) => {
            return Err(Error::new(code::INVALID_BODY, "a Blob or stream body cannot be hashed synchronously: pass an ArrayBuffer or typed array"))
        }
    };
    let creds = Credentials { access_key_id: &c.creds.0, secret_access_key: &c.creds.1, session_token: c.creds.2.as_deref() };
    let scope = Scope { region: &c.region, service: &c.service, datetime: &c.datetime };
    let req = Request { method: &method, url: &c.url, headers: &headers, payload };
    let signed = with_keys(|cache| sigv4::sign_headers(&req, &creds, &scope, &c.settings, cache))?;
    let out = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&out, &JsValue::from_str(k), v).map_err(|_| invalid("could not build the result"));
    set("method", &JsValue::from_str(&method.to_ascii_uppercase()))?;
    set("url", &JsValue::from_str(&signed.url))?;
    set("headers", headers_object(&signed.headers)?.as_ref())?;
    Ok(out.into())
}

fn presign_url_inner(input: &JsValue) -> Result<String> {
    let c = read_common(input)?;
    let method = opt_string(input, "method")?.unwrap_or_else(|| "GET".to_owned());
    let headers = read_headers(&get(input, "headers")?)?;
    let expires = get(input, "expiresIn")?
        .as_f64()
        .filter(|n| *n >= 1.0 && *n <= sigv4::MAX_PRESIGN_SECONDS as f64 && (*n as u64) as f64 == *n)
        .ok_or_else(|| Error::new(code::INVALID_EXPIRES, "expiresIn must be a whole number of seconds from 1 to 604800 (7 days)"))?;
    let payload = if c.unsigned.unwrap_or(is_s3(&c.service)) { Payload::Unsigned } else { Payload::Bytes(&[]) };
    let creds = Credentials { access_key_id: &c.creds.0, secret_access_key: &c.creds.1, session_token: c.creds.2.as_deref() };
    let scope = Scope { region: &c.region, service: &c.service, datetime: &c.datetime };
    let req = Request { method: &method, url: &c.url, headers: &headers, payload };
    let signed = with_keys(|cache| sigv4::presign(&req, &creds, &scope, &c.settings, expires as u64, cache))?;
    Ok(signed.url)
}

/// Signs a request with SigV4 (an `Authorization` header) and returns what `fetch` needs to send it.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedRequest")]
pub fn sign_request(#[wasm_bindgen(unchecked_param_type = "SignRequestInput")] input: JsValue) -> core::result::Result<JsValue, JsValue> {
    sign_request_inner(&input).map_err(to_js)
}

/// A presigned URL: the signature in the query, usable by anyone (no credentials) until it expires.
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(#[wasm_bindgen(unchecked_param_type = "PresignUrlInput")] input: JsValue) -> core::result::Result<String, JsValue> {
    presign_url_inner(&input).map_err(to_js)
}

/// One SRP sign-in (USER_SRP_AUTH): `srpA` goes into InitiateAuth, `passwordClaim` answers PASSWORD_VERIFIER.
#[wasm_bindgen(js_name = SrpSession)]
pub struct SrpSession {
    inner: srp::Session,
}

#[wasm_bindgen(js_class = SrpSession)]
impl SrpSession {
    /// Starts with a fresh 256-bit random private value.
    #[wasm_bindgen(constructor)]
    pub fn new() -> core::result::Result<SrpSession, JsValue> {
        let a = random_bytes::<32>().map_err(to_js)?;
        srp::Session::start(&a).map(|inner| SrpSession { inner }).map_err(to_js)
    }

    /// `SRP_A` (hex) for InitiateAuth's AuthParameters.
    #[wasm_bindgen(getter, js_name = srpA)]
    pub fn srp_a(&self) -> String {
        self.inner.srp_a()
    }

    /// ChallengeResponses for the PASSWORD_VERIFIER challenge.
    #[wasm_bindgen(js_name = passwordClaim, unchecked_return_type = "PasswordClaim")]
    pub fn password_claim(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordClaimInput")] input: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        self.password_claim_inner(&input).map_err(to_js)
    }
}

impl SrpSession {
    fn password_claim_inner(&self, input: &JsValue) -> Result<JsValue> {
        if !input.is_object() {
            return Err(invalid("expected an options object"));
        }
        let required = |obj: &JsValue, key: &'static str| -> Result<String> {
            opt_string(obj, key)?.ok_or_else(|| invalid(cat(&[key, " is required"])))
        };
        let pool_id = required(input, "userPoolId")?;
        let pool_name = pool_id.split_once('_').map(|(_, n)| n).filter(|n| !n.is_empty()).ok_or_else(|| invalid("userPoolId must look like us-east-1_AbCdEf"))?;
        let password = required(input, "password")?;
        let params = get(input, "challengeParameters")?;
        if !params.is_object() {
            return Err(invalid("challengeParameters (the PASSWORD_VERIFIER challenge's) is required"));
        }
        let user_id = required(&params, "USER_ID_FOR_SRP")?;
        let secret_block = required(&params, "SECRET_BLOCK")?;
        let timestamp = match opt_string(input, "timestamp")? {
            Some(t) => t,
            None => srp::timestamp((js_sys::Date::now() / 1000.0) as i64),
        };
        let challenge = srp::Challenge {
            pool_name,
            user_id: &user_id,
            password: &password,
            srp_b: &required(&params, "SRP_B")?,
            salt: &required(&params, "SALT")?,
            secret_block: &secret_block,
            timestamp: &timestamp,
        };
        let signature = self.inner.password_claim(&challenge)?;
        let username = opt_string(&params, "USERNAME")?.unwrap_or_else(|| user_id.clone());
        let out = Object::new();
        for (k, v) in [("PASSWORD_CLAIM_SIGNATURE", &signature), ("PASSWORD_CLAIM_SECRET_BLOCK", &secret_block), ("TIMESTAMP", &timestamp), ("USERNAME", &username)] {
            Reflect::set(&out, &JsValue::from_str(k), &JsValue::from_str(v)).map_err(|_| invalid("could not build the result"))?;
        }
        Ok(out.into())
    }
}
