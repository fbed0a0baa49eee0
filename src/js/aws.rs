//! `AwsClient`: a `fetch` that signs with SigV4, and the sending core the S3 and DynamoDB helpers share.
//! Credentials come from a static object, an `IdentityPool` (anything with `getCredentials()`), or a function;
//! they are asked for on every request (the provider caches and refreshes). Retries follow
//! [`crate::retry`]: transient errors with backoff for idempotent requests, one re-sign after a clock-skew
//! error (with the server's clock from `Date`), one after expired credentials (with fresh ones).

use super::sigv4::{parse_url, read_body, with_keys, Body};
use super::{get, invalid, is_absent, opt_string, option_bool, option_string, read_headers, set, str_field, to_js};
use crate::error::{code, Error, Result};
use crate::http::{self, FetchResponse};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::retry::{self, Decision};
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, endpoint, is_s3, Payload, Scope, Settings};
use crate::{cat, xml};
use core::cell::Cell;
use js_sys::{ArrayBuffer, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const AWS_TYPES: &str = r#"
/** Temporary credentials as providers return them. */
export interface TemporaryCredentials extends AwsCredentials {
  /** When they stop working (this device's clock). */
  expiration?: Date;
}
/** Where signed requests get their credentials: fixed ones, an `IdentityPool`, or a function. */
export type CredentialsSource =
  | AwsCredentials
  | { getCredentials(options?: { forceRefresh?: boolean }): Promise<TemporaryCredentials> }
  | ((options: { forceRefresh: boolean }) => TemporaryCredentials | Promise<TemporaryCredentials>);
export interface AwsClientOptions {
  credentials: CredentialsSource;
  /** Default region, when the host does not say (custom endpoints). */
  region?: string;
  /** Default signing name (`s3`, `dynamodb`, `execute-api` ...), when the host does not say. */
  service?: string;
  /** Attempts for transient errors (5xx, 429, throttling), idempotent requests only. Default 3. */
  maxAttempts?: number;
}
export interface AwsRequestInit extends RequestInit {
  aws?: {
    service?: string;
    region?: string;
    /** Sign `UNSIGNED-PAYLOAD` (S3 only). Blobs sent to S3 are always unsigned. */
    unsignedPayload?: boolean;
    /** Retry transient errors even for POST (safe for AWS JSON APIs like DynamoDB). Default: by method. */
    idempotent?: boolean;
  };
}
"#;

/// Credentials for one request.
pub(crate) struct Creds {
    pub id: String,
    pub secret: String,
    pub token: Option<String>,
}

pub(crate) enum Source {
    Static(Creds),
    /// An object with `getCredentials({forceRefresh})` (an `IdentityPool`).
    Provider(JsValue),
    Function(Function),
}

fn read_creds(c: &JsValue) -> Result<Creds> {
    let missing = || Error::new(code::MISSING_CREDENTIALS, "credentials need accessKeyId and secretAccessKey strings");
    if !c.is_object() {
        return Err(missing());
    }
    let id = opt_string(c, "accessKeyId").ok().flatten().filter(|s| !s.is_empty()).ok_or_else(missing)?;
    let secret = opt_string(c, "secretAccessKey").ok().flatten().filter(|s| !s.is_empty()).ok_or_else(missing)?;
    let token = opt_string(c, "sessionToken").map_err(|_| Error::new(code::MISSING_CREDENTIALS, "credentials.sessionToken must be a string"))?;
    Ok(Creds { id, secret, token })
}

/// One request to sign and send.
pub(crate) struct Outgoing {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// What `fetch` sends (string, ArrayBuffer, typed array, Blob, or undefined).
    pub body: JsValue,
    /// The bytes to hash, or `None` for `UNSIGNED-PAYLOAD`.
    pub hashed: Option<Vec<u8>>,
    pub service: String,
    pub region: String,
    pub signal: JsValue,
    pub idempotent: bool,
    /// Other `fetch` options of the caller (mode, cache, keepalive ...), copied as they are.
    pub extra: JsValue,
}

/// Credentials source, defaults and the clock offset learned from AWS's answers.
pub(crate) struct Signer {
    source: Source,
    pub region: Option<String>,
    pub service: Option<String>,
    max_attempts: u32,
    /// Server clock minus this device's, milliseconds.
    clock_offset: Cell<f64>,
}

/// Beyond this, the device clock is treated as wrong and the server's `Date` is used for signing.
const SKEW_TOLERANCE_MS: f64 = 60_000.0;

impl Signer {
    pub fn from_options(options: &JsValue) -> Result<Signer> {
        if !options.is_object() {
            return Err(invalid("expected an options object with credentials"));
        }
        let c = get(options, "credentials")?;
        let source = if let Some(f) = c.dyn_ref::<Function>() {
            Source::Function(f.clone())
        } else if c.is_object() && get(&c, "getCredentials")?.is_function() {
            Source::Provider(c)
        } else {
            Source::Static(read_creds(&c)?)
        };
        let max_attempts = match get(options, "maxAttempts")?.as_f64() {
            Some(n) if (1.0..=10.0).contains(&n) => n as u32,
            Some(_) => return Err(invalid("maxAttempts must be 1 to 10")),
            None => retry::MAX_ATTEMPTS,
        };
        Ok(Signer { source, region: opt_string(options, "region")?, service: opt_string(options, "service")?, max_attempts, clock_offset: Cell::new(0.0) })
    }

    pub async fn credentials(&self, force: bool) -> Result<Creds> {
        let arg = Object::new();
        set(&arg, "forceRefresh", &JsValue::from_bool(force));
        let result = match &self.source {
            Source::Static(c) => return Ok(Creds { id: c.id.clone(), secret: c.secret.clone(), token: c.token.clone() }),
            Source::Provider(p) => {
                let f: Function = get(p, "getCredentials")?.unchecked_into();
                f.call1(p, &arg)
            }
            Source::Function(f) => f.call1(&JsValue::NULL, &arg),
        };
        // The provider's own coded error (NotAuthorizedException, NetworkError ...) is kept.
        let value = super::settle(result.map_err(super::from_js)?).await?;
        read_creds(&value)
    }

    /// Now on the server's clock (when the device's is known to be off), milliseconds.
    pub fn now_ms(&self) -> f64 {
        js_sys::Date::now() + self.clock_offset.get()
    }

    fn learn_clock(&self, response: &FetchResponse, always: bool) {
        if let Some(server) = response.server_date_ms() {
            let offset = server - js_sys::Date::now();
            if always || (offset - self.clock_offset.get()).abs() > SKEW_TOLERANCE_MS {
                self.clock_offset.set(offset);
            }
        }
    }

    fn sign(&self, req: &Outgoing, creds: &Creds) -> Result<Object> {
        let url = parse_url(&req.url)?;
        let datetime = AmzDate::from_unix_millis(self.now_ms())?;
        let settings = Settings::for_service(&req.service);
        let payload = match &req.hashed {
            Some(b) => Payload::Bytes(b),
            None => Payload::Unsigned,
        };
        let c = sigv4::Credentials { access_key_id: &creds.id, secret_access_key: &creds.secret, session_token: creds.token.as_deref() };
        let scope = Scope { region: &req.region, service: &req.service, datetime: &datetime };
        let r = sigv4::Request { method: &req.method, url: &url, headers: &req.headers, payload };
        let signed = with_keys(|cache| sigv4::sign_headers(&r, &c, &scope, &settings, cache))?;
        let init: Object = if req.extra.is_object() { Object::assign(&Object::new(), req.extra.unchecked_ref()) } else { Object::new() };
        set(&init, "method", &JsValue::from_str(&req.method));
        set(&init, "headers", super::headers_object(&signed.headers)?.as_ref());
        if !req.body.is_undefined() && !req.body.is_null() {
            set(&init, "body", &req.body);
        }
        if !is_absent(&req.signal) {
            set(&init, "signal", &req.signal);
        }
        Ok(init)
    }

    /// Signs and sends, retrying as [`retry::decide`] says. Returns the last `Response` whatever its status.
    pub async fn send(&self, req: &Outgoing) -> Result<FetchResponse> {
        let mut a = retry::Attempt::first(self.max_attempts, req.idempotent);
        loop {
            let creds = self.credentials(a.refreshed).await?;
            let init = self.sign(req, &creds)?;
            let response = match http::send(&req.url, &init).await {
                Ok(r) => r,
                Err(e) if e.code == code::NETWORK_ERROR && retry::retry_network_failure(&a) => {
                    http::back_off(a.number).await;
                    a.number += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            self.learn_clock(&response, false);
            let status = response.status();
            if (200..400).contains(&status) {
                return Ok(response);
            }
            let (code, message) = error_code(&response).await;
            match retry::decide(status, &code, &message, &a) {
                Decision::Done => return Ok(response),
                Decision::Backoff => {
                    http::back_off(a.number).await;
                    a.number += 1;
                }
                Decision::FixClock => {
                    self.learn_clock(&response, true);
                    a.skew_fixed = true;
                }
                Decision::RefreshCredentials => a.refreshed = true,
            }
        }
    }
}

/// The error code and message of a failed answer, read from a copy of the body (the caller still gets it
/// whole): JSON `__type`, S3/STS XML `<Code>`, or the `x-amzn-ErrorType` header.
pub(crate) async fn error_code(response: &FetchResponse) -> (String, String) {
    let text = response.peek_text().await.unwrap_or_default();
    if text.trim_start().starts_with('<') {
        return (xml::text(&text, "Code").unwrap_or_default(), xml::text(&text, "Message").unwrap_or_default());
    }
    let body = js_sys::JSON::parse(&text).unwrap_or(JsValue::UNDEFINED);
    let e = http::json_error(response.status(), &body, response.header("x-amzn-errortype"));
    (e.code.into_owned(), e.message.into_owned())
}

/// The bytes of a body for hashing; a Blob is read (asynchronously) unless the payload goes unsigned.
pub(crate) async fn body_bytes(body: &JsValue, unsigned: bool) -> Result<(JsValue, Option<Vec<u8>>)> {
    match read_body(body)? {
        Body::Bytes(b) => Ok((body.clone(), if unsigned { None } else { Some(b) })),
        Body::Opaque if unsigned => Ok((body.clone(), None)),
        Body::Opaque => {
            let f = get(body, "arrayBuffer")?.dyn_into::<Function>().map_err(|_| Error::new(code::INVALID_BODY, "a stream body cannot be signed: pass a Blob, ArrayBuffer or string"))?;
            let buf = JsFuture::from(Promise::resolve(&f.call0(body).map_err(|_| Error::new(code::INVALID_BODY, "the body could not be read"))?))
                .await
                .map_err(|_| Error::new(code::INVALID_BODY, "the body could not be read"))?;
            let buf: ArrayBuffer = buf.dyn_into().map_err(|_| Error::new(code::INVALID_BODY, "the body could not be read"))?;
            let bytes = Uint8Array::new(&buf).to_vec();
            Ok((buf.into(), Some(bytes)))
        }
    }
}

#[wasm_bindgen(js_name = AwsClient)]
pub struct AwsClient {
    signer: alloc::rc::Rc<Signer>,
}

async fn client_fetch(signer: alloc::rc::Rc<Signer>, input: JsValue, init: JsValue) -> Result<JsValue> {
    // `input`: a URL string, a `URL`, or a `Request` (its method, headers and body are used).
    let (url, mut method, mut headers, mut body) = if let Some(s) = input.as_string() {
        (s, None, Vec::new(), JsValue::UNDEFINED)
    } else if input.is_object() && get(&input, "method")?.is_string() {
        let url = str_field(&input, "url").ok_or_else(|| invalid("the Request has no url"))?;
        let method = str_field(&input, "method");
        let headers = read_headers(&get(&input, "headers")?)?;
        let body = if matches!(method.as_deref(), Some("GET" | "HEAD")) {
            JsValue::UNDEFINED
        } else {
            let f: Function = get(&input, "arrayBuffer")?.dyn_into().map_err(|_| invalid("the Request's body cannot be read"))?;
            JsFuture::from(Promise::resolve(&f.call0(&input).map_err(|_| invalid("the Request's body cannot be read"))?)).await.map_err(|_| invalid("the Request's body cannot be read"))?
        };
        (url, method, headers, body)
    } else if input.is_object() {
        (str_field(&input, "href").ok_or_else(|| invalid("input must be a URL string, a URL or a Request"))?, None, Vec::new(), JsValue::UNDEFINED)
    } else {
        return Err(invalid("input must be a URL string, a URL or a Request"));
    };
    let (mut aws, mut signal, mut extra) = (JsValue::UNDEFINED, JsValue::UNDEFINED, JsValue::UNDEFINED);
    if init.is_object() {
        if let Some(m) = opt_string(&init, "method")? {
            method = Some(m);
        }
        let h = get(&init, "headers")?;
        if !is_absent(&h) {
            headers = read_headers(&h)?;
        }
        let b = get(&init, "body")?;
        if !b.is_undefined() {
            body = b;
        }
        aws = get(&init, "aws")?;
        signal = get(&init, "signal")?;
        extra = Object::assign(&Object::new(), init.unchecked_ref()).into();
        let _ = Reflect::delete_property(extra.unchecked_ref::<Object>(), &JsValue::from_str("aws"));
    }
    let method = method.unwrap_or_else(|| String::from("GET")).to_ascii_uppercase();
    let host = parse_url(&url)?.host;
    let inferred = endpoint::infer(&host);
    let pick = |key: &str, from_host: Option<String>, default: &Option<String>, what: &'static str| -> Result<String> {
        let given = option_string(&aws, key)?;
        given.or(from_host).or_else(|| default.clone()).ok_or_else(|| Error::new(what, cat(&["cannot tell the AWS ", key, " from the host ", &host, "; pass aws.", key, " or set it on the client"])))
    };
    let service = pick("service", inferred.as_ref().map(|i| i.service.clone()), &signer.service, code::UNKNOWN_SERVICE)?;
    let region = pick("region", inferred.and_then(|i| i.region), &signer.region, code::UNKNOWN_REGION)?;
    let unsigned_opt = option_bool(&aws, "unsignedPayload")?;
    let blob = matches!(read_body(&body)?, Body::Opaque);
    let unsigned = unsigned_opt.unwrap_or(blob && is_s3(&service));
    let (body, hashed) = body_bytes(&body, unsigned).await?;
    let idempotent = option_bool(&aws, "idempotent")?.unwrap_or_else(|| retry::is_idempotent(&method));
    let req = Outgoing { method, url, headers, body, hashed, service, region, signal, idempotent, extra };
    Ok(signer.send(&req).await?.into())
}

#[wasm_bindgen(js_class = AwsClient)]
impl AwsClient {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "AwsClientOptions")] options: JsValue) -> core::result::Result<AwsClient, JsValue> {
        Ok(AwsClient { signer: alloc::rc::Rc::new(Signer::from_options(&options).map_err(to_js)?) })
    }

    /// `fetch` with SigV4: same arguments and result (a `Response` whatever its status); network failures and
    /// aborts reject. Transient errors are retried for idempotent requests; clock skew and expired
    /// credentials are corrected once.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | URL | Request")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AwsRequestInit")] init: JsValue,
    ) -> Promise {
        let signer = self.signer.clone();
        super::promise(alloc::boxed::Box::pin(client_fetch(signer, input, init)))
    }
}
