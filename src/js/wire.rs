//! Synchronous protocol steps for the JS layer (`pkg-config/`: `user-pool.js`, `identity-pool.js` and `aws.js`
//! with `AwsClient`, `S3`, `DynamoDB`), which does the browser I/O: fetch, storage, Web Locks, cross-tab events,
//! retries and their waits, multipart upload workers. Each function here is one decision or one conversion of the
//! pure modules ([`crate::user_pool`], [`crate::identity_pool`], [`crate::retry`], [`crate::s3`],
//! [`crate::dynamodb`], [`crate::sigv4`]): strings and numbers in, strings, plain objects or coded `Error`s out,
//! so the glue on both sides stays small. These are internal exports (names starting with `_`, left out of the
//! package's public exports and types); the public API is the JS layer's classes.

use super::dynamodb::{marshall_request, read_options, unmarshall_answer};
use super::sigv4::parse_url;
use super::{set, str_field, to_js};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::cat;
use crate::retry::{self, Attempt, Decision};
use crate::s3::{self, Config, ListInput};
use crate::sigv4::endpoint;
use crate::identity_pool::{self as ip, Config as PoolConfig};
use crate::user_pool::session::{self, Session};
use crate::user_pool::steps::{self, Next, Reply, Tokens};
use crate::user_pool::{self, Config as UpConfig};
use crate::{json, xml};
use js_sys::{Array, Object, JSON};
use wasm_bindgen::prelude::*;

type JsResult<T> = core::result::Result<T, JsValue>;

// The option and result types of the JS layer's AwsClient and S3 (pkg-config/aws.d.ts declares the classes).
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

/// Pairs from alternating `[name, value, ...]`.
fn pairs(flat: &[String]) -> Vec<(String, String)> {
    flat.chunks(2).filter_map(|p| match p {
        [k, v] => Some((k.clone(), v.clone())),
        _ => None,
    }).collect()
}

/// What to do after an answer: 0 hand it to the caller, 1 back off and send again, 2 sign again with the
/// server's clock, 3 refresh the credentials and sign again ([`retry::decide`]).
#[wasm_bindgen(js_name = _retry)]
#[allow(clippy::too_many_arguments)]
pub fn retry_decision(status: u16, code: &str, message: &str, number: u32, max: u32, idempotent: bool, skew_fixed: bool, refreshed: bool) -> u8 {
    let a = Attempt { number, max, idempotent, skew_fixed, refreshed };
    match retry::decide(status, code, message, &a) {
        Decision::Done => 0,
        Decision::Backoff => 1,
        Decision::FixClock => 2,
        Decision::RefreshCredentials => 3,
    }
}

/// Whether a method may be sent twice with the same effect ([`retry::is_idempotent`]).
#[wasm_bindgen(js_name = _idempotent)]
pub fn idempotent(method: &str) -> bool {
    retry::is_idempotent(method)
}

/// Whether a signing name is one of S3's (a Blob body is then sent as UNSIGNED-PAYLOAD).
#[wasm_bindgen(js_name = _isS3)]
pub fn is_s3(service: &str) -> bool {
    crate::sigv4::is_s3(service)
}

/// Milliseconds to wait before attempt `attempt + 1` (full jitter from `random`, a uniform `u32`).
#[wasm_bindgen(js_name = _backoff)]
pub fn backoff(attempt: u32, random: u32) -> u32 {
    retry::backoff_ms(attempt, random)
}

/// The error code and message of a failed answer's body: S3/STS XML `<Code>`, JSON `__type`, or the
/// `x-amzn-ErrorType` header.
#[wasm_bindgen(js_name = _errorCode)]
pub fn error_code(status: u16, text: &str, error_header: Option<String>) -> Array {
    let (code, message) = if text.trim_start().starts_with('<') {
        (xml::text(text, "Code").unwrap_or_default(), xml::text(text, "Message").unwrap_or_default())
    } else {
        let body = JSON::parse(text).unwrap_or(JsValue::UNDEFINED);
        let e = json_error(status, &body, error_header);
        (e.code.into_owned(), e.message.into_owned())
    };
    Array::of2(&JsValue::from_str(&code), &JsValue::from_str(&message))
}

/// A JSON service's answer (Cognito, DynamoDB): the parsed body when 2xx, otherwise its coded error (thrown).
#[wasm_bindgen(js_name = _jsonAnswer)]
pub fn json_answer(status: u16, text: &str, error_header: Option<String>) -> JsResult<JsValue> {
    read_json(status, text, error_header).map_err(to_js)
}

/// `[host, service, region]` of an absolute http(s) URL, service and region as standard AWS host names tell
/// them (`undefined` when they do not).
#[wasm_bindgen(js_name = _endpoint)]
pub fn endpoint_of(url: &str) -> JsResult<Array> {
    let host = parse_url(url).map_err(to_js)?.host;
    let inferred = endpoint::infer(&host);
    let service = inferred.as_ref().map_or(JsValue::UNDEFINED, |i| JsValue::from_str(&i.service));
    let region = inferred.and_then(|i| i.region).map_or(JsValue::UNDEFINED, |r| JsValue::from_str(&r));
    Ok(Array::of3(&JsValue::from_str(&host), &service, &region))
}

/// The URL of object `key` in a bucket, or the bucket's own URL (ending in `/`) without a key.
#[wasm_bindgen(js_name = _s3Url)]
pub fn s3_url(region: &str, bucket: &str, endpoint: Option<String>, force_path_style: Option<bool>, key: Option<String>) -> JsResult<String> {
    let cfg = Config::new(region, bucket, endpoint, force_path_style).map_err(to_js)?;
    match key {
        Some(k) => cfg.object_url(&k).map_err(to_js),
        None => Ok(cfg.bucket_url()),
    }
}

/// `name=value` pairs (alternating in `pairs`) as a query string, values encoded as SigV4 does.
#[wasm_bindgen(js_name = _query)]
pub fn query(flat: Vec<String>) -> String {
    let mut q = String::new();
    for (name, value) in pairs(&flat) {
        s3::push_param(&mut q, &name, &value);
    }
    q
}

/// ListObjectsV2's query.
#[wasm_bindgen(js_name = _s3ListQuery)]
pub fn s3_list_query(prefix: Option<String>, delimiter: Option<String>, continuation_token: Option<String>, start_after: Option<String>, max_keys: Option<u32>) -> String {
    s3::list_query(&ListInput { prefix, delimiter, continuation_token, start_after, max_keys })
}

/// One ListObjectsV2 answer as `{ contents, commonPrefixes, isTruncated, nextContinuationToken?, keyCount }`.
#[wasm_bindgen(js_name = _s3List)]
pub fn s3_list(xml_text: &str) -> JsResult<Object> {
    let page = s3::read_list(xml_text).map_err(to_js)?;
    let contents: Array = page
        .contents
        .iter()
        .map(|o| {
            let x = Object::new();
            set(&x, "key", &JsValue::from_str(&o.key));
            set(&x, "size", &JsValue::from_f64(o.size as f64));
            set(&x, "etag", &JsValue::from_str(&o.etag));
            set(&x, "lastModified", &JsValue::from_str(&o.last_modified));
            if let Some(c) = &o.storage_class {
                set(&x, "storageClass", &JsValue::from_str(c));
            }
            JsValue::from(x)
        })
        .collect();
    let out = Object::new();
    set(&out, "contents", &contents);
    set(&out, "commonPrefixes", &page.common_prefixes.iter().map(|p| JsValue::from_str(p)).collect::<Array>());
    set(&out, "isTruncated", &JsValue::from_bool(page.is_truncated));
    if let Some(t) = &page.next_continuation_token {
        set(&out, "nextContinuationToken", &JsValue::from_str(t));
    }
    set(&out, "keyCount", &JsValue::from_f64(page.key_count as f64));
    Ok(out)
}

/// S3's coded error for a failed answer (to throw).
#[wasm_bindgen(js_name = _s3Error)]
pub fn s3_error(status: u16, xml_text: &str) -> JsValue {
    to_js(s3::read_error(status, xml_text))
}

/// The byte ranges of a multipart upload, flattened: `[start0, end0, start1, end1, ...]`.
#[wasm_bindgen(js_name = _s3Parts)]
pub fn s3_parts(total: f64, part_size: f64) -> Vec<f64> {
    // A negative size means "not given"; a given size is raised to S3's minimum.
    let size = if part_size.is_finite() && part_size >= 0.0 { part_size as u64 } else { s3::DEFAULT_PART_SIZE };
    s3::plan_parts(total.max(0.0) as u64, size.max(s3::MIN_PART_SIZE)).iter().flat_map(|&(a, b)| [a as f64, b as f64]).collect()
}

/// CreateMultipartUpload's answer: the upload id.
#[wasm_bindgen(js_name = _s3UploadId)]
pub fn s3_upload_id(xml_text: &str) -> JsResult<String> {
    s3::read_upload_id(xml_text).map_err(to_js)
}

/// CompleteMultipartUpload's body for the parts' ETags, in part order.
#[wasm_bindgen(js_name = _s3CompleteBody)]
pub fn s3_complete_body(etags: Vec<String>) -> String {
    let parts: Vec<(u32, String)> = etags.into_iter().enumerate().map(|(i, e)| (i as u32 + 1, e)).collect();
    s3::complete_body(&parts)
}

/// CompleteMultipartUpload's answer (which can be an error inside a 200): the object's ETag.
#[wasm_bindgen(js_name = _s3Completed)]
pub fn s3_completed(xml_text: &str) -> JsResult<String> {
    s3::read_complete(xml_text).map_err(to_js)
}

/// A DynamoDB request with its plain values (Item, Key, ExpressionAttributeValues ...) as AttributeValues.
#[wasm_bindgen(js_name = _ddbRequest)]
pub fn ddb_request(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    (|| marshall_request(&input, &read_options(&options)?))().map_err(to_js)
}

/// A DynamoDB answer with its AttributeValues as plain values.
#[wasm_bindgen(js_name = _ddbAnswer)]
pub fn ddb_answer(answer: JsValue, wrap_numbers: bool) -> JsResult<JsValue> {
    unmarshall_answer(&answer, wrap_numbers).map_err(to_js)
}

// --- Identity pools (the JS layer's IdentityPool, pkg-config/identity-pool.js) ------------------------------

// The option and result types of IdentityPool (pkg-config/identity-pool.d.ts declares the class).
#[wasm_bindgen(typescript_custom_section)]
const IDENTITY_POOL_TYPES: &str = r#"
export interface IdentityPoolOptions {
  region: string;
  /** e.g. `us-east-1:0000-1111-...` */
  identityPoolId: string;
  /** The signed-in user's ID token goes into `Logins` (kept current across refreshes). */
  userPool?: { getSession(): Promise<AuthSession | null> };
  /** Tokens of other providers (`accounts.google.com`, an OIDC issuer ...) as `Logins` entries. */
  logins?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Hand out guest credentials when nobody is signed in (the pool must allow them). Default true. */
  allowGuest?: boolean;
  /** Overrides `https://cognito-identity.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** The basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with these roles. */
  basicFlow?: { authenticatedRoleArn?: string; unauthenticatedRoleArn?: string; durationSeconds?: number; stsEndpoint?: string };
  /** Where the identity id is remembered. Default `'local'`. */
  storage?: 'local' | 'session' | 'memory' | SessionStorage;
  /** Also keep the credentials in `storage` (off by default: they are secrets). */
  persistCredentials?: boolean;
}
export interface IdentityCredentials extends TemporaryCredentials {
  sessionToken: string;
  expiration: Date;
  identityId: string;
  authenticated: boolean;
}
"#;

/// A pool's addresses and storage keys, `[endpoint, stsEndpoint, identityKey, credentialsKey]`, after checking
/// the region and the pool id.
#[wasm_bindgen(js_name = _ipConfig)]
pub fn ip_config(region: &str, identity_pool_id: &str, endpoint: Option<String>, sts_endpoint: Option<String>) -> JsResult<Vec<String>> {
    let mut cfg = PoolConfig::new(region, identity_pool_id).map_err(to_js)?;
    cfg.endpoint = endpoint;
    cfg.sts_endpoint = sts_endpoint;
    Ok(vec![cfg.endpoint(), cfg.sts_endpoint(), cfg.storage_key(), cfg.credentials_key()])
}

/// `[operation, JSON body]` of GetId (`id` unused), GetCredentialsForIdentity or GetOpenIdToken for the
/// identity `id`, with `Logins` from alternating `[provider, token, ...]`.
#[wasm_bindgen(js_name = _ipCall)]
pub fn ip_call(region: &str, identity_pool_id: &str, operation: &str, id: &str, logins: Vec<String>) -> JsResult<Vec<String>> {
    let cfg = PoolConfig::new(region, identity_pool_id).map_err(to_js)?;
    let logins = pairs(&logins);
    let call = match operation {
        "GetId" => cfg.get_id(&logins),
        "GetOpenIdToken" => cfg.get_open_id_token(id, &logins),
        _ => cfg.get_credentials_for_identity(id, &logins),
    };
    Ok(vec![cat(&[ip::TARGET_PREFIX, call.operation]), call.body])
}

/// The `Logins` key of a token's issuer.
#[wasm_bindgen(js_name = _ipLoginKey)]
pub fn ip_login_key(issuer: &str) -> String {
    ip::login_key(issuer)
}

/// The form body of STS AssumeRoleWithWebIdentity (basic flow).
#[wasm_bindgen(js_name = _stsForm)]
pub fn sts_form(role_arn: &str, token: &str, duration_seconds: Option<u32>) -> String {
    ip::assume_role_with_web_identity(role_arn, "cognito-fetch", token, duration_seconds)
}

/// STS's answer: `[accessKeyId, secretAccessKey, sessionToken, expiration (Unix seconds)]`, or its coded error.
#[wasm_bindgen(js_name = _stsAnswer)]
pub fn sts_answer(status: u16, xml_text: &str) -> JsResult<Array> {
    let c = ip::read_sts_answer(status, xml_text).map_err(to_js)?;
    let out = Array::of3(&JsValue::from_str(&c.access_key_id), &JsValue::from_str(&c.secret_access_key), &JsValue::from_str(&c.session_token));
    out.push(&JsValue::from_f64(c.expiration as f64));
    Ok(out)
}

/// Whether credentials issued at `issued_at` and expiring at `expiration` should be replaced at `server_now`
/// (Unix seconds on the server's clock).
#[wasm_bindgen(js_name = _ipNeedsRefresh)]
pub fn ip_needs_refresh(issued_at: f64, expiration: f64, server_now: f64) -> bool {
    ip::needs_refresh(issued_at as i64, expiration as i64, server_now as i64)
}

/// Whether an error means the remembered identity id is stale (drop it, get a new one, once).
#[wasm_bindgen(js_name = _ipStale)]
pub fn ip_stale(code: &str) -> bool {
    ip::is_stale_identity(code)
}

/// The stored identity-id record.
#[wasm_bindgen(js_name = _ipIdentityRecord)]
pub fn ip_identity_record(identity_id: &str, principal: &str) -> String {
    ip::identity_record(identity_id, principal)
}

/// The stored credentials record (when persisting is on).
#[wasm_bindgen(js_name = _ipCredentialsRecord)]
#[allow(clippy::too_many_arguments)]
pub fn ip_credentials_record(access_key_id: String, secret_access_key: String, session_token: String, expiration: f64, issued_at: f64, identity_id: &str, principal: &str) -> String {
    let c = ip::Credentials { access_key_id, secret_access_key, session_token, expiration: expiration as i64 };
    ip::credentials_record(&c, issued_at as i64, identity_id, principal)
}

/// The claims of a JWT (its payload; `undefined` when it is not one).
#[wasm_bindgen(js_name = _claims)]
pub fn claims(token: &str) -> JsValue {
    super::claims(token).unwrap_or(JsValue::UNDEFINED)
}

/// SHA-256 of a string, as hex.
#[wasm_bindgen(js_name = _sha256Hex)]
pub fn sha256_hex(text: &str) -> String {
    crate::sigv4::encode::hex(&crate::digest::sha256(text.as_bytes()))
}

// --- User pools (the JS layer's UserPool, pkg-config/user-pool.js) -----------------------------------------

// The option and result types of UserPool (pkg-config/user-pool.d.ts declares the class).
#[wasm_bindgen(typescript_custom_section)]
const USER_POOL_TYPES: &str = r#"
export interface UserPoolOptions {
  region: string;
  /** e.g. `us-east-1_AbCdEf` */
  userPoolId: string;
  clientId: string;
  /** Only for app clients with a secret (then SECRET_HASH is sent). Avoid secrets in public pages. */
  clientSecret?: string;
  /** Overrides `https://cognito-idp.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** Where the session is kept: one record per app client. Default `'local'`. */
  storage?: 'local' | 'session' | 'memory' | SessionStorage;
  /** The issuer shown in authenticator apps for TOTP set-up. Default `'Cognito'`. */
  appName?: string;
}
/** A custom storage; each method may return a Promise. */
export interface SessionStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}
export interface CodeDeliveryDetails {
  destination?: string;
  deliveryMedium?: string;
  attributeName?: string;
}
export interface SignUpInput {
  username: string;
  password?: string;
  options?: {
    userAttributes?: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: Record<string, string>;
    /** Sign in as soon as the sign-up is confirmed (`autoSignIn()` after `COMPLETE_AUTO_SIGN_IN`). The password
     *  is kept in this page's memory until then, never stored. */
    autoSignIn?: boolean;
  };
}
export interface SignUpOutput {
  isSignUpComplete: boolean;
  userId?: string;
  nextStep: { signUpStep: 'CONFIRM_SIGN_UP' | 'COMPLETE_AUTO_SIGN_IN' | 'DONE'; codeDeliveryDetails?: CodeDeliveryDetails };
}
export type MfaPreference = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';
export type MfaType = 'TOTP' | 'SMS' | 'EMAIL';
export interface SignInInput {
  username: string;
  /** Required except for USER_AUTH (passwordless factors) and CUSTOM_WITHOUT_SRP. */
  password?: string;
  options?: {
    /** Default USER_SRP_AUTH. USER_AUTH is choice-based sign-in; CUSTOM_* run the pool's custom challenge. */
    authFlowType?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'USER_AUTH' | 'CUSTOM_WITH_SRP' | 'CUSTOM_WITHOUT_SRP';
    /** USER_AUTH: start this first factor at once instead of asking. */
    preferredChallenge?: 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP';
    clientMetadata?: Record<string, string>;
  };
}
export type SignInStep =
  | 'DONE'
  | 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'
  | 'CONFIRM_SIGN_IN_WITH_SMS_CODE'
  | 'CONFIRM_SIGN_IN_WITH_TOTP_CODE'
  | 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'
  | 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'
  | 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'
  | 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION'
  | 'CONFIRM_SIGN_IN_WITH_PASSWORD'
  | 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP';
/** A TOTP secret to add to an authenticator app: show `setupUri` as a QR code, or the secret as text. */
export interface TotpSetupDetails {
  sharedSecret: string;
  /** `otpauth://totp/<appName>:<username>?secret=...&issuer=<appName>` */
  setupUri: string;
}
export interface SignInOutput {
  isSignedIn: boolean;
  nextStep: {
    signInStep: SignInStep;
    /** Where a code was sent (SMS / email challenges). */
    codeDeliveryDetails?: CodeDeliveryDetails;
    /** Cognito's ChallengeParameters, for custom challenges and choices (MFAS_CAN_CHOOSE, requiredAttributes ...). */
    additionalInfo?: Record<string, string>;
    /** USER_AUTH: the first factors to choose from (answer with one of them). */
    availableChallenges?: string[];
    /** CONTINUE_SIGN_IN_WITH_TOTP_SETUP: the secret; answer with a code from the app. */
    totpSetupDetails?: TotpSetupDetails;
  };
}
export interface ConfirmSignInInput {
  /** The code, the new password, or the chosen option. */
  challengeResponse: string;
  options?: { userAttributes?: Record<string, string> };
}
export interface AuthSession {
  username: string;
  tokens: { idToken: string; accessToken: string };
  /** When the tokens expire, in milliseconds since the epoch, on this device's clock. */
  expiresAt: number;
}
export type AuthEvent = 'signedIn' | 'signedOut' | 'tokenRefresh' | 'tokenRefreshFailure';
/** Event payloads carry no tokens or passwords. */
export interface AuthEventPayload {
  username?: string;
  error?: { name: string; message: string };
}
"#;

/// The part of `flat` before the `index`-th `"\0"` separator (maps passed in one array).
fn section(flat: &[String], index: usize) -> Vec<(String, String)> {
    pairs(flat.split(|s| s == "\0").nth(index).unwrap_or(&[]))
}

fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.is_empty())
}

/// `[default endpoint, storage key]` of an app client, after checking the region, pool id and client id.
#[wasm_bindgen(js_name = _upConfig)]
pub fn up_config(region: &str, user_pool_id: &str, client_id: &str) -> JsResult<Vec<String>> {
    let cfg = UpConfig::new(region, user_pool_id, client_id).map_err(to_js)?;
    Ok(vec![cfg.endpoint(), cfg.storage_key()])
}

/// `[X-Amz-Target, JSON body]` of one Cognito user-pool call. `client`: `[region, userPoolId, clientId,
/// clientSecret or ""]`; `a`: the operation's strings, in the order below ("" for an absent optional one);
/// `maps`: name/value pairs, maps separated by `"\0"` (signUp: attributes, validation data, metadata).
#[wasm_bindgen(js_name = _upCall)]
pub fn up_call(client: Vec<String>, operation: &str, a: Vec<String>, maps: Vec<String>) -> JsResult<Vec<String>> {
    let get = |i: usize| a.get(i).map(String::as_str).unwrap_or("");
    let opt = |i: usize| non_empty(a.get(i));
    let [region, pool, client_id, secret] = [0, 1, 2, 3].map(|i| client.get(i).cloned().unwrap_or_default());
    let mut cfg = UpConfig::new(&region, &pool, &client_id).map_err(to_js)?;
    cfg.client_secret = Some(secret).filter(|s| !s.is_empty());
    let meta = section(&maps, 0);
    let call = match operation {
        "USER_SRP_AUTH" => cfg.initiate_srp(get(0), get(1), &meta),
        "USER_PASSWORD_AUTH" => cfg.initiate_password(get(0), get(1), &meta),
        "CUSTOM_AUTH" => cfg.initiate_custom(get(0), opt(1), &meta),
        // [username, preferred, factor parameters...]
        "USER_AUTH" => cfg.initiate_user_auth(get(0), opt(1), pairs(a.get(2..).unwrap_or(&[])), &meta),
        "REFRESH_TOKEN_AUTH" => cfg.initiate_refresh(get(0), get(1)),
        // [challenge, username, session, responses...]
        "RespondToAuthChallenge" => cfg.respond(get(0), get(1), pairs(a.get(3..).unwrap_or(&[])), opt(2)),
        "GetTokensFromRefreshToken" => cfg.get_tokens_from_refresh_token(get(0)),
        "SignUp" => cfg.sign_up(get(0), opt(1), &meta, &section(&maps, 1), &section(&maps, 2)),
        "ConfirmSignUp" => cfg.confirm_sign_up(get(0), get(1), None),
        "ResendConfirmationCode" => cfg.resend_sign_up_code(get(0)),
        "ForgotPassword" => cfg.forgot_password(get(0)),
        "ConfirmForgotPassword" => cfg.confirm_forgot_password(get(0), get(1), get(2)),
        "RevokeToken" => cfg.revoke_token(get(0)),
        // During sign-in (MFA_SETUP), authorised by the sign-in session: [session, code?].
        "AssociateSoftwareToken:Session" => user_pool::associate_software_token(get(0)),
        "VerifySoftwareToken:Session" => user_pool::verify_software_token(get(0), get(1)),
        // Authorised by the access token: [accessToken, ...].
        _ => {
            let (op, body) = match operation {
                "GetUser" => ("GetUser", json::Object::new()),
                "DeleteUser" => ("DeleteUser", json::Object::new()),
                "GlobalSignOut" => ("GlobalSignOut", json::Object::new()),
                "AssociateSoftwareToken" => ("AssociateSoftwareToken", json::Object::new()),
                "UpdateUserAttributes" => ("UpdateUserAttributes", json::Object::new().attributes("UserAttributes", &meta)),
                "GetUserAttributeVerificationCode" => ("GetUserAttributeVerificationCode", json::Object::new().str("AttributeName", get(1))),
                "VerifyUserAttribute" => ("VerifyUserAttribute", json::Object::new().str("AttributeName", get(1)).str("Code", get(2))),
                "ChangePassword" => ("ChangePassword", json::Object::new().str("PreviousPassword", get(1)).str("ProposedPassword", get(2))),
                "VerifySoftwareToken" => ("VerifySoftwareToken", json::Object::new().str("UserCode", get(1)).opt_str("FriendlyDeviceName", opt(2))),
                // [accessToken, totp, sms, email]: ENABLED | DISABLED | PREFERRED | NOT_PREFERRED, or "" to leave.
                "SetUserMFAPreference" => {
                    let mut b = json::Object::new();
                    for (i, member) in [(1, "SoftwareTokenMfaSettings"), (2, "SMSMfaSettings"), (3, "EmailMfaSettings")] {
                        if let Some(choice) = opt(i) {
                            b = b.object(member, user_pool::mfa_setting(choice).map_err(to_js)?);
                        }
                    }
                    ("SetUserMFAPreference", b)
                }
                _ => return Err(to_js(crate::js::invalid("unknown user-pool operation"))),
            };
            user_pool::with_access_token(op, get(0), body)
        }
    };
    Ok(vec![cat(&[user_pool::TARGET_PREFIX, call.operation]), call.body])
}

/// What an InitiateAuth / RespondToAuthChallenge answer means ([`steps::next`]): `"DONE"` (tokens),
/// `"PASSWORD_VERIFIER"` (the library answers it), or Amplify's `signInStep` for a challenge the user answers.
#[wasm_bindgen(js_name = _upNext)]
pub fn up_next(challenge: Option<String>, has_tokens: bool) -> JsResult<String> {
    let tokens = has_tokens.then(|| Tokens { id_token: String::new(), access_token: String::new(), refresh_token: None, expires_in: 0 });
    let reply = Reply { challenge, tokens, ..Reply::default() };
    match steps::next(&reply).map_err(to_js)? {
        Next::Done(_) => Ok(String::from("DONE")),
        Next::PasswordVerifier => Ok(String::from("PASSWORD_VERIFIER")),
        Next::Ask(p) => Ok(String::from(p.step)),
    }
}

/// `ChallengeResponses` pairs (flattened, without USERNAME / SECRET_HASH) for the user's answer to `challenge`;
/// `attributes`: required attributes sent with a new password.
#[wasm_bindgen(js_name = _upResponses)]
pub fn up_responses(challenge: &str, answer: &str, attributes: Vec<String>) -> JsResult<Vec<String>> {
    let out = steps::responses(challenge, answer, &pairs(&attributes)).map_err(to_js)?;
    Ok(out.into_iter().flat_map(|(k, v)| [k, v]).collect())
}

/// The session record to store, from fresh tokens: `expiresAt` from the access token's `exp` (`token_exp`,
/// NaN when unreadable) or `expires_in`, on the server's clock (`clock_offset`, seconds).
#[wasm_bindgen(js_name = _upRecord)]
#[allow(clippy::too_many_arguments)]
pub fn up_record(client_id: &str, username: &str, id_token: String, access_token: String, refresh_token: &str, expires_in: f64, token_exp: f64, local_now: f64, clock_offset: f64) -> String {
    let tokens = Tokens { id_token, access_token, refresh_token: None, expires_in: expires_in as i64 };
    let exp = token_exp.is_finite().then_some(token_exp as i64);
    Session::from_tokens(username, &tokens, refresh_token, exp, local_now as i64, clock_offset as i64).record(client_id)
}

/// Whether a session expiring at `expires_at` (server clock) should be refreshed now.
#[wasm_bindgen(js_name = _upNeedsRefresh)]
pub fn up_needs_refresh(expires_at: f64, clock_offset: f64, local_now: f64) -> bool {
    let s = Session { username: String::new(), id_token: String::new(), access_token: String::new(), refresh_token: String::new(), expires_at: expires_at as i64, clock_offset: clock_offset as i64 };
    s.needs_refresh(local_now as i64)
}

/// The clock offset (server minus local, seconds) from an answer's `Date` (Unix seconds, NaN when absent).
#[wasm_bindgen(js_name = _upClockOffset)]
pub fn up_clock_offset(server_date: f64, local_now: f64, previous: f64) -> f64 {
    session::clock_offset(server_date.is_finite().then_some(server_date as i64), local_now as i64, previous as i64) as f64
}

/// SRP's TIMESTAMP for a Unix time (seconds, the server's clock).
#[wasm_bindgen(js_name = _srpTimestamp)]
pub fn srp_timestamp(unix_secs: f64) -> String {
    crate::srp::timestamp(unix_secs as i64)
}

/// The `otpauth://` URI of a TOTP secret.
#[wasm_bindgen(js_name = _totpUri)]
pub fn totp_uri(issuer: &str, account: &str, secret: &str) -> String {
    user_pool::totp_uri(issuer, account, secret)
}

/// The error code of a JSON service's answer: `__type` (may be namespaced `com.amazonaws…#Code`) or the
/// `x-amzn-ErrorType` header (may carry `:detail`).
fn json_error(status: u16, body: &JsValue, header: Option<String>) -> Error {
    let raw = str_field(body, "__type").or(header).unwrap_or_default();
    let code = raw.rsplit('#').next().unwrap_or("").split(':').next().unwrap_or("").to_owned();
    let code = if code.is_empty() { String::from(if status >= 500 { "ServiceError" } else { "UnknownError" }) } else { code };
    let message = str_field(body, "message").or_else(|| str_field(body, "Message")).unwrap_or_else(|| crate::cat(&["HTTP ", &crate::decimal(u64::from(status), 1)]));
    Error::service(code, message, status)
}

/// Parses a JSON answer: the body, or the service's coded error.
fn read_json(status: u16, text: &str, error_header: Option<String>) -> Result<JsValue> {
    let parsed = if text.is_empty() { Ok(Object::new().into()) } else { JSON::parse(text) };
    if (200..300).contains(&status) {
        return parsed.map_err(|_| Error::new("InvalidResponse", "the service answered with something that is not JSON"));
    }
    Err(json_error(status, &parsed.unwrap_or(JsValue::UNDEFINED), error_header))
}
