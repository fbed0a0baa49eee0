//! Synchronous protocol steps for the JS layer (`pkg-config/`: `user-pool.js`, `identity-pool.js` and `aws.js`
//! with `AwsClient`, `S3`, `DynamoDB`), which does the browser I/O: fetch, storage, Web Locks, cross-tab events,
//! retries and their waits, multipart upload workers. Each function here is one decision or one conversion of the
//! pure modules ([`crate::user_pool`], [`crate::identity_pool`], [`crate::retry`], [`crate::s3`],
//! [`crate::sigv4`]), reached through [`super::step`] by the name given in its first line: its fields in `f`
//! (in the order documented), a service's answer or another long text in `text`, one string out.

use super::sigv4::read_url;
use super::{int_text, join, join_pairs, pairs_of, yes, Fields};
use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::identity_pool::{self as ip, Config as PoolConfig};
use crate::retry::{self, Attempt, Decision};
use crate::s3::{self, Config, ListInput};
use crate::sigv4::endpoint;
use crate::user_pool::session::{self, Session};
use crate::user_pool::steps::{self, Next, Tokens};
use crate::user_pool::{self, Config as UpConfig};
use crate::{cat, decimal, json, xml};

/// A field as a non-negative count or size (`None` when absent or not one).
fn count(f: &mut Fields) -> Option<u64> {
    f.int().and_then(|n| u64::try_from(n).ok())
}

/// `retry`: status, code, message, attempt number, max attempts, idempotent, skewFixed, refreshed (flags). What
/// to do after an answer: 0 hand it to the caller, 1 back off and send again, 2 sign again with the server's
/// clock, 3 refresh the credentials and sign again ([`retry::decide`]).
pub fn retry_decision(f: &mut Fields) -> Result<String> {
    let status = f.int().unwrap_or(0) as u16;
    let (code, message) = (f.str(), f.str());
    let number = count(f).unwrap_or(1) as u32;
    let max = count(f).unwrap_or(1) as u32;
    let idempotent = f.flag() == Some(true);
    let skew_fixed = f.flag() == Some(true);
    let refreshed = f.flag() == Some(true);
    let a = Attempt { number, max, idempotent, skew_fixed, refreshed };
    Ok(String::from(match retry::decide(status, code, message, &a) {
        Decision::Done => "0",
        Decision::Backoff => "1",
        Decision::FixClock => "2",
        Decision::RefreshCredentials => "3",
    }))
}

/// `idempotent`: method. Whether it may be sent twice with the same effect ([`retry::is_idempotent`]).
pub fn idempotent(f: &mut Fields) -> Result<String> {
    Ok(yes(retry::is_idempotent(f.str())))
}

/// `isS3`: signing name. Whether it is one of S3's (a Blob body is then sent as UNSIGNED-PAYLOAD).
pub fn is_s3(f: &mut Fields) -> Result<String> {
    Ok(yes(crate::sigv4::is_s3(f.str())))
}

/// `backoff`: attempt, random (a uniform `u32`). Milliseconds to wait before attempt `attempt + 1` (full jitter).
pub fn backoff(f: &mut Fields) -> Result<String> {
    let attempt = count(f).unwrap_or(1) as u32;
    let random = count(f).unwrap_or(0) as u32;
    Ok(decimal(u64::from(retry::backoff_ms(attempt, random)), 1))
}

/// The coded error of a JSON service's answer: `kind` is `__type` (may be namespaced `com.amazonaws…#Code`) or
/// the `x-amzn-ErrorType` header (may carry `:detail`), `message` the body's `message` / `Message` (or "").
fn json_error(status: u16, kind: &str, message: &str) -> Error {
    // After the last `#` (byte-wise: a reverse string searcher costs a KiB of wasm for this one use).
    let code = kind.bytes().rposition(|b| b == b'#').and_then(|i| kind.get(i + 1..)).unwrap_or(kind);
    let code = code.split(':').next().unwrap_or("");
    let code = if code.is_empty() { if status >= 500 { "ServiceError" } else { "UnknownError" } } else { code };
    let message = if message.is_empty() { cat(&["HTTP ", &decimal(u64::from(status), 1)]) } else { message.to_owned() };
    Error::service(code.to_owned(), message, status)
}

/// `jsonError`: status, kind, message (see [`json_error`]). A failed JSON answer's coded error (always fails).
pub fn json_error_step(f: &mut Fields) -> Result<String> {
    let status = f.int().unwrap_or(0) as u16;
    Err(json_error(status, f.str(), f.str()))
}

/// `errorCode`: status, kind, message; `text` the answer's body. The fields code, message of a failed answer: S3/STS
/// XML `<Code>` and `<Message>` when the body is XML, otherwise the JSON fields the JS layer read.
pub fn error_code(f: &mut Fields, text: &str) -> Result<String> {
    let status = f.int().unwrap_or(0) as u16;
    if text.trim_ascii_start().starts_with('<') {
        return Ok(join(&[&xml::text(text, "Code").unwrap_or_default(), &xml::text(text, "Message").unwrap_or_default()]));
    }
    let e = json_error(status, f.str(), f.str());
    Ok(join(&[&e.code, &e.message]))
}

/// `endpoint`: the URL's six fields ([`read_url`]). The fields host, service, region: service and region as standard
/// AWS host names tell them (`""` when they do not).
pub fn endpoint_of(f: &mut Fields) -> Result<String> {
    let u = read_url(f)?;
    let inferred = endpoint::infer(u.host);
    let service = inferred.map_or("", |i| i.service);
    let region = inferred.and_then(|i| i.region).unwrap_or("");
    Ok(join(&[u.host, service, region]))
}

/// `s3Url`: region, bucket, endpoint, forcePathStyle (flag), `"1"` when a key follows, the key. The URL of an
/// object, or the bucket's own URL (ending in `/`).
pub fn s3_url(f: &mut Fields) -> Result<String> {
    let (region, bucket, endpoint, force) = (f.str(), f.str(), f.opt(), f.flag());
    let has_key = f.flag() == Some(true);
    let cfg = Config::new(region, bucket, endpoint, force)?;
    if has_key {
        cfg.object_url(f.str())
    } else {
        Ok(cfg.bucket_url())
    }
}

/// `query`: name/value pairs. A query string, values encoded as SigV4 does.
pub fn query(f: &mut Fields) -> Result<String> {
    let mut q = String::new();
    for (name, value) in f.pairs() {
        s3::push_param(&mut q, name, value);
    }
    Ok(q)
}

/// `s3ListQuery`: prefix, delimiter, continuationToken, startAfter, maxKeys. ListObjectsV2's query.
pub fn s3_list_query(f: &mut Fields) -> Result<String> {
    let (prefix, delimiter, continuation_token, start_after) = (f.opt(), f.opt(), f.opt(), f.opt());
    let max_keys = count(f).map(|n| n.min(u64::from(u32::MAX)) as u32);
    Ok(s3::list_query(&ListInput { prefix, delimiter, continuation_token, start_after, max_keys }))
}

/// `s3List`: `text` the answer. One ListObjectsV2 page: isTruncated (`"1"` or `""`), nextContinuationToken,
/// keyCount, the number of common prefixes, the prefixes, then key, size, etag, lastModified, storageClass of
/// each object.
pub fn s3_list(text: &str) -> Result<String> {
    let page = s3::read_list(text)?;
    let (key_count, prefixes) = (decimal(page.key_count, 1), decimal(page.common_prefixes.len() as u64, 1));
    let truncated = yes(page.is_truncated);
    let mut out: Vec<&str> = vec![&truncated, page.next_continuation_token.as_deref().unwrap_or(""), &key_count, &prefixes];
    out.extend(page.common_prefixes.iter().map(String::as_str));
    let mut text = join(&out);
    for o in &page.contents {
        let size = decimal(o.size, 1);
        // Two joins in a row are the join of all their fields.
        text.push_str(&join(&[&o.key, &size, &o.etag, &o.last_modified, o.storage_class.as_deref().unwrap_or("")]));
    }
    Ok(text)
}

/// `s3Error`: status; `text` the answer. S3's coded error (always fails).
pub fn s3_error(f: &mut Fields, text: &str) -> Result<String> {
    Err(s3::read_error(f.int().unwrap_or(0) as u16, text))
}

/// `s3Parts`: total bytes, part size (empty: the default; raised to S3's minimum). The byte ranges of a
/// multipart upload: the fields start0, end0, start1, end1 ...
pub fn s3_parts(f: &mut Fields) -> Result<String> {
    let total = count(f).unwrap_or(0);
    let size = count(f).unwrap_or(s3::DEFAULT_PART_SIZE);
    let mut out = String::new();
    for &(start, end) in &s3::plan_parts(total, size.max(s3::MIN_PART_SIZE)) {
        out.push_str(&join(&[&decimal(start, 1), &decimal(end, 1)]));
    }
    Ok(out)
}

/// `s3UploadId`: `text` CreateMultipartUpload's answer. The upload id.
pub fn s3_upload_id(text: &str) -> Result<String> {
    s3::read_upload_id(text)
}

/// `s3CompleteBody`: the parts' ETags, in part order. CompleteMultipartUpload's body.
pub fn s3_complete_body(f: &mut Fields) -> Result<String> {
    let parts: Vec<(u32, String)> = f.rest().into_iter().zip(1..).map(|(etag, n)| (n, etag.to_owned())).collect();
    Ok(s3::complete_body(&parts))
}

/// `s3Completed`: `text` CompleteMultipartUpload's answer (which can be an error inside a 200). The ETag.
pub fn s3_completed(text: &str) -> Result<String> {
    s3::read_complete(text)
}

// --- Identity pools (the JS layer's IdentityPool, pkg-config/identity-pool.js) ------------------------------

/// `ipConfig`: region, identityPoolId, endpoint, stsEndpoint. After checking the region and the pool id:
/// the fields endpoint, stsEndpoint, identityKey, credentialsKey.
pub fn ip_config(f: &mut Fields) -> Result<String> {
    let mut cfg = PoolConfig::new(f.str(), f.str())?;
    cfg.endpoint = f.opt();
    cfg.sts_endpoint = f.opt();
    Ok(join(&[&cfg.endpoint(), &cfg.sts_endpoint(), &cfg.storage_key(), &cfg.credentials_key()]))
}

/// `ipCall`: region, identityPoolId, operation, identity id (unused by GetId), customRoleArn (or "";
/// GetCredentialsForIdentity only), then the `Logins` provider/token pairs. After checking the logins
/// ([`ip::check_logins`]), the identity id and the role ARN: the fields X-Amz-Target, JSON body of GetId,
/// GetCredentialsForIdentity or GetOpenIdToken.
pub fn ip_call(f: &mut Fields) -> Result<String> {
    let cfg = PoolConfig::new(f.str(), f.str())?;
    let (operation, id, role) = (f.str(), f.str(), f.opt());
    let logins = f.pairs();
    ip::check_logins(&logins)?;
    if operation != "GetId" {
        ip::check_identity_id(id)?;
    }
    let call = match operation {
        "GetId" => cfg.get_id(&logins),
        "GetOpenIdToken" => cfg.get_open_id_token(id, &logins),
        "GetCredentialsForIdentity" => {
            if let Some(arn) = role {
                ip::check_role_arn(arn)?;
            }
            cfg.get_credentials_for_identity(id, &logins, role)
        }
        _ => return Err(super::invalid("unknown identity-pool operation")),
    };
    Ok(join(&[&cat(&[ip::TARGET_PREFIX, call.operation]), &call.body]))
}

/// `ipDeveloper`: identity id; `text` the token (both from the app's backend, which called
/// GetOpenIdTokenForDeveloperIdentity). After checking them: the `Logins` key the token goes under.
pub fn ip_developer(f: &mut Fields, token: &str) -> Result<String> {
    ip::check_identity_id(f.str())?;
    ip::check_logins(&[(ip::DEVELOPER_LOGIN, token)])?;
    Ok(String::from(ip::DEVELOPER_LOGIN))
}

/// `ipRoleArn`: customRoleArn. Checks it ([`ip::check_role_arn`]); answers "".
pub fn ip_role_arn(f: &mut Fields) -> Result<String> {
    ip::check_role_arn(f.str())?;
    Ok(String::new())
}

/// `ipLoginKey`: a token's issuer. Its `Logins` key.
pub fn ip_login_key(f: &mut Fields) -> Result<String> {
    Ok(ip::login_key(f.str()))
}

/// `stsForm`: role ARN, durationSeconds (empty: the default); `text` the OpenID token. The form body of STS
/// AssumeRoleWithWebIdentity (basic flow).
pub fn sts_form(f: &mut Fields, token: &str) -> Result<String> {
    let role = f.str();
    let duration = count(f).map(|n| n.min(u64::from(u32::MAX)) as u32);
    Ok(ip::assume_role_with_web_identity(role, "cognito-fetch", token, duration))
}

/// `stsAnswer`: status; `text` the answer. the fields accessKeyId, secretAccessKey, sessionToken, expiration (Unix
/// seconds), or STS's coded error.
pub fn sts_answer(f: &mut Fields, text: &str) -> Result<String> {
    let c = ip::read_sts_answer(f.int().unwrap_or(0) as u16, text)?;
    Ok(join(&[&c.access_key_id, &c.secret_access_key, &c.session_token, &int_text(c.expiration)]))
}

/// `ipNeedsRefresh`: issued at, expiration, now (Unix seconds, the server's clock). Whether the credentials
/// should be replaced.
pub fn ip_needs_refresh(f: &mut Fields) -> Result<String> {
    let issued_at = f.int().unwrap_or(0);
    let expiration = f.int().unwrap_or(0);
    let server_now = f.int().unwrap_or(0);
    Ok(yes(ip::needs_refresh(issued_at, expiration, server_now)))
}

/// `ipStale`: an error code. Whether it means the remembered identity id is stale (get a new one, once).
pub fn ip_stale(f: &mut Fields) -> Result<String> {
    Ok(yes(ip::is_stale_identity(f.str())))
}

/// `ipIdentityRecord`: identity id, principal. The stored identity-id record.
pub fn ip_identity_record(f: &mut Fields) -> Result<String> {
    Ok(ip::identity_record(f.str(), f.str()))
}

/// `ipCredentialsRecord`: accessKeyId, secretAccessKey, sessionToken, expiration, issued at (Unix seconds),
/// identity id, principal, customRoleArn (or ""). The stored credentials record (when persisting is on).
pub fn ip_credentials_record(f: &mut Fields) -> Result<String> {
    let access_key_id = f.str().to_owned();
    let secret_access_key = f.str().to_owned();
    let session_token = f.str().to_owned();
    let expiration = f.int().unwrap_or(0);
    let issued_at = f.int().unwrap_or(0);
    let c = ip::Credentials { access_key_id, secret_access_key, session_token, expiration };
    let (identity_id, principal) = (f.str(), f.str());
    Ok(ip::credentials_record(&c, issued_at, identity_id, principal, f.str()))
}

/// `sha256Hex`: `text`. Its SHA-256, as hex.
pub fn sha256_hex(text: &str) -> Result<String> {
    Ok(crate::sigv4::encode::hex(&crate::digest::sha256(text.as_bytes())))
}

// --- User pools (the JS layer's UserPool, pkg-config/user-pool.js) -----------------------------------------

/// `upConfig`: region, userPoolId, clientId. After checking them: the fields default endpoint, storage key.
pub fn up_config(f: &mut Fields) -> Result<String> {
    let cfg = UpConfig::new(f.str(), f.str(), f.str())?;
    Ok(join(&[&cfg.endpoint(), &cfg.storage_key()]))
}

/// `upCall`: operation, region, userPoolId, clientId, clientSecret (or ""), then four lists (each its length
/// first): the operation's strings in the order below ("" for an absent optional one), and three name/value
/// maps (signUp: attributes, validation data, metadata; otherwise the first is the metadata or attributes).
/// The fields X-Amz-Target, JSON body of one Cognito user-pool call.
pub fn up_call(f: &mut Fields) -> Result<String> {
    let operation = f.str();
    let mut cfg = UpConfig::new(f.str(), f.str(), f.str())?;
    cfg.client_secret = f.opt();
    let a = f.list();
    let meta = pairs_of(&f.list());
    let validation = pairs_of(&f.list());
    let client_meta = pairs_of(&f.list());
    let get = |i: usize| a.get(i).copied().unwrap_or("");
    let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
    let rest = |i: usize| pairs_of(a.get(i..).unwrap_or(&[]));
    let call = match operation {
        // [username, SRP_A, DEVICE_KEY?]
        "USER_SRP_AUTH" => cfg.initiate_srp(get(0), get(1), opt(2), &meta),
        "USER_PASSWORD_AUTH" => cfg.initiate_password(get(0), get(1), &meta),
        "CUSTOM_AUTH" => cfg.initiate_custom(get(0), opt(1), &meta),
        // [username, preferred, factor parameters...]
        "USER_AUTH" => cfg.initiate_user_auth(get(0), opt(1), &rest(2), &meta),
        // [refresh token, username, DEVICE_KEY?]
        "REFRESH_TOKEN_AUTH" => cfg.initiate_refresh(get(0), get(1), opt(2)),
        // [challenge, username, session, responses...]
        "RespondToAuthChallenge" => cfg.respond(get(0), get(1), &rest(3), opt(2)),
        // [refresh token, DeviceKey?]
        "GetTokensFromRefreshToken" => cfg.get_tokens_from_refresh_token(get(0), opt(1)),
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
            let mut body = json::Object::new();
            let op = match operation {
                "GetUser" => "GetUser",
                "DeleteUser" => "DeleteUser",
                "GlobalSignOut" => "GlobalSignOut",
                "AssociateSoftwareToken" => "AssociateSoftwareToken",
                "UpdateUserAttributes" => {
                    body.attributes("UserAttributes", &meta);
                    "UpdateUserAttributes"
                }
                "GetUserAttributeVerificationCode" => {
                    body.str("AttributeName", get(1));
                    "GetUserAttributeVerificationCode"
                }
                "VerifyUserAttribute" => {
                    body.str("AttributeName", get(1)).str("Code", get(2));
                    "VerifyUserAttribute"
                }
                "ChangePassword" => {
                    body.str("PreviousPassword", get(1)).str("ProposedPassword", get(2));
                    "ChangePassword"
                }
                "VerifySoftwareToken" => {
                    body.str("UserCode", get(1)).opt_str("FriendlyDeviceName", opt(2));
                    "VerifySoftwareToken"
                }
                // [accessToken, totp, sms, email]: ENABLED | DISABLED | PREFERRED | NOT_PREFERRED, or "" to leave.
                "SetUserMFAPreference" => {
                    for (i, member) in [(1, "SoftwareTokenMfaSettings"), (2, "SMSMfaSettings"), (3, "EmailMfaSettings")] {
                        if let Some(choice) = opt(i) {
                            body.object(member, &mut user_pool::mfa_setting(choice)?);
                        }
                    }
                    "SetUserMFAPreference"
                }
                _ => return Err(super::invalid("unknown user-pool operation")),
            };
            user_pool::with_access_token(op, get(0), &mut body)
        }
    };
    Ok(join(&[&cat(&[user_pool::TARGET_PREFIX, call.operation]), &call.body]))
}

/// `upNext`: ChallengeName (or ""), `"1"` when the answer has tokens. What an InitiateAuth /
/// RespondToAuthChallenge answer means ([`steps::next`]): `"DONE"`, `"PASSWORD_VERIFIER"` (the library answers
/// it), or Amplify's `signInStep` for a challenge the user answers.
pub fn up_next(f: &mut Fields) -> Result<String> {
    let challenge = f.opt();
    Ok(String::from(match steps::next(challenge, f.flag() == Some(true))? {
        Next::Done => "DONE",
        Next::PasswordVerifier => "PASSWORD_VERIFIER",
        Next::Auto(challenge) => challenge,
        Next::Ask(step) => step,
    }))
}

/// `upResponses`: challenge, then the required attributes' name/value pairs sent with a new password; `text` the
/// user's answer. `ChallengeResponses` name/value pairs (without USERNAME / SECRET_HASH).
pub fn up_responses(f: &mut Fields, answer: &str) -> Result<String> {
    let challenge = f.str();
    Ok(join_pairs(&steps::responses(challenge, answer, &f.pairs())?))
}

/// `upRecord`: clientId, username, idToken, accessToken, refreshToken, ExpiresIn, the access token's `exp`
/// (empty when unreadable), local now, clock offset (seconds), signInMethod (empty for `signIn`). The session
/// record to store, `expiresAt` on the server's clock.
pub fn up_record(f: &mut Fields) -> Result<String> {
    let (client_id, username) = (f.str(), f.str());
    let (id_token, access_token, refresh_token) = (f.str(), f.str(), f.str());
    let tokens = Tokens { id_token, access_token, refresh_token: None, expires_in: f.int().unwrap_or(0) };
    let exp = f.int();
    let local_now = f.int().unwrap_or(0);
    let clock_offset = f.int().unwrap_or(0);
    let session = Session { sign_in_method: f.opt(), ..Session::from_tokens(username, &tokens, refresh_token, exp, local_now, clock_offset) };
    Ok(session.record(client_id))
}

/// `upNeedsRefresh`: expiresAt (server clock), clock offset, local now (seconds). Whether to refresh now.
pub fn up_needs_refresh(f: &mut Fields) -> Result<String> {
    let expires_at = f.int().unwrap_or(0);
    let clock_offset = f.int().unwrap_or(0);
    let local_now = f.int().unwrap_or(0);
    Ok(yes(session::needs_refresh(expires_at, clock_offset, local_now)))
}

/// `upClockOffset`: the answer's `Date` (Unix seconds, empty when absent), local now, previous offset. The clock
/// offset (server minus local, seconds).
pub fn up_clock_offset(f: &mut Fields) -> Result<String> {
    let server_date = f.int();
    let local_now = f.int().unwrap_or(0);
    let previous = f.int().unwrap_or(0);
    Ok(int_text(session::clock_offset(server_date, local_now, previous)))
}

/// `totpUri`: issuer, account, secret. The `otpauth://` URI of a TOTP secret.
pub fn totp_uri(f: &mut Fields) -> Result<String> {
    Ok(user_pool::totp_uri(f.str(), f.str(), f.str()))
}
