//! `S3`: object operations, listing, presigned URLs and multipart uploads of large Blobs, over the signed
//! sending core of [`super::aws`]. Each request (and each part) is signed with the credentials current when it
//! is sent, so an upload outlives credentials that expire half-way. Protocol decisions are in [`crate::s3`].

use super::aws::{body_bytes, Outgoing, Signer};
use super::sigv4::{parse_url, read_body, with_keys, Body};
use super::{get, invalid, is_absent, opt_bool, opt_string, option, option_bool, option_string, read_headers, set, to_js};
use crate::error::{code, Error, Result};
use crate::http::FetchResponse;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::s3::{self, Config, ListInput};
use crate::sigv4::time::AmzDate;
use crate::sigv4::{self, Payload, Scope, Settings};
use crate::{cat, decimal};
use alloc::rc::Rc;
use core::cell::RefCell;
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const S3_TYPES: &str = r#"
export interface S3Options {
  bucket: string;
  region: string;
  credentials: CredentialsSource;
  /** e.g. `http://127.0.0.1:4566`; default AWS's regional endpoint. */
  endpoint?: string;
  /** Default: path-style for custom endpoints and bucket names with dots, virtual-hosted otherwise. */
  forcePathStyle?: boolean;
  /** Attempts for transient errors. Default 3. */
  maxAttempts?: number;
}
export interface S3Object {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  storageClass?: string;
}
export interface ListObjectsInput {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  continuationToken?: string;
  startAfter?: string;
  /** Follow continuation tokens and return every page's objects at once. */
  all?: boolean;
  signal?: AbortSignal;
}
export interface ListObjectsOutput {
  contents: S3Object[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
  keyCount: number;
}
export interface HeadObjectOutput {
  contentLength: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** `x-amz-meta-*` headers, without the prefix. */
  metadata: Record<string, string>;
}
export interface PutObjectOptions {
  contentType?: string;
  /** Stored as `x-amz-meta-<name>`. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}
export interface UploadProgress {
  loaded: number;
  total: number;
}
export interface UploadOptions extends PutObjectOptions {
  /** Bytes per part (at least 5 MiB). Default 8 MiB; larger files use multipart upload. */
  partSize?: number;
  /** Parts sent at once. Default 4. */
  concurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
}
export interface PresignGetOptions {
  /** Seconds, 1 to 604800 (7 days). Default 900. Temporary credentials stop it working when they expire. */
  expiresIn?: number;
  /** Sign a `Range` (e.g. `bytes=0-99`) that whoever uses the URL must send. Unsigned ranges work anyway. */
  range?: string;
  responseContentType?: string;
  responseContentDisposition?: string;
}
export interface PresignPutOptions {
  expiresIn?: number;
  /** Sign a `Content-Type` that the upload must send. */
  contentType?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    type Blob;
    #[wasm_bindgen(constructor, js_class = "Blob", catch)]
    fn new(parts: &Array) -> core::result::Result<Blob, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn size(this: &Blob) -> f64;
    #[wasm_bindgen(method)]
    fn slice(this: &Blob, start: f64, end: f64) -> Blob;
}

struct Inner {
    cfg: Config,
    signer: Signer,
}

#[wasm_bindgen(js_name = S3)]
pub struct S3 {
    inner: Rc<Inner>,
}

fn signal_of(options: &JsValue) -> Result<JsValue> {
    option(options, "signal")
}

fn opt_num(options: &JsValue, key: &str) -> Result<Option<f64>> {
    let v = option(options, key)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_f64().filter(|n| n.is_finite() && *n >= 0.0).map(Some).ok_or_else(|| invalid(cat(&[key, " must be a non-negative number"])))
}

/// The headers an object is stored with: `content-type` and `x-amz-meta-*` from `metadata`.
fn object_headers(options: &JsValue) -> Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    if let Some(ct) = option_string(options, "contentType")? {
        headers.push((String::from("content-type"), ct));
    }
    for (k, v) in read_headers(&option(options, "metadata")?)? {
        headers.push((cat(&["x-amz-meta-", &k.to_ascii_lowercase()]), v));
    }
    Ok(headers)
}

/// Calls an `onProgress` listener; one that throws must not break the upload.
fn report_progress(listener: &Option<Function>, loaded: u64, total: u64) {
    if let Some(f) = listener {
        let p = Object::new();
        set(&p, "loaded", &JsValue::from_f64(loaded as f64));
        set(&p, "total", &JsValue::from_f64(total as f64));
        let _ = f.call1(&JsValue::NULL, &p);
    }
}

impl Inner {
    /// Sends and turns a non-2xx answer into S3's coded error.
    async fn send(&self, method: &str, url: String, headers: Vec<(String, String)>, body: JsValue, hashed: Option<Vec<u8>>, signal: JsValue) -> Result<FetchResponse> {
        let req = Outgoing {
            method: method.into(),
            url,
            headers,
            body,
            hashed,
            service: String::from("s3"),
            region: self.cfg.region.clone(),
            signal,
            idempotent: method != "POST",
            extra: JsValue::UNDEFINED,
        };
        let response = self.signer.send(&req).await?;
        let status = response.status();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let text = if method == "HEAD" { String::new() } else { response.body_text().await.unwrap_or_default() };
        Err(s3::read_error(status, &text))
    }

    async fn put(&self, key: &str, body: &JsValue, options: &JsValue) -> Result<JsValue> {
        let headers = object_headers(options)?;
        let blob = matches!(read_body(body)?, Body::Opaque);
        let (body, hashed) = body_bytes(body, blob).await?;
        let response = self.send("PUT", self.cfg.object_url(key)?, headers, body, hashed, signal_of(options)?).await?;
        let out = Object::new();
        set(&out, "etag", &JsValue::from_str(&response.header("etag").unwrap_or_default()));
        Ok(out.into())
    }

    async fn list_page(&self, input: &ListInput, signal: &JsValue) -> Result<s3::ListPage> {
        let url = cat(&[&self.cfg.bucket_url(), "?", &s3::list_query(input)]);
        let response = self.send("GET", url, Vec::new(), JsValue::UNDEFINED, Some(Vec::new()), signal.clone()).await?;
        s3::read_list(&response.body_text().await?)
    }

    async fn presign(&self, method: &str, key: &str, query: String, headers: Vec<(String, String)>, options: &JsValue) -> Result<String> {
        let expires = match opt_num(options, "expiresIn")? {
            None => 900.0,
            Some(n) if (1.0..=sigv4::MAX_PRESIGN_SECONDS as f64).contains(&n) && (n as u64) as f64 == n => n,
            Some(_) => return Err(Error::new(code::INVALID_EXPIRES, "expiresIn must be a whole number of seconds from 1 to 604800 (7 days)")),
        };
        let mut url = self.cfg.object_url(key)?;
        if !query.is_empty() {
            url = cat(&[&url, "?", &query]);
        }
        let creds = self.signer.credentials(false).await?;
        let parsed = parse_url(&url)?;
        let datetime = AmzDate::from_unix_millis(self.signer.now_ms())?;
        let c = sigv4::Credentials { access_key_id: &creds.id, secret_access_key: &creds.secret, session_token: creds.token.as_deref() };
        let scope = Scope { region: &self.cfg.region, service: "s3", datetime: &datetime };
        let req = sigv4::Request { method, url: &parsed, headers: &headers, payload: Payload::Unsigned };
        let signed = with_keys(|cache| sigv4::presign(&req, &c, &scope, &Settings::for_service("s3"), expires as u64, cache))?;
        Ok(signed.url)
    }
}

/// What the parallel part uploads share.
struct Upload {
    inner: Rc<Inner>,
    key: String,
    upload_id: String,
    blob: Blob,
    parts: Vec<(u64, u64)>,
    next: RefCell<usize>,
    etags: RefCell<Vec<Option<String>>>,
    loaded: RefCell<u64>,
    failed: RefCell<Option<Error>>,
    on_progress: Option<Function>,
    signal: JsValue,
}

impl Upload {
    fn progress(&self) {
        report_progress(&self.on_progress, *self.loaded.borrow(), self.parts.last().map_or(0, |p| p.1));
    }

    /// One worker: takes the next part until none are left or one failed.
    async fn work(self: Rc<Self>) -> Result<JsValue> {
        loop {
            if self.failed.borrow().is_some() {
                break;
            }
            let index = {
                let mut next = self.next.borrow_mut();
                let i = *next;
                *next += 1;
                i
            };
            let Some(&(start, end)) = self.parts.get(index) else { break };
            let number = decimal(index as u64 + 1, 1);
            let url = match self.inner.cfg.object_url(&self.key) {
                Ok(u) => cat(&[&u, "?partNumber=", &number, "&uploadId=", &sigv4::encode::uri_encode(self.upload_id.as_bytes(), false)]),
                Err(e) => {
                    *self.failed.borrow_mut() = Some(e);
                    break;
                }
            };
            let slice = self.blob.slice(start as f64, end as f64);
            match self.inner.send("PUT", url, Vec::new(), slice.into(), None, self.signal.clone()).await {
                Ok(response) => {
                    let etag = response.header("etag");
                    if etag.is_none() {
                        *self.failed.borrow_mut() = Some(Error::new("InvalidResponse", "S3 answered a part without an ETag (is ETag an exposed CORS header?)"));
                        break;
                    }
                    if let Some(slot) = self.etags.borrow_mut().get_mut(index) {
                        *slot = etag;
                    }
                    *self.loaded.borrow_mut() += end - start;
                    self.progress();
                }
                Err(e) => {
                    *self.failed.borrow_mut() = Some(e);
                    break;
                }
            }
        }
        Ok(JsValue::UNDEFINED)
    }
}

fn upload_url(inner: &Inner, key: &str, query: &str) -> Result<String> {
    Ok(cat(&[&inner.cfg.object_url(key)?, "?", query]))
}

async fn upload(inner: Rc<Inner>, key: String, body: JsValue, options: JsValue) -> Result<JsValue> {
    let part_size = opt_num(&options, "partSize")?.map_or(s3::DEFAULT_PART_SIZE, |n| n as u64).max(s3::MIN_PART_SIZE);
    let concurrency = opt_num(&options, "concurrency")?.map_or(4, |n| (n as usize).clamp(1, 16));
    let on_progress = option(&options, "onProgress")?.dyn_into::<Function>().ok();
    // Anything that is not a Blob yet becomes one, so parts can be sliced without copies.
    let blob: Blob = match read_body(&body)? {
        Body::Opaque if get(&body, "slice")?.is_function() => body.clone().unchecked_into(),
        Body::Opaque => return Err(Error::new(code::INVALID_BODY, "upload takes a Blob, File, ArrayBuffer, typed array or string")),
        Body::Bytes(_) => Blob::new(&Array::of1(&body)).map_err(|_| Error::new(code::INVALID_BODY, "the body could not be read"))?,
    };
    let total = blob.size() as u64;
    let parts = s3::plan_parts(total, part_size);
    if parts.len() <= 1 {
        let out = inner.put(&key, &blob.into(), &options).await?;
        report_progress(&on_progress, total, total);
        return Ok(out);
    }
    let signal = signal_of(&options)?;
    let created = inner.send("POST", upload_url(&inner, &key, "uploads")?, object_headers(&options)?, JsValue::UNDEFINED, Some(Vec::new()), signal.clone()).await?;
    let upload_id = s3::read_upload_id(&created.body_text().await?)?;
    let count = parts.len();
    let job = Rc::new(Upload {
        inner: inner.clone(),
        key: key.clone(),
        upload_id: upload_id.clone(),
        blob,
        parts,
        next: RefCell::new(0),
        etags: RefCell::new(vec![None; count]),
        loaded: RefCell::new(0),
        failed: RefCell::new(None),
        on_progress,
        signal: signal.clone(),
    });
    job.progress();
    let workers = Array::new();
    for _ in 0..concurrency.min(count) {
        workers.push(&super::promise(alloc::boxed::Box::pin(job.clone().work())));
    }
    // Workers never reject: a failure is recorded in `failed`.
    let _ = JsFuture::from(Promise::all(&workers)).await;
    let id_query = cat(&["uploadId=", &sigv4::encode::uri_encode(upload_id.as_bytes(), false)]);
    let failure = job.failed.borrow_mut().take();
    if let Some(e) = failure {
        // Best effort, and never with the caller's (possibly aborted) signal: parts of a failed upload cost money.
        let _ = inner.send("DELETE", upload_url(&inner, &key, &id_query)?, Vec::new(), JsValue::UNDEFINED, Some(Vec::new()), JsValue::UNDEFINED).await;
        return Err(e);
    }
    let etags: Vec<(u32, String)> = job.etags.borrow().iter().enumerate().filter_map(|(i, e)| Some((i as u32 + 1, e.clone()?))).collect();
    if etags.len() != count {
        return Err(Error::new("InvalidResponse", "a part of the upload has no ETag"));
    }
    let body = s3::complete_body(&etags);
    let hashed = Some(body.as_bytes().to_vec());
    let done = inner.send("POST", upload_url(&inner, &key, &id_query)?, vec![(String::from("content-type"), String::from("application/xml"))], JsValue::from_str(&body), hashed, signal).await?;
    let etag = s3::read_complete(&done.body_text().await?)?;
    let out = Object::new();
    set(&out, "etag", &JsValue::from_str(&etag));
    Ok(out.into())
}

fn list_object(page: &s3::ListPage, contents: &Array) -> Object {
    let out = Object::new();
    set(&out, "contents", contents);
    set(&out, "commonPrefixes", &page.common_prefixes.iter().map(|p| JsValue::from_str(p)).collect::<Array>());
    set(&out, "isTruncated", &JsValue::from_bool(page.is_truncated));
    if let Some(t) = &page.next_continuation_token {
        set(&out, "nextContinuationToken", &JsValue::from_str(t));
    }
    out
}

fn object_info(o: &s3::ObjectInfo) -> JsValue {
    let x = Object::new();
    set(&x, "key", &JsValue::from_str(&o.key));
    set(&x, "size", &JsValue::from_f64(o.size as f64));
    set(&x, "etag", &JsValue::from_str(&o.etag));
    set(&x, "lastModified", &JsValue::from_str(&o.last_modified));
    if let Some(c) = &o.storage_class {
        set(&x, "storageClass", &JsValue::from_str(c));
    }
    x.into()
}

async fn list(inner: Rc<Inner>, options: JsValue) -> Result<JsValue> {
    let max_keys = opt_num(&options, "maxKeys")?.map(|n| n as u32);
    let mut input = ListInput {
        prefix: option_string(&options, "prefix")?,
        delimiter: option_string(&options, "delimiter")?,
        continuation_token: option_string(&options, "continuationToken")?,
        start_after: option_string(&options, "startAfter")?,
        max_keys,
    };
    let all = option_bool(&options, "all")?.unwrap_or(false);
    let signal = signal_of(&options)?;
    let contents = Array::new();
    let mut key_count = 0;
    loop {
        let page = inner.list_page(&input, &signal).await?;
        for o in &page.contents {
            contents.push(&object_info(o));
        }
        key_count += page.key_count;
        if !(all && page.is_truncated && page.next_continuation_token.is_some()) {
            let out = list_object(&page, &contents);
            set(&out, "keyCount", &JsValue::from_f64(key_count as f64));
            return Ok(out.into());
        }
        input.continuation_token = page.next_continuation_token.clone();
    }
}

fn promise(f: impl core::future::Future<Output = Result<JsValue>> + 'static) -> Promise {
    super::promise(alloc::boxed::Box::pin(f))
}

#[wasm_bindgen(js_class = S3)]
impl S3 {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "S3Options")] options: JsValue) -> core::result::Result<S3, JsValue> {
        (|| {
            let signer = Signer::from_options(&options)?;
            let bucket = opt_string(&options, "bucket")?.ok_or_else(|| invalid("bucket is required"))?;
            let region = opt_string(&options, "region")?.ok_or_else(|| invalid("region is required"))?;
            let cfg = Config::new(&region, &bucket, opt_string(&options, "endpoint")?, opt_bool(&options, "forcePathStyle")?)?;
            Ok(S3 { inner: Rc::new(Inner { cfg, signer }) })
        })()
        .map_err(to_js)
    }

    /// GET an object (a `range` like `bytes=0-99` gives a 206). Resolves to the `Response`; S3 errors reject.
    #[wasm_bindgen(js_name = getObject, unchecked_return_type = "Promise<Response>")]
    pub fn get_object(&self, key: String, #[wasm_bindgen(unchecked_param_type = "{ range?: string; signal?: AbortSignal }")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let mut headers = Vec::new();
            if let Some(r) = option_string(&options, "range")? {
                headers.push((String::from("range"), r));
            }
            let response = inner.send("GET", inner.cfg.object_url(&key)?, headers, JsValue::UNDEFINED, Some(Vec::new()), signal_of(&options)?).await?;
            Ok(response.into())
        })
    }

    /// PUT an object in one request (up to 5 GiB; prefer `upload` for large Blobs).
    #[wasm_bindgen(js_name = putObject, unchecked_return_type = "Promise<{ etag: string }>")]
    pub fn put_object(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "BodyInput")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PutObjectOptions")] options: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(async move { inner.put(&key, &body, &options).await })
    }

    /// An object's size, type, ETag and metadata; a missing object rejects with `NotFound`.
    #[wasm_bindgen(js_name = headObject, unchecked_return_type = "Promise<HeadObjectOutput>")]
    pub fn head_object(&self, key: String, #[wasm_bindgen(unchecked_param_type = "{ signal?: AbortSignal }")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let r = inner.send("HEAD", inner.cfg.object_url(&key)?, Vec::new(), JsValue::UNDEFINED, Some(Vec::new()), signal_of(&options)?).await?;
            let out = Object::new();
            let length = r.header("content-length").and_then(|l| l.parse::<f64>().ok()).unwrap_or(0.0);
            set(&out, "contentLength", &JsValue::from_f64(length));
            for (header, name) in [("content-type", "contentType"), ("etag", "etag"), ("last-modified", "lastModified")] {
                if let Some(v) = r.header(header) {
                    set(&out, name, &JsValue::from_str(&v));
                }
            }
            // Metadata names are only readable when the bucket's CORS exposes them; read what is visible.
            let metadata = Object::new();
            let headers = get(&r, "headers")?;
            for (k, v) in read_headers(&headers).unwrap_or_default() {
                if let Some(name) = k.strip_prefix("x-amz-meta-") {
                    set(&metadata, name, &JsValue::from_str(&v));
                }
            }
            set(&out, "metadata", &metadata);
            Ok(out.into())
        })
    }

    #[wasm_bindgen(js_name = deleteObject, unchecked_return_type = "Promise<void>")]
    pub fn delete_object(&self, key: String, #[wasm_bindgen(unchecked_param_type = "{ signal?: AbortSignal }")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            inner.send("DELETE", inner.cfg.object_url(&key)?, Vec::new(), JsValue::UNDEFINED, Some(Vec::new()), signal_of(&options)?).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// One page of ListObjectsV2 (pass `nextContinuationToken` back for the next), or every page with `all`.
    #[wasm_bindgen(js_name = listObjectsV2, unchecked_return_type = "Promise<ListObjectsOutput>")]
    pub fn list_objects_v2(&self, #[wasm_bindgen(unchecked_param_type = "ListObjectsInput")] options: JsValue) -> Promise {
        promise(list(self.inner.clone(), options))
    }

    /// Uploads a Blob (or bytes): one PUT when small, otherwise a multipart upload with parts in parallel,
    /// progress after each part, and the upload aborted on failure or when `signal` aborts.
    #[wasm_bindgen(unchecked_return_type = "Promise<{ etag: string }>")]
    pub fn upload(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "Blob | ArrayBuffer | ArrayBufferView | string")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UploadOptions")] options: JsValue,
    ) -> Promise {
        promise(upload(self.inner.clone(), key, body, options))
    }

    /// A URL anyone can GET until it expires (no credentials needed).
    #[wasm_bindgen(js_name = presignGet, unchecked_return_type = "Promise<string>")]
    pub fn presign_get(&self, key: String, #[wasm_bindgen(unchecked_param_type = "PresignGetOptions")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let mut query = String::new();
            for (opt, param) in [("responseContentType", "response-content-type"), ("responseContentDisposition", "response-content-disposition")] {
                if let Some(v) = option_string(&options, opt)? {
                    s3::push_param(&mut query, param, &v);
                }
            }
            let mut headers = Vec::new();
            if let Some(r) = option_string(&options, "range")? {
                headers.push((String::from("range"), r));
            }
            Ok(JsValue::from_str(&inner.presign("GET", &key, query, headers, &options).await?))
        })
    }

    /// A URL anyone can PUT one object to until it expires.
    #[wasm_bindgen(js_name = presignPut, unchecked_return_type = "Promise<string>")]
    pub fn presign_put(&self, key: String, #[wasm_bindgen(unchecked_param_type = "PresignPutOptions")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let mut headers = Vec::new();
            if let Some(ct) = option_string(&options, "contentType")? {
                headers.push((String::from("content-type"), ct));
            }
            Ok(JsValue::from_str(&inner.presign("PUT", &key, String::new(), headers, &options).await?))
        })
    }
}
