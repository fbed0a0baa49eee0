//! signRequest and presignUrl: options in, [`crate::sigv4`] signing, a request for `fetch` (or a URL) out.

use super::{get, headers_object, invalid, is_absent, opt_bool, opt_string, read_headers, to_js};
use crate::cat;
use crate::error::{code, Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::sigv4::endpoint;
use crate::sigv4::signing_key::SigningKeyCache;
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, is_s3, Credentials, Payload, Request, Scope, Settings};
use crate::url::Url;
use core::cell::RefCell;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SIGV4_TYPES: &str = r#"
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
"#;

/// Derived signing keys, reused across calls (one HMAC chain per credentials, day, region and service).
struct KeyCache(RefCell<SigningKeyCache>);
// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the cache is never shared.
unsafe impl Sync for KeyCache {}
static SIGNING_KEYS: KeyCache = KeyCache(RefCell::new(SigningKeyCache::new()));

/// Runs `f` with the shared cache (or a fresh one if it is somehow in use).
pub(crate) fn with_keys<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
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
pub(crate) fn parse_url(s: &str) -> Result<Url> {
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

pub(crate) enum Body {
    Bytes(Vec<u8>),
    /// A Blob or stream: its hash cannot be computed synchronously.
    Opaque,
}

pub(crate) fn read_body(v: &JsValue) -> Result<Body> {
    if is_absent(v) {
        return Ok(Body::Bytes(Vec::new()));
    }
    if let Some(s) = v.as_string() {
        return Ok(Body::Bytes(s.into_bytes()));
    }
    if let Some(bytes) = super::buffer_bytes(v) {
        return Ok(Body::Bytes(bytes));
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

