//! Browser I/O: `fetch`. Thin on purpose: [`send`] sends one request and returns the `Response` with its
//! status and the server's clock (`Date`); [`json_call`] is the POST of AWS's JSON APIs (Cognito) with the
//! parsed answer or a coded error. Network failures are `NetworkError` (retryable), distinct from services'
//! own errors, which keep AWS's code (`__type`); a request aborted through its `AbortSignal` is `AbortError`.

use crate::error::{code, Error, Result};
use crate::js::{set, str_field};
#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Object, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch(url: &str, init: &JsValue) -> core::result::Result<Promise, JsValue>;

    #[derive(Clone)]
    pub type FetchResponse;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> FetchHeaders;
    #[wasm_bindgen(method)]
    fn text(this: &FetchResponse) -> Promise;
    #[wasm_bindgen(method, js_name = clone)]
    fn clone_response(this: &FetchResponse) -> FetchResponse;

    type FetchHeaders;
    #[wasm_bindgen(method)]
    fn get(this: &FetchHeaders, name: &str) -> Option<String>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: f64);
}

/// A successful JSON answer: its parsed body and the server's clock when it sent it (Unix seconds).
pub struct Answer {
    pub body: JsValue,
    pub server_date: Option<i64>,
}

fn network(what: &'static str) -> Error {
    let mut e = Error::new(code::NETWORK_ERROR, what);
    e.retryable = true;
    e
}

impl FetchResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers().get(name)
    }

    /// The server's clock from `Date`, in milliseconds since the epoch.
    pub fn server_date_ms(&self) -> Option<f64> {
        self.header("date").map(|d| js_sys::Date::parse(&d)).filter(|ms| ms.is_finite())
    }

    /// The whole body as text (consumes the body).
    pub async fn body_text(&self) -> Result<String> {
        Ok(JsFuture::from(self.text()).await.map_err(|_| network("the answer was cut off"))?.as_string().unwrap_or_default())
    }

    /// The body as text without consuming it (for reading an error the caller may still want).
    pub async fn peek_text(&self) -> Result<String> {
        self.clone_response().body_text().await
    }
}

/// Sends one request. `init` is `fetch`'s (method, headers, body, signal).
pub async fn send(url: &str, init: &Object) -> Result<FetchResponse> {
    let promise = fetch(url, init).map_err(|_| network("fetch is not available here"))?;
    match JsFuture::from(promise).await {
        Ok(r) => Ok(r.into()),
        Err(e) if str_field(&e, "name").as_deref() == Some("AbortError") => Err(Error::new("AbortError", "the request was aborted")),
        Err(_) => Err(network("the request got no answer (offline, DNS, CORS or a closed connection)")),
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let mut cb = |resolve: js_sys::Function, _reject: js_sys::Function| set_timeout(&resolve, f64::from(ms));
    // The promise only resolves; there is nothing to handle on failure.
    let _ = JsFuture::from(Promise::new(&mut cb)).await;
}

/// Waits before attempt `attempt + 1`: [`crate::retry::backoff_ms`] with a random draw (jitter needs no
/// secure randomness).
pub async fn back_off(attempt: u32) {
    let random = (js_sys::Math::random() * 4_294_967_296.0) as u32;
    sleep(crate::retry::backoff_ms(attempt, random)).await;
}

/// The error code of a JSON service's answer: `__type` (may be namespaced `com.amazonaws…#Code`) or the
/// `x-amzn-ErrorType` header (may carry `:detail`).
pub fn json_error(status: u16, body: &JsValue, header: Option<String>) -> Error {
    let raw = str_field(body, "__type").or(header).unwrap_or_default();
    let code = raw.rsplit('#').next().unwrap_or("").split(':').next().unwrap_or("").to_owned();
    let code = if code.is_empty() { String::from(if status >= 500 { "ServiceError" } else { "UnknownError" }) } else { code };
    let message = str_field(body, "message").or_else(|| str_field(body, "Message")).unwrap_or_else(|| crate::cat(&["HTTP ", &crate::decimal(u64::from(status), 1)]));
    Error::service(code, message, status)
}

/// Parses a JSON answer: the body, or the service's coded error.
pub fn read_json(status: u16, text: &str, error_header: Option<String>) -> Result<JsValue> {
    let parsed = if text.is_empty() { Ok(Object::new().into()) } else { JSON::parse(text) };
    if (200..300).contains(&status) {
        return parsed.map_err(|_| Error::new("InvalidResponse", "the service answered with something that is not JSON"));
    }
    Err(json_error(status, &parsed.unwrap_or(JsValue::UNDEFINED), error_header))
}

/// A POST `init` with these headers and body.
pub fn post_init(headers: &[(&str, &str)], body: &str) -> Object {
    let h = Object::new();
    for (name, value) in headers {
        set(&h, name, &JsValue::from_str(value));
    }
    let init = Object::new();
    set(&init, "method", &JsValue::from_str("POST"));
    set(&init, "headers", &h);
    set(&init, "body", &JsValue::from_str(body));
    init
}

/// A POST `init` for a JSON-protocol endpoint with `X-Amz-Target: target`.
pub fn json_init(target: &str, content_type: &str, body: &str) -> Object {
    post_init(&[("content-type", content_type), ("x-amz-target", target)], body)
}

/// POSTs `body` to an unsigned JSON-protocol endpoint (Cognito) with `X-Amz-Target: target`.
pub async fn json_call(url: &str, target: &str, content_type: &str, body: &str) -> Result<Answer> {
    let response = send(url, &json_init(target, content_type, body)).await?;
    let server_date = response.server_date_ms().map(|ms| (ms / 1000.0) as i64);
    let text = response.body_text().await?;
    let body = read_json(response.status(), &text, response.header("x-amzn-errortype"))?;
    Ok(Answer { body, server_date })
}
