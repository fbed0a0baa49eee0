//! SigV4 for the JS layer's `signRequest` and `presignUrl` (`pkg-config/sigv4.js`): one step that signs.

use super::{answer, join, join_pairs, Fields};
use crate::cat;
use crate::error::{code, Error, Result};
use crate::iot;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::sigv4::endpoint;
use crate::sigv4::signing_key::SigningKeyCache;
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, is_s3, Credentials, Payload, Request, Scope, Settings};
use crate::url::Url;
#[cfg(target_arch = "wasm32")]
use core::cell::RefCell;

/// Derived signing keys, reused across calls (one HMAC chain per credentials, day, region and service).
#[cfg(target_arch = "wasm32")]
struct KeyCache(RefCell<SigningKeyCache>);
// SAFETY: wasm32-unknown-unknown without the atomics feature (refused in `super`) runs one thread; the cache is
// never shared.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for KeyCache {}
#[cfg(target_arch = "wasm32")]
static SIGNING_KEYS: KeyCache = KeyCache(RefCell::new(SigningKeyCache::new()));

/// Runs `f` with the shared cache (or a fresh one if it is somehow in use).
#[cfg(target_arch = "wasm32")]
fn with_keys<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
    match SIGNING_KEYS.0.try_borrow_mut() {
        Ok(mut cache) => f(&mut cache),
        Err(_) => f(&mut SigningKeyCache::new()),
    }
}

/// Natively (tests, which run on many threads) each signature derives its key afresh.
#[cfg(not(target_arch = "wasm32"))]
fn with_keys<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
    f(&mut SigningKeyCache::new())
}

/// An absolute http(s) URL from the browser's own parser (`new URL()`), whose `pathname` and `search` are
/// exactly what `fetch` sends, so they are what gets signed. Six fields: `protocol`, `"1"` when the URL has a
/// user name or password, `host`, `hostname`, `pathname`, `search`.
pub(crate) fn read_url<'a>(f: &mut Fields<'a>) -> Result<Url<'a>> {
    let bad = |why: &'static str| Error::new(code::INVALID_URL, cat(&["url must be an absolute http(s) URL: ", why]));
    let scheme = match f.str() {
        "https:" => "https",
        "http:" => "http",
        _ => return Err(bad("the scheme is not http or https")),
    };
    if f.flag() == Some(true) {
        return Err(bad("user names and passwords in URLs are not supported"));
    }
    let (authority, host, path) = (f.str(), f.str(), f.str());
    let query = f.str().strip_prefix('?');
    Ok(Url { scheme, authority, host, path, query })
}

fn sign_inner(f: &mut Fields, body: &[u8]) -> Result<String> {
    let presigning = f.str() == "q";
    let expires_in = f.int();
    let url = read_url(f)?;
    let inferred = endpoint::infer(url.host);
    let service = match f.opt() {
        Some(s) => s,
        None => inferred.map(|i| i.service).ok_or_else(|| {
            Error::new(code::UNKNOWN_SERVICE, cat(&["cannot tell the AWS service from the host ", url.host, "; pass `service`"]))
        })?,
    };
    let region = match f.opt() {
        Some(r) => r,
        None => inferred.and_then(|i| i.region).ok_or_else(|| {
            Error::new(code::UNKNOWN_REGION, cat(&["cannot tell the AWS region from the host ", url.host, "; pass `region`"]))
        })?,
    };
    let datetime = AmzDate::parse(f.str())?;
    let mut settings = Settings::for_service(service);
    for setting in [&mut settings.normalize_path, &mut settings.double_encode_path, &mut settings.sign_session_token, &mut settings.payload_header] {
        if let Some(b) = f.flag() {
            *setting = b;
        }
    }
    let unsigned = f.flag();
    let missing = |k: &str| Error::new(code::MISSING_CREDENTIALS, cat(&["credentials.", k, " is required"]));
    let access_key_id = f.opt().ok_or_else(|| missing("accessKeyId"))?;
    let secret_access_key = f.opt().ok_or_else(|| missing("secretAccessKey"))?;
    let session_token = f.opt();
    let method = f.opt().unwrap_or("GET");
    // "1": a Blob or stream, whose hash cannot be computed synchronously.
    let opaque = f.flag() == Some(true);
    let headers = f.pairs();
    let creds = Credentials { access_key_id, secret_access_key, session_token };
    let scope = Scope { region, service, datetime: &datetime };
    let (expires, payload) = if presigning {
        // Absent, fractional or negative reads as 0, which the signer refuses like any out-of-range value.
        let expires = expires_in.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
        (Some(expires), if unsigned.unwrap_or(is_s3(service)) { Payload::Unsigned } else { Payload::Bytes(&[]) })
    } else {
        let payload = match (opaque, unsigned) {
            (_, Some(true)) => Payload::Unsigned,
            (false, _) => Payload::Bytes(body),
            (true, _) if is_s3(service) => Payload::Unsigned,
            (true, _) => {
                return Err(Error::new(code::INVALID_BODY, "a Blob or stream body cannot be hashed synchronously: pass an ArrayBuffer or typed array"))
            }
        };
        (None, payload)
    };
    let req = Request { method, url: &url, headers: &headers, payload };
    let signed = with_keys(|cache| sigv4::sign(&req, &creds, &scope, &settings, expires, cache))?;
    if presigning {
        return Ok(signed.url);
    }
    let mut out = join(&[&method.to_ascii_uppercase(), &signed.url]);
    out.push_str(&join_pairs(&signed.headers)); // two joins in a row: the join of all their fields
    Ok(out)
}

/// `iotEndpoint` (AWS IoT's MQTT WebSocket, [`crate::iot`]): the endpoint's six fields as [`read_url`] reads them but
/// with a `wss:` or `ws:` scheme, and the region given (or empty). Answer: the scheme to connect with (`wss` or
/// `ws`), the `http(s)` URL of `/mqtt` to presign in its place (the same canonical request: only `host` is signed),
/// and the region. The JS layer then presigns through [`sign`] with [`iot::SERVICE`] and the session token unsigned,
/// the same settings as [`iot::mqtt_url`] (one signing path in the wasm: a second call site cost 1.6 KiB gzip).
pub fn iot_endpoint(f: &mut Fields) -> Result<String> {
    let (protocol, userinfo, authority, host, path, search) = (f.str(), f.flag() == Some(true), f.str(), f.str(), f.str(), f.str());
    let ep = iot::endpoint(protocol, userinfo, authority, host, path, search)?;
    let region = iot::region(&ep, f.opt())?;
    let (scheme, http) = if ep.secure { ("wss", "https://") } else { ("ws", "http://") };
    Ok(join(&[scheme, &cat(&[http, ep.authority, iot::PATH]), region]))
}

/// Signs a request (the one step besides [`super::step`]: it takes the body's bytes). `input`: `"h"` (an
/// `Authorization` header) or `"q"` (a presigned URL), expiresIn (seconds, presigning only), the URL's six fields
/// ([`read_url`]), service, region, datetime (the JS layer gives the current time when the caller gave none), the flags
/// normalizePath, doubleEncodePath, signSessionToken, signPayloadHeader, unsignedPayload, then accessKeyId,
/// secretAccessKey, sessionToken, method, `"1"` for a Blob/stream body, and the header name/value pairs.
/// Answer: the fields method, url, then header name/value pairs; or the presigned URL.
pub fn sign(input: &str, body: &[u8]) -> String {
    let f = &mut Fields::new(input);
    let r = sign_inner(f, body);
    answer(if f.broken() { Err(super::not_framed()) } else { r })
}
