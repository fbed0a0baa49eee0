//! Browser I/O: `fetch` for AWS's JSON APIs (Cognito). Thin on purpose: it sends a body and returns the parsed
//! answer with the server's clock (`Date`), or a coded error. Network failures are `NetworkError` (retryable),
//! distinct from the service's own errors, which keep AWS's code (`__type`).

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

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> FetchHeaders;
    #[wasm_bindgen(method)]
    fn text(this: &FetchResponse) -> Promise;

    type FetchHeaders;
    #[wasm_bindgen(method)]
    fn get(this: &FetchHeaders, name: &str) -> Option<String>;
}

/// A successful answer: its parsed JSON body and the server's clock when it sent it (Unix seconds).
pub struct Answer {
    pub body: JsValue,
    pub server_date: Option<i64>,
}

fn network(what: &'static str) -> Error {
    let mut e = Error::new(code::NETWORK_ERROR, what);
    e.retryable = true;
    e
}

/// POSTs `body` to a JSON-protocol endpoint with `X-Amz-Target: target`.
pub async fn json_call(url: &str, target: &str, content_type: &str, body: &str) -> Result<Answer> {
    let headers = Object::new();
    set(&headers, "content-type", &JsValue::from_str(content_type));
    set(&headers, "x-amz-target", &JsValue::from_str(target));
    let init = Object::new();
    set(&init, "method", &JsValue::from_str("POST"));
    set(&init, "headers", &headers);
    set(&init, "body", &JsValue::from_str(body));
    let promise = fetch(url, &init).map_err(|_| network("fetch is not available here"))?;
    let response: FetchResponse = JsFuture::from(promise).await.map_err(|_| network("the request got no answer (offline, DNS, CORS or a closed connection)"))?.into();
    let status = response.status();
    let server_date = response.headers().get("date").map(|d| js_sys::Date::parse(&d)).filter(|ms| ms.is_finite()).map(|ms| (ms / 1000.0) as i64);
    let text = JsFuture::from(response.text()).await.map_err(|_| network("the answer was cut off"))?.as_string().unwrap_or_default();
    let parsed = if text.is_empty() { Ok(Object::new().into()) } else { JSON::parse(&text) };
    if status == 200 {
        let body = parsed.map_err(|_| Error::new("InvalidResponse", "the service answered with something that is not JSON"))?;
        return Ok(Answer { body, server_date });
    }
    let body = parsed.unwrap_or(JsValue::UNDEFINED);
    // `__type` may be namespaced (`com.amazonaws...#Code`); the header form may carry `:detail`.
    let raw = str_field(&body, "__type").or_else(|| response.headers().get("x-amzn-errortype")).unwrap_or_default();
    let code = raw.rsplit('#').next().unwrap_or("").split(':').next().unwrap_or("").to_owned();
    let code = if code.is_empty() { String::from(if status >= 500 { "ServiceError" } else { "UnknownError" }) } else { code };
    let message = str_field(&body, "message").or_else(|| str_field(&body, "Message")).unwrap_or_else(|| crate::cat(&["HTTP ", &crate::decimal(u64::from(status), 1)]));
    Err(Error::service(code, message, status))
}
