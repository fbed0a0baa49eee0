//! AWS Signature Version 4, readable top to bottom in [`sign`]: [`sign_headers`] (the `Authorization` header)
//! and [`presign`] (a URL with the signature in its query) are its two styles. One file per stage: [`canonical`] (canonical request),
//! [`string_to_sign`] (string to sign and signature), [`signing_key`] (key derivation and cache), plus
//! [`encode`] (URI encoding rules), [`time`] (the timestamp) and [`endpoint`] (service and region from a
//! hostname). Pure Rust: no browser types, tested natively against AWS's suite.
//!
//! The request path given here is the path exactly as it is sent on the wire. The JS boundary parses a
//! caller's URL with the browser's own URL parser, whose path is what `fetch` sends: what is signed is what is sent.

#[allow(unused_imports)]
use crate::prelude::*;

pub mod canonical;
pub mod encode;
pub mod endpoint;
pub mod signing_key;
pub mod string_to_sign;
pub mod time;

use crate::digest::sha256;
use crate::error::{code, Error, Result};
use crate::{cat, decimal};
use crate::url::Url;
use canonical::{canonical_headers, canonical_query, canonical_request, canonical_uri, is_signable, merge_headers, query_pairs};
use encode::{hex, sort_pairs, uri_encode};
use signing_key::SigningKeyCache;
use string_to_sign::{credential_scope, signature, string_to_sign, ALGORITHM};
use time::AmzDate;

pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Presigned URLs live at most seven days.
pub const MAX_PRESIGN_SECONDS: u64 = 604_800;

pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

/// What the payload hash covers: the body's bytes, or nothing (`UNSIGNED-PAYLOAD`, S3 only).
pub enum Payload<'a> {
    Bytes(&'a [u8]),
    Unsigned,
}

/// The per-service rules. [`Settings::for_service`] gives AWS's; each can be overridden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Remove dot segments and empty segments from the path (every service but S3).
    pub normalize_path: bool,
    /// Encode the sent path once more (every service but S3, which signs the object key encoded once).
    pub double_encode_path: bool,
    /// Send and sign `x-amz-content-sha256` (S3 requires it).
    pub payload_header: bool,
    /// Sign the session token; when false it is added after signing (a few services want that).
    pub sign_session_token: bool,
}

pub fn is_s3(service: &str) -> bool {
    matches!(service, "s3" | "s3-object-lambda" | "s3-outposts" | "s3express")
}

impl Settings {
    pub fn for_service(service: &str) -> Settings {
        let s3 = is_s3(service);
        Settings { normalize_path: !s3, double_encode_path: !s3, payload_header: s3, sign_session_token: true }
    }
}

pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a Url<'a>,
    /// As given by the caller; repeated names are allowed (their values are joined with `,`).
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: Payload<'a>,
}

pub struct Scope<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub datetime: &'a AmzDate,
}

/// A signed request, with the intermediate values for tests and debugging (none of them is secret).
#[derive(Debug)]
pub struct Signed {
    /// The URL to send: for S3 the key encoded as signed; the query re-encoded (and, presigned, signed).
    pub url: String,
    /// Headers to send (lowercase names): the caller's, plus `x-amz-date`, `x-amz-security-token`,
    /// `x-amz-content-sha256` and `authorization` for header signing.
    pub headers: Vec<(String, String)>,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// Headers the signer sets itself: whatever the caller gave under these names is replaced.
const SIGNER_HEADERS: [&str; 4] = ["authorization", "host", "x-amz-date", "x-amz-security-token"];
/// Query parameters of a presigned URL: whatever the URL had under these names is replaced.
const PRESIGN_PARAMS: [&str; 7] =
    ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"];

fn check(creds: &Credentials, method: &str, scope: &Scope) -> Result<()> {
    let ok_key = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/');
    if !ok_key(creds.access_key_id) {
        return Err(Error::new(code::MISSING_CREDENTIALS, "credentials.accessKeyId must be a non-empty string without spaces or '/'"));
    }
    if creds.secret_access_key.is_empty() {
        return Err(Error::new(code::MISSING_CREDENTIALS, "credentials.secretAccessKey must be a non-empty string"));
    }
    if creds.session_token.is_some_and(|t| t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic())) {
        return Err(Error::new(code::MISSING_CREDENTIALS, "credentials.sessionToken must be printable ASCII without spaces when given"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::new(code::INVALID_ARGUMENT, "method must be an HTTP method such as GET or PUT"));
    }
    let label = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !label(scope.region) {
        return Err(Error::new(code::UNKNOWN_REGION, "region must be a region name such as us-east-1"));
    }
    if !label(scope.service) {
        return Err(Error::new(code::UNKNOWN_SERVICE, "service must be a signing name such as s3 or dynamodb"));
    }
    Ok(())
}

fn payload_hash(payload: &Payload) -> String {
    match payload {
        Payload::Bytes(b) => hex(&sha256(b)),
        Payload::Unsigned => UNSIGNED_PAYLOAD.to_owned(),
    }
}

fn build_url(url: &Url, path: &str, pairs: &[(String, String)]) -> String {
    let mut out = url.origin();
    out.push_str(path);
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// What both signing styles start from.
struct Prepared {
    method: String,
    /// The canonical URI.
    uri: String,
    /// The query's parameters, re-encoded.
    pairs: Vec<(String, String)>,
    /// The caller's headers, merged (see [`merge_headers`]), less those the signer sets itself.
    given: Vec<(String, String)>,
    /// Whether the caller gave `x-amz-content-sha256` (then it is the signed hash).
    hash_given: bool,
    /// The payload hash that is signed.
    hash: String,
}

fn prepare(req: &Request, creds: &Credentials, scope: &Scope, settings: &Settings) -> Result<Prepared> {
    let method = req.method.to_ascii_uppercase();
    check(creds, &method, scope)?;
    let uri = canonical_uri(req.url.path, settings);
    let pairs = req.url.query.map(query_pairs).unwrap_or_default();
    let mut given = Vec::with_capacity(req.headers.len());
    for &(n, v) in req.headers {
        if !SIGNER_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(n)) {
            given.push((n, v));
        }
    }
    let given = merge_headers(&given)?;
    let given_hash = given.iter().find(|(n, _)| n == "x-amz-content-sha256").map(|(_, v)| v.clone());
    let hash_given = given_hash.is_some();
    let hash = given_hash.unwrap_or_else(|| payload_hash(&req.payload));
    Ok(Prepared { method, uri, pairs, given, hash_given, hash })
}

/// Signs with an `Authorization` header.
pub fn sign_headers(req: &Request, creds: &Credentials, scope: &Scope, settings: &Settings, cache: &mut SigningKeyCache) -> Result<Signed> {
    sign(req, creds, scope, settings, None, cache)
}

/// Signs into the URL's query (a presigned URL), valid for `expires_in` seconds (1 to 7 days). Headers given
/// are signed too, and must then be sent with the URL; they are returned in [`Signed::headers`].
pub fn presign(
    req: &Request,
    creds: &Credentials,
    scope: &Scope,
    settings: &Settings,
    expires_in: u64,
    cache: &mut SigningKeyCache,
) -> Result<Signed> {
    sign(req, creds, scope, settings, Some(expires_in), cache)
}

/// Both styles, top to bottom: `expires_in` is `Some` for a presigned URL (the signature in the query; 1 to
/// 604800 seconds, 7 days), `None` for an `Authorization` header.
pub fn sign(req: &Request, creds: &Credentials, scope: &Scope, settings: &Settings, expires_in: Option<u64>, cache: &mut SigningKeyCache) -> Result<Signed> {
    if expires_in.is_some_and(|e| e == 0 || e > MAX_PRESIGN_SECONDS) {
        return Err(Error::new(code::INVALID_EXPIRES, "expiresIn must be a whole number of seconds from 1 to 604800 (7 days)"));
    }
    let Prepared { method, uri, mut pairs, given, hash_given, hash } = prepare(req, creds, scope, settings)?;
    let datetime = scope.datetime.as_str();

    // Headers the signer adds: header signing only (a presigned URL carries these in its query).
    let mut added: Vec<(String, String)> = Vec::new();
    if expires_in.is_none() {
        added.push(("x-amz-date".into(), datetime.into()));
        if let Some(token) = creds.session_token {
            added.push(("x-amz-security-token".into(), token.into()));
        }
        if settings.payload_header && !hash_given {
            added.push(("x-amz-content-sha256".into(), hash.clone()));
        }
    }
    // Signed: the signable given headers, `host`, and the added ones (the token unless it is sent unsigned).
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(given.len() + added.len() + 1);
    for (n, v) in &given {
        if is_signable(n) {
            signed.push((n, v));
        }
    }
    signed.push(("host", req.url.authority));
    for (n, v) in &added {
        if settings.sign_session_token || n != "x-amz-security-token" {
            signed.push((n, v));
        }
    }
    sort_pairs(&mut signed);
    let (block, names) = canonical_headers(&signed);

    let cscope = credential_scope(scope.datetime.date(), scope.region, scope.service);
    // The query parameters of a presigned URL, replacing any the URL had under these names.
    let enc = |s: &str| uri_encode(s.as_bytes(), false);
    let token = creds.session_token.map(|t| ("X-Amz-Security-Token".to_owned(), enc(t)));
    if let Some(expires) = expires_in {
        pairs.retain(|(k, _)| !PRESIGN_PARAMS.contains(&k.as_str()));
        pairs.push(("X-Amz-Algorithm".into(), ALGORITHM.into()));
        pairs.push(("X-Amz-Credential".into(), enc(&cat(&[creds.access_key_id, "/", &cscope]))));
        pairs.push(("X-Amz-Date".into(), datetime.into()));
        pairs.push(("X-Amz-Expires".into(), decimal(expires, 1)));
        pairs.push(("X-Amz-SignedHeaders".into(), enc(&names)));
        if let (true, Some(t)) = (settings.sign_session_token, &token) {
            pairs.push(t.clone());
        }
    }

    let canonical = canonical_request(&method, &uri, &canonical_query(&pairs), &block, &names, &hash);
    let sts = string_to_sign(datetime, &cscope, &canonical);
    let key = cache.get(creds.secret_access_key, scope.datetime.date(), scope.region, scope.service);
    let sig = signature(&key, &sts);

    let mut headers = given;
    if expires_in.is_some() {
        if let (false, Some(t)) = (settings.sign_session_token, token) {
            pairs.push(t);
        }
        pairs.push(("X-Amz-Signature".into(), sig.clone()));
    } else {
        for h in added {
            headers.push(h);
        }
        headers.push((
            "authorization".into(),
            cat(&[ALGORITHM, " Credential=", creds.access_key_id, "/", &cscope, ", SignedHeaders=", &names, ", Signature=", &sig]),
        ));
    }
    // The path to send: S3's key as it was signed; for other services the path as given.
    let send_path = if settings.double_encode_path { req.url.path } else { &uri };
    Ok(Signed { url: build_url(req.url, send_path, &pairs), headers, canonical_request: canonical, string_to_sign: sts, signature: sig })
}
