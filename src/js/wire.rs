//! Synchronous protocol steps for the JS layer (`pkg-config/`: `user-pool.js`, `identity-pool.js` and `aws.js`
//! with `AwsClient`, `S3`, `DynamoDB`), which does the browser I/O: fetch, storage, Web Locks, cross-tab events,
//! retries and their waits, multipart upload workers. Each function here is one decision or one conversion of the
//! pure modules ([`crate::user_pool`], [`crate::identity_pool`], [`crate::retry`], [`crate::s3`],
//! [`crate::sigv4`]), in the boundary's convention ([`super`]): strings and numbers in, one string out. These are
//! internal exports (names starting with `_`, left out of the package's exports and types).

use super::sigv4::read_url;
use super::{answer, failure, join, join_pairs, whole, Fields};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::identity_pool::{self as ip, Config as PoolConfig};
use crate::retry::{self, Attempt, Decision};
use crate::s3::{self, Config, ListInput};
use crate::sigv4::endpoint;
use crate::user_pool::session::{self, Session};
use crate::user_pool::steps::{self, Next, Reply, Tokens};
use crate::user_pool::{self, Config as UpConfig};
use crate::{cat, decimal, json, xml};
use wasm_bindgen::prelude::*;

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

/// The coded error of a JSON service's answer: `kind` is `__type` (may be namespaced `com.amazonaws…#Code`) or
/// the `x-amzn-ErrorType` header (may carry `:detail`), `message` the body's `message` / `Message` (or "").
fn json_error(status: u16, kind: &str, message: &str) -> Error {
    let code = kind.rsplit('#').next().unwrap_or("").split(':').next().unwrap_or("");
    let code = if code.is_empty() { if status >= 500 { "ServiceError" } else { "UnknownError" } } else { code };
    let message = if message.is_empty() { cat(&["HTTP ", &decimal(u64::from(status), 1)]) } else { message.to_owned() };
    Error::service(code.to_owned(), message, status)
}

/// A failed JSON answer's coded error (as a failure text to throw); `kind` and `message` as [`json_error`].
#[wasm_bindgen(js_name = _jsonError)]
pub fn json_error_text(status: u16, kind: &str, message: &str) -> String {
    failure(&json_error(status, kind, message))
}

/// `code\0message` of a failed answer: S3/STS XML `<Code>` and `<Message>` when `text` is XML, otherwise the JSON
/// fields the JS layer read (`kind`, `message`: see [`json_error`]).
#[wasm_bindgen(js_name = _errorCode)]
pub fn error_code(status: u16, text: &str, kind: &str, message: &str) -> String {
    if text.trim_start().starts_with('<') {
        return join(&[&xml::text(text, "Code").unwrap_or_default(), &xml::text(text, "Message").unwrap_or_default()]);
    }
    let e = json_error(status, kind, message);
    join(&[&e.code, &e.message])
}

/// `host\0service\0region` of a URL (its six fields: [`read_url`]); service and region as standard AWS host
/// names tell them, `""` when they do not.
#[wasm_bindgen(js_name = _endpoint)]
pub fn endpoint_of(url: &str) -> String {
    answer(read_url(&mut Fields::new(url)).map(|u| {
        let inferred = endpoint::infer(&u.host);
        let service = inferred.as_ref().map(|i| i.service.clone()).unwrap_or_default();
        let region = inferred.and_then(|i| i.region).unwrap_or_default();
        join(&[&u.host, &service, &region])
    }))
}

/// The URL of an object, or the bucket's own URL (ending in `/`). `input`: region, bucket, endpoint,
/// forcePathStyle flag, `"1"` when a key follows, the key.
#[wasm_bindgen(js_name = _s3Url)]
pub fn s3_url(input: &str) -> String {
    let mut f = Fields::new(input);
    let (region, bucket, endpoint, force) = (f.str(), f.str(), f.opt(), f.flag());
    let has_key = f.flag() == Some(true);
    let key = f.str();
    answer(Config::new(region, bucket, endpoint.map(str::to_owned), force).and_then(|cfg| if has_key { cfg.object_url(key) } else { Ok(cfg.bucket_url()) }))
}

/// `name=value` pairs as a query string, values encoded as SigV4 does.
#[wasm_bindgen(js_name = _query)]
pub fn query(pairs: &str) -> String {
    let mut q = String::new();
    for (name, value) in Fields::new(pairs).pairs() {
        s3::push_param(&mut q, &name, &value);
    }
    q
}

/// ListObjectsV2's query. `input`: prefix, delimiter, continuationToken, startAfter; `max_keys`: NaN for none.
#[wasm_bindgen(js_name = _s3ListQuery)]
pub fn s3_list_query(input: &str, max_keys: f64) -> String {
    let mut f = Fields::new(input);
    let mut next = || f.opt().map(str::to_owned);
    let (prefix, delimiter, continuation_token, start_after) = (next(), next(), next(), next());
    let max_keys = whole(max_keys).map(|n| n.min(u64::from(u32::MAX)) as u32);
    s3::list_query(&ListInput { prefix, delimiter, continuation_token, start_after, max_keys })
}

/// One ListObjectsV2 answer: isTruncated (`"1"` or `""`), nextContinuationToken, keyCount, the number of common
/// prefixes, the prefixes, then key, size, etag, lastModified, storageClass of each object.
#[wasm_bindgen(js_name = _s3List)]
pub fn s3_list(xml_text: &str) -> String {
    answer(s3::read_list(xml_text).map(|page| {
        let (key_count, prefixes) = (decimal(page.key_count, 1), decimal(page.common_prefixes.len() as u64, 1));
        let mut out: Vec<&str> = vec![if page.is_truncated { "1" } else { "" }, page.next_continuation_token.as_deref().unwrap_or(""), &key_count, &prefixes];
        out.extend(page.common_prefixes.iter().map(String::as_str));
        let sizes: Vec<String> = page.contents.iter().map(|o| decimal(o.size, 1)).collect();
        for (o, size) in page.contents.iter().zip(&sizes) {
            out.extend([o.key.as_str(), size, &o.etag, &o.last_modified, o.storage_class.as_deref().unwrap_or("")]);
        }
        join(&out)
    }))
}

/// S3's coded error for a failed answer (a failure text to throw).
#[wasm_bindgen(js_name = _s3Error)]
pub fn s3_error(status: u16, xml_text: &str) -> String {
    failure(&s3::read_error(status, xml_text))
}

/// The byte ranges of a multipart upload: `start0\0end0\0start1\0end1...`. `part_size` negative: the default.
#[wasm_bindgen(js_name = _s3Parts)]
pub fn s3_parts(total: f64, part_size: f64) -> String {
    // Fractions are dropped; a given size is raised to S3's minimum.
    let bytes = |n: f64| (n >= 0.0 && n.is_finite()).then_some(n as u64);
    let size = bytes(part_size).unwrap_or(s3::DEFAULT_PART_SIZE);
    let ranges: Vec<String> = s3::plan_parts(bytes(total).unwrap_or(0), size.max(s3::MIN_PART_SIZE))
        .iter()
        .flat_map(|&(a, b)| [decimal(a, 1), decimal(b, 1)])
        .collect();
    join(&ranges.iter().map(String::as_str).collect::<Vec<_>>())
}

/// CreateMultipartUpload's answer: the upload id.
#[wasm_bindgen(js_name = _s3UploadId)]
pub fn s3_upload_id(xml_text: &str) -> String {
    answer(s3::read_upload_id(xml_text))
}

/// CompleteMultipartUpload's body for the parts' ETags (`"\0"`-joined, in part order).
#[wasm_bindgen(js_name = _s3CompleteBody)]
pub fn s3_complete_body(etags: &str) -> String {
    let parts: Vec<(u32, String)> = etags.split('\0').enumerate().map(|(i, e)| (i as u32 + 1, e.to_owned())).collect();
    s3::complete_body(&parts)
}

/// CompleteMultipartUpload's answer (which can be an error inside a 200): the object's ETag.
#[wasm_bindgen(js_name = _s3Completed)]
pub fn s3_completed(xml_text: &str) -> String {
    answer(s3::read_complete(xml_text))
}

// --- Identity pools (the JS layer's IdentityPool, pkg-config/identity-pool.js) ------------------------------

/// A pool's `endpoint\0stsEndpoint\0identityKey\0credentialsKey`, after checking the region and the pool id.
/// `input`: region, identityPoolId, endpoint, stsEndpoint.
#[wasm_bindgen(js_name = _ipConfig)]
pub fn ip_config(input: &str) -> String {
    let mut f = Fields::new(input);
    let (region, pool) = (f.str(), f.str());
    answer(PoolConfig::new(region, pool).map(|mut cfg| {
        cfg.endpoint = f.opt().map(str::to_owned);
        cfg.sts_endpoint = f.opt().map(str::to_owned);
        join(&[&cfg.endpoint(), &cfg.sts_endpoint(), &cfg.storage_key(), &cfg.credentials_key()])
    }))
}

/// `X-Amz-Target\0JSON body` of GetId, GetCredentialsForIdentity or GetOpenIdToken. `input`: region,
/// identityPoolId, operation, identity id (unused by GetId), then the `Logins` provider/token pairs.
#[wasm_bindgen(js_name = _ipCall)]
pub fn ip_call(input: &str) -> String {
    let mut f = Fields::new(input);
    let (region, pool, operation, id) = (f.str(), f.str(), f.str(), f.str());
    let logins = f.pairs();
    answer(PoolConfig::new(region, pool).map(|cfg| {
        let call = match operation {
            "GetId" => cfg.get_id(&logins),
            "GetOpenIdToken" => cfg.get_open_id_token(id, &logins),
            _ => cfg.get_credentials_for_identity(id, &logins),
        };
        join(&[&cat(&[ip::TARGET_PREFIX, call.operation]), &call.body])
    }))
}

/// The `Logins` key of a token's issuer.
#[wasm_bindgen(js_name = _ipLoginKey)]
pub fn ip_login_key(issuer: &str) -> String {
    ip::login_key(issuer)
}

/// The form body of STS AssumeRoleWithWebIdentity (basic flow); `duration_seconds` NaN for the default.
#[wasm_bindgen(js_name = _stsForm)]
pub fn sts_form(role_arn: &str, token: &str, duration_seconds: f64) -> String {
    let duration = whole(duration_seconds).map(|n| n.min(u64::from(u32::MAX)) as u32);
    ip::assume_role_with_web_identity(role_arn, "cognito-fetch", token, duration)
}

/// STS's answer: `accessKeyId\0secretAccessKey\0sessionToken\0expiration` (Unix seconds), or its failure.
#[wasm_bindgen(js_name = _stsAnswer)]
pub fn sts_answer(status: u16, xml_text: &str) -> String {
    answer(ip::read_sts_answer(status, xml_text).map(|c| {
        let exp = c.expiration.max(0) as u64;
        join(&[&c.access_key_id, &c.secret_access_key, &c.session_token, &decimal(exp, 1)])
    }))
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

/// The stored credentials record (when persisting is on). `input`: accessKeyId, secretAccessKey, sessionToken,
/// identity id, principal; times in Unix seconds.
#[wasm_bindgen(js_name = _ipCredentialsRecord)]
pub fn ip_credentials_record(input: &str, expiration: f64, issued_at: f64) -> String {
    let mut f = Fields::new(input);
    let [access_key_id, secret_access_key, session_token] = [0; 3].map(|_| f.str().to_owned());
    let c = ip::Credentials { access_key_id, secret_access_key, session_token, expiration: expiration as i64 };
    ip::credentials_record(&c, issued_at as i64, f.str(), f.str())
}

/// The claims of a JWT: its payload's JSON text (`""` when it is not a JWT), for `JSON.parse`.
#[wasm_bindgen(js_name = _claims)]
pub fn claims(token: &str) -> String {
    token
        .split('.')
        .nth(1)
        .and_then(|payload| crate::base64::decode_url(payload).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// SHA-256 of a string, as hex.
#[wasm_bindgen(js_name = _sha256Hex)]
pub fn sha256_hex(text: &str) -> String {
    crate::sigv4::encode::hex(&crate::digest::sha256(text.as_bytes()))
}

// --- User pools (the JS layer's UserPool, pkg-config/user-pool.js) -----------------------------------------

/// `default endpoint\0storage key` of an app client, after checking the region, pool id and client id.
/// `input`: region, userPoolId, clientId.
#[wasm_bindgen(js_name = _upConfig)]
pub fn up_config(input: &str) -> String {
    let mut f = Fields::new(input);
    answer(UpConfig::new(f.str(), f.str(), f.str()).map(|cfg| join(&[&cfg.endpoint(), &cfg.storage_key()])))
}

fn up_call_inner(client: &str, operation: &str, a: &str, maps: [&str; 3]) -> Result<String> {
    let a: Vec<&str> = a.split('\0').collect();
    let get = |i: usize| a.get(i).copied().unwrap_or("");
    let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
    let rest = |i: usize| a.get(i..).map(|r| Fields::new(&join(r)).pairs()).unwrap_or_default();
    let mut c = Fields::new(client);
    let mut cfg = UpConfig::new(c.str(), c.str(), c.str())?;
    cfg.client_secret = c.opt().map(str::to_owned);
    let [meta, validation, client_meta] = maps.map(|m| Fields::new(m).pairs());
    let call = match operation {
        "USER_SRP_AUTH" => cfg.initiate_srp(get(0), get(1), &meta),
        "USER_PASSWORD_AUTH" => cfg.initiate_password(get(0), get(1), &meta),
        "CUSTOM_AUTH" => cfg.initiate_custom(get(0), opt(1), &meta),
        // [username, preferred, factor parameters...]
        "USER_AUTH" => cfg.initiate_user_auth(get(0), opt(1), rest(2), &meta),
        "REFRESH_TOKEN_AUTH" => cfg.initiate_refresh(get(0), get(1)),
        // [challenge, username, session, responses...]
        "RespondToAuthChallenge" => cfg.respond(get(0), get(1), rest(3), opt(2)),
        "GetTokensFromRefreshToken" => cfg.get_tokens_from_refresh_token(get(0)),
        "SignUp" => cfg.sign_up(get(0), opt(1), &meta, &validation, &client_meta),
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
                            b = b.object(member, user_pool::mfa_setting(choice)?);
                        }
                    }
                    ("SetUserMFAPreference", b)
                }
                _ => return Err(super::invalid("unknown user-pool operation")),
            };
            user_pool::with_access_token(op, get(0), body)
        }
    };
    Ok(join(&[&cat(&[user_pool::TARGET_PREFIX, call.operation]), &call.body]))
}

/// `X-Amz-Target\0JSON body` of one Cognito user-pool call. `client`: region, userPoolId, clientId,
/// clientSecret (or ""); `a`: the operation's strings, in the order above ("" for an absent optional one);
/// `m0`..`m2`: name/value maps (signUp: attributes, validation data, metadata; otherwise `m0` is the metadata).
#[wasm_bindgen(js_name = _upCall)]
pub fn up_call(client: &str, operation: &str, a: &str, m0: &str, m1: &str, m2: &str) -> String {
    answer(up_call_inner(client, operation, a, [m0, m1, m2]))
}

/// What an InitiateAuth / RespondToAuthChallenge answer means ([`steps::next`]): `"DONE"` (tokens),
/// `"PASSWORD_VERIFIER"` (the library answers it), or Amplify's `signInStep` for a challenge the user answers.
/// `challenge`: `ChallengeName` or "".
#[wasm_bindgen(js_name = _upNext)]
pub fn up_next(challenge: &str, has_tokens: bool) -> String {
    let tokens = has_tokens.then(|| Tokens { id_token: String::new(), access_token: String::new(), refresh_token: None, expires_in: 0 });
    let reply = Reply { challenge: Some(challenge.to_owned()).filter(|c| !c.is_empty()), tokens, ..Reply::default() };
    answer(steps::next(&reply).map(|next| {
        String::from(match next {
            Next::Done(_) => "DONE",
            Next::PasswordVerifier => "PASSWORD_VERIFIER",
            Next::Ask(p) => p.step,
        })
    }))
}

/// `ChallengeResponses` name/value pairs (without USERNAME / SECRET_HASH) for the user's answer to `challenge`;
/// `attributes`: required attributes' name/value pairs sent with a new password.
#[wasm_bindgen(js_name = _upResponses)]
pub fn up_responses(challenge: &str, answer_text: &str, attributes: &str) -> String {
    answer(steps::responses(challenge, answer_text, &Fields::new(attributes).pairs()).map(|out| join_pairs(&out)))
}

/// The session record to store, from fresh tokens. `input`: clientId, username, idToken, accessToken,
/// refreshToken. `expiresAt` from the access token's `exp` (`token_exp`, NaN when unreadable) or `expires_in`,
/// on the server's clock (`clock_offset`, seconds).
#[wasm_bindgen(js_name = _upRecord)]
pub fn up_record(input: &str, expires_in: f64, token_exp: f64, local_now: f64, clock_offset: f64) -> String {
    let mut f = Fields::new(input);
    let (client_id, username) = (f.str(), f.str());
    let tokens = Tokens { id_token: f.str().to_owned(), access_token: f.str().to_owned(), refresh_token: None, expires_in: expires_in as i64 };
    let exp = token_exp.is_finite().then_some(token_exp as i64);
    Session::from_tokens(username, &tokens, f.str(), exp, local_now as i64, clock_offset as i64).record(client_id)
}

/// Whether a session expiring at `expires_at` (server clock) should be refreshed now.
#[wasm_bindgen(js_name = _upNeedsRefresh)]
pub fn up_needs_refresh(expires_at: f64, clock_offset: f64, local_now: f64) -> bool {
    session::needs_refresh(expires_at as i64, clock_offset as i64, local_now as i64)
}

/// The clock offset (server minus local, seconds) from an answer's `Date` (Unix seconds, NaN when absent).
#[wasm_bindgen(js_name = _upClockOffset)]
pub fn up_clock_offset(server_date: f64, local_now: f64, previous: f64) -> f64 {
    session::clock_offset(server_date.is_finite().then_some(server_date as i64), local_now as i64, previous as i64) as f64
}

/// The `otpauth://` URI of a TOTP secret.
#[wasm_bindgen(js_name = _totpUri)]
pub fn totp_uri(issuer: &str, account: &str, secret: &str) -> String {
    user_pool::totp_uri(issuer, account, secret)
}
