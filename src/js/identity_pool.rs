//! `IdentityPool`: temporary AWS credentials for the signed-in user (its user pool's ID token in `Logins`,
//! read from the `UserPool` on every call so it is always current) or for a guest. The identity id is
//! remembered per identity pool, so a returning visitor skips GetId and a guest who signs in keeps its id.
//! Credentials stay in memory (persisting them is an option), are refreshed ahead of expiry on the server's
//! clock with one refresh in flight, and are dropped when the user behind them changes or signs out.
//! Protocol decisions are in [`crate::identity_pool`].

use super::{claims, get, invalid, is_absent, now_secs, num_field, opt_bool, opt_string, option_bool, read_headers, set, settle, str_field, to_js};
use crate::error::{Error, Result};
use crate::http;
use crate::identity_pool::{self as ip, Config, Credentials};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::storage::Storage;
use crate::user_pool::Call;
use crate::cat;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Function, Object, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::promise;
use alloc::boxed::Box;

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

/// Credentials in hand, with who they belong to.
#[derive(Clone)]
struct Held {
    creds: Credentials,
    /// Server clock, Unix seconds.
    issued_at: i64,
    identity_id: String,
    /// The login that owns them (`provider:sub`, sorted, joined by spaces); empty for a guest.
    principal: String,
}

struct Basic {
    authenticated_role: Option<String>,
    unauthenticated_role: Option<String>,
    duration: Option<u32>,
}

struct Inner {
    cfg: Config,
    storage: Storage,
    user_pool: JsValue,
    logins: JsValue,
    allow_guest: bool,
    basic: Option<Basic>,
    persist: bool,
    held: RefCell<Option<Held>>,
    refreshing: RefCell<Option<Promise>>,
    /// Server clock minus this device's, seconds (from cognito-identity's `Date`).
    clock_offset: Cell<i64>,
}

#[wasm_bindgen(js_name = IdentityPool)]
pub struct IdentityPool {
    inner: Rc<Inner>,
}

impl Inner {
    /// The server's clock from an answer's `Date` (Unix seconds), when it had one.
    fn learn_clock(&self, server_date: Option<i64>) {
        if let Some(d) = server_date {
            self.clock_offset.set(d - now_secs());
        }
    }

    async fn call(&self, c: Call) -> Result<JsValue> {
        let target = cat(&[ip::TARGET_PREFIX, c.operation]);
        let answer = http::json_call(&self.cfg.endpoint(), &target, ip::CONTENT_TYPE, &c.body).await?;
        self.learn_clock(answer.server_date);
        Ok(answer.body)
    }

    /// The `Logins` map now: the user pool's current ID token (if someone is signed in) and the app's.
    async fn logins(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        if !is_absent(&self.user_pool) {
            let f: Function = get(&self.user_pool, "getSession")?.dyn_into().map_err(|_| invalid("userPool must have getSession()"))?;
            let session = settle(f.call0(&self.user_pool).map_err(|_| invalid("userPool.getSession() threw"))?).await?;
            if session.is_object() {
                if let Some(token) = str_field(&get(&session, "tokens")?, "idToken") {
                    let iss = claims(&token).and_then(|c| str_field(&c, "iss")).ok_or_else(|| invalid("the ID token has no issuer"))?;
                    out.push((ip::login_key(&iss), token));
                }
            }
        }
        let app = if let Some(f) = self.logins.dyn_ref::<Function>() {
            settle(f.call0(&JsValue::NULL).map_err(|_| invalid("logins() threw"))?).await?
        } else {
            self.logins.clone()
        };
        out.extend(read_headers(&app).map_err(|_| invalid("logins must map provider names to token strings"))?);
        Ok(out)
    }

    async fn stored_identity(&self) -> Option<(String, String)> {
        let text = self.storage.get(&self.cfg.storage_key()).await.ok().flatten()?;
        let r = JSON::parse(&text).ok().filter(JsValue::is_object)?;
        if num_field(&r, "v") != Some(ip::RECORD_VERSION as f64) {
            return None;
        }
        Some((str_field(&r, "identityId").filter(|i| i.contains(':'))?, str_field(&r, "principal")?))
    }

    async fn forget_identity(&self) -> Result<()> {
        self.storage.remove(&self.cfg.storage_key()).await
    }

    /// The identity id to use for `principal`: the remembered one when it is theirs, or a guest's being
    /// upgraded at sign-in; otherwise a new one from GetId. Also whether the stored record already names
    /// `principal` as its owner.
    async fn identity_id(&self, logins: &[(String, String)], principal: &str) -> Result<(String, bool)> {
        if let Some((id, owner)) = self.stored_identity().await {
            if owner == principal || owner.is_empty() {
                return Ok((id, owner == principal));
            }
            // Another user's identity (they signed out, someone else signed in): never reuse it.
            self.forget_identity().await?;
        }
        let body = self.call(self.cfg.get_id(logins)).await?;
        let id = str_field(&body, "IdentityId").ok_or_else(|| Error::new("InvalidResponse", "GetId answered without an IdentityId"))?;
        self.storage.set(&self.cfg.storage_key(), &ip::identity_record(&id, principal)).await?;
        Ok((id, true))
    }

    /// Credentials for `identity_id`: GetCredentialsForIdentity, or GetOpenIdToken + STS (basic flow).
    async fn exchange(&self, identity_id: &str, logins: &[(String, String)]) -> Result<(Credentials, String)> {
        let Some(basic) = &self.basic else {
            let body = self.call(self.cfg.get_credentials_for_identity(identity_id, logins)).await?;
            let c = get(&body, "Credentials")?;
            let field = |k: &'static str| str_field(&c, k).filter(|v| !v.is_empty()).ok_or_else(|| Error::new("InvalidResponse", cat(&["GetCredentialsForIdentity answered without ", k])));
            let expiration = num_field(&c, "Expiration").filter(|e| e.is_finite()).ok_or_else(|| Error::new("InvalidResponse", "GetCredentialsForIdentity answered without Expiration"))?;
            let id = str_field(&body, "IdentityId").unwrap_or_else(|| identity_id.to_owned());
            let creds = Credentials { access_key_id: field("AccessKeyId")?, secret_access_key: field("SecretKey")?, session_token: field("SessionToken")?, expiration: expiration as i64 };
            return Ok((creds, id));
        };
        let body = self.call(self.cfg.get_open_id_token(identity_id, logins)).await?;
        let token = str_field(&body, "Token").ok_or_else(|| Error::new("InvalidResponse", "GetOpenIdToken answered without a Token"))?;
        let id = str_field(&body, "IdentityId").unwrap_or_else(|| identity_id.to_owned());
        let role = if logins.is_empty() { &basic.unauthenticated_role } else { &basic.authenticated_role };
        let role = role.as_deref().ok_or_else(|| {
            invalid(if logins.is_empty() { "basicFlow.unauthenticatedRoleArn is needed for guests" } else { "basicFlow.authenticatedRoleArn is needed for signed-in users" })
        })?;
        let form = ip::assume_role_with_web_identity(role, "cognito-fetch", &token, basic.duration);
        let response = http::send(&self.cfg.sts_endpoint(), &http::post_init(&[("content-type", ip::STS_CONTENT_TYPE)], &form)).await?;
        self.learn_clock(response.server_date_ms().map(|ms| (ms / 1000.0) as i64));
        let status = response.status();
        let creds = ip::read_sts_answer(status, &response.body_text().await?)?;
        Ok((creds, id))
    }

    /// Fetches new credentials for `principal`; a stale remembered identity id is replaced once, quietly.
    async fn fetch(&self, logins: Vec<(String, String)>, principal: String) -> Result<Held> {
        if logins.is_empty() && !self.allow_guest {
            return Err(Error::new("NotAuthorizedException", "nobody is signed in and guest access is off (allowGuest: false)"));
        }
        let (mut identity_id, mut recorded) = self.identity_id(&logins, &principal).await?;
        let mut retried = false;
        loop {
            match self.exchange(&identity_id, &logins).await {
                Ok((creds, id)) => {
                    // A merged identity comes back under another id; a guest's id now belongs to the user.
                    if id != identity_id || !recorded {
                        self.storage.set(&self.cfg.storage_key(), &ip::identity_record(&id, &principal)).await?;
                    }
                    let held = Held { creds, issued_at: now_secs() + self.clock_offset.get(), identity_id: id, principal };
                    if self.persist {
                        let record = ip::credentials_record(&held.creds, held.issued_at, &held.identity_id, &held.principal);
                        self.storage.set(&self.cfg.credentials_key(), &record).await?;
                    }
                    return Ok(held);
                }
                Err(e) if !retried && ip::is_stale_identity(&e.code) => {
                    retried = true;
                    self.forget_identity().await?;
                    (identity_id, recorded) = self.identity_id(&logins, &principal).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn persisted(&self, principal: &str) -> Option<Held> {
        let text = self.storage.get(&self.cfg.credentials_key()).await.ok().flatten()?;
        let r = JSON::parse(&text).ok().filter(JsValue::is_object)?;
        if num_field(&r, "v") != Some(ip::RECORD_VERSION as f64) || str_field(&r, "principal").as_deref() != Some(principal) {
            return None;
        }
        let s = |k: &str| str_field(&r, k).filter(|v| !v.is_empty());
        Some(Held {
            creds: Credentials { access_key_id: s("accessKeyId")?, secret_access_key: s("secretAccessKey")?, session_token: s("sessionToken")?, expiration: num_field(&r, "expiration")? as i64 },
            issued_at: num_field(&r, "issuedAt")? as i64,
            identity_id: s("identityId")?,
            principal: principal.to_owned(),
        })
    }

    fn fresh(&self, held: &Held, principal: &str) -> bool {
        held.principal == principal && !ip::needs_refresh(held.issued_at, held.creds.expiration, now_secs() + self.clock_offset.get())
    }
}

/// Who the logins name: `provider:sub` for JWTs (the subject, so a refreshed token is the same user), the
/// provider and token otherwise; sorted, so the order of `Logins` does not matter.
fn principal_of(logins: &[(String, String)]) -> String {
    let mut parts: Vec<String> = logins
        .iter()
        .map(|(k, token)| {
            let sub = claims(token).and_then(|c| str_field(&c, "sub")).unwrap_or_else(|| crate::sigv4::encode::hex(&crate::digest::sha256(token.as_bytes())));
            cat(&[k, ":", &sub])
        })
        .collect();
    parts.sort();
    parts.join(" ")
}

fn credentials_object(h: &Held, offset: i64) -> JsValue {
    let out = Object::new();
    set(&out, "accessKeyId", &JsValue::from_str(&h.creds.access_key_id));
    set(&out, "secretAccessKey", &JsValue::from_str(&h.creds.secret_access_key));
    set(&out, "sessionToken", &JsValue::from_str(&h.creds.session_token));
    // On this device's clock, like every time this library hands out.
    set(&out, "expiration", &js_sys::Date::new(&JsValue::from_f64(((h.creds.expiration - offset) * 1000) as f64)));
    set(&out, "identityId", &JsValue::from_str(&h.identity_id));
    set(&out, "authenticated", &JsValue::from_bool(!h.principal.is_empty()));
    out.into()
}

async fn run_fetch(inner: Rc<Inner>, logins: Vec<(String, String)>, principal: String) -> Result<JsValue> {
    let held = inner.fetch(logins, principal).await?;
    *inner.held.borrow_mut() = Some(held);
    Ok(JsValue::TRUE)
}

async fn get_credentials(inner: Rc<Inner>, force: bool) -> Result<JsValue> {
    let logins = inner.logins().await?;
    let principal = principal_of(&logins);
    let current = inner.held.borrow().clone();
    if let Some(h) = current.filter(|h| !force && inner.fresh(h, &principal)) {
        return Ok(credentials_object(&h, inner.clock_offset.get()));
    }
    if !force && inner.persist {
        if let Some(h) = inner.persisted(&principal).await.filter(|h| inner.fresh(h, &principal)) {
            *inner.held.borrow_mut() = Some(h.clone());
            return Ok(credentials_object(&h, inner.clock_offset.get()));
        }
    }
    // Credentials of someone else (signed out, another user) are dropped before anything else.
    if inner.held.borrow().as_ref().is_some_and(|h| h.principal != principal) {
        inner.held.borrow_mut().take();
    }
    // One fetch in flight: concurrent callers wait for the same one.
    super::single_flight(&inner.refreshing, || Box::pin(run_fetch(inner.clone(), logins, principal.clone()))).await?;
    let held = inner.held.borrow().clone().ok_or_else(|| Error::new("CredentialsError", "the credentials were cleared while they were fetched"))?;
    Ok(credentials_object(&held, inner.clock_offset.get()))
}

#[wasm_bindgen(js_class = IdentityPool)]
impl IdentityPool {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "IdentityPoolOptions")] options: JsValue) -> core::result::Result<IdentityPool, JsValue> {
        (|| {
            if !options.is_object() {
                return Err(invalid("expected {region, identityPoolId}"));
            }
            let req = |k: &'static str| opt_string(&options, k)?.filter(|s| !s.is_empty()).ok_or_else(|| invalid(cat(&[k, " is required"])));
            let mut cfg = Config::new(&req("region")?, &req("identityPoolId")?)?;
            cfg.endpoint = opt_string(&options, "endpoint")?;
            let basic_opt = get(&options, "basicFlow")?;
            let basic = if is_absent(&basic_opt) {
                None
            } else {
                cfg.sts_endpoint = opt_string(&basic_opt, "stsEndpoint")?;
                let duration = match get(&basic_opt, "durationSeconds")?.as_f64() {
                    Some(d) if (900.0..=43_200.0).contains(&d) => Some(d as u32),
                    Some(_) => return Err(invalid("basicFlow.durationSeconds must be 900 to 43200")),
                    None => None,
                };
                Some(Basic { authenticated_role: opt_string(&basic_opt, "authenticatedRoleArn")?, unauthenticated_role: opt_string(&basic_opt, "unauthenticatedRoleArn")?, duration })
            };
            let user_pool = get(&options, "userPool")?;
            if !is_absent(&user_pool) && !get(&user_pool, "getSession")?.is_function() {
                return Err(invalid("userPool must be a UserPool (something with getSession())"));
            }
            let inner = Inner {
                cfg,
                storage: Storage::from_option(&get(&options, "storage")?)?,
                user_pool,
                logins: get(&options, "logins")?,
                allow_guest: opt_bool(&options, "allowGuest")?.unwrap_or(true),
                basic,
                persist: opt_bool(&options, "persistCredentials")?.unwrap_or(false),
                held: RefCell::new(None),
                refreshing: RefCell::new(None),
                clock_offset: Cell::new(0),
            };
            Ok(IdentityPool { inner: Rc::new(inner) })
        })()
        .map_err(to_js)
    }

    /// Credentials for whoever is signed in now (or a guest), fetched or refreshed as needed.
    #[wasm_bindgen(js_name = getCredentials, unchecked_return_type = "Promise<IdentityCredentials>")]
    pub fn get_credentials(&self, #[wasm_bindgen(unchecked_param_type = "{ forceRefresh?: boolean }")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let force = option_bool(&options, "forceRefresh")?.unwrap_or(false);
            get_credentials(inner, force).await
        }))
    }

    /// The identity id (fetching credentials first if there is none yet).
    #[wasm_bindgen(js_name = getIdentityId, unchecked_return_type = "Promise<string>")]
    pub fn get_identity_id(&self) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            let creds = get_credentials(inner, false).await?;
            get(&creds, "identityId")
        }))
    }

    /// Forgets the credentials (memory and storage); `{ identityId: true }` also forgets the identity id.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn clear(&self, #[wasm_bindgen(unchecked_param_type = "{ identityId?: boolean }")] options: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(Box::pin(async move {
            inner.held.borrow_mut().take();
            inner.storage.remove(&inner.cfg.credentials_key()).await?;
            if option_bool(&options, "identityId")?.unwrap_or(false) {
                inner.forget_identity().await?;
            }
            Ok(JsValue::UNDEFINED)
        }))
    }
}
