//! `UserPool`: sign-up, sign-in as a step machine (SRP by default), the session in storage with refresh,
//! sign-out and events. Protocol decisions are in [`crate::user_pool`]; this file sends, stores and converts.
//! State is per instance (several independent instances can live on one page).

use super::{claims, promise, get, invalid, is_absent, num_field, opt_string, random_bytes, read_headers, set, str_field, to_js};
use crate::error::{Error, Result};
use crate::http;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::storage::Storage;
use crate::user_pool::session::{clock_offset, Session, RECORD_VERSION};
use crate::user_pool::steps::{self, Next, Reply, Tokens};
use crate::user_pool::{with_access_token, Call, Config, CONTENT_TYPE, TARGET_PREFIX};
use crate::{cat, json, srp};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

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
  };
}
export interface SignUpOutput {
  isSignUpComplete: boolean;
  userId?: string;
  nextStep: { signUpStep: 'CONFIRM_SIGN_UP' | 'DONE'; codeDeliveryDetails?: CodeDeliveryDetails };
}
export interface SignInInput {
  username: string;
  password: string;
  options?: { authFlowType?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH'; clientMetadata?: Record<string, string> };
}
export type SignInStep =
  | 'DONE'
  | 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'
  | 'CONFIRM_SIGN_IN_WITH_SMS_CODE'
  | 'CONFIRM_SIGN_IN_WITH_TOTP_CODE'
  | 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'
  | 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'
  | 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'
  | 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION';
export interface SignInOutput {
  isSignedIn: boolean;
  nextStep: {
    signInStep: SignInStep;
    /** Where a code was sent (SMS / email challenges). */
    codeDeliveryDetails?: CodeDeliveryDetails;
    /** Cognito's ChallengeParameters, for custom challenges and choices (MFAS_CAN_CHOOSE, requiredAttributes ...). */
    additionalInfo?: Record<string, string>;
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

const EVENTS: [&str; 4] = ["signedIn", "signedOut", "tokenRefresh", "tokenRefreshFailure"];

/// A sign-in waiting for the user's answer to a challenge.
struct Pending {
    challenge: String,
    /// The name Cognito knows the user by in challenge responses.
    username: String,
    session: Option<String>,
    /// What the user typed to sign in.
    sign_in_name: String,
}

struct Inner {
    cfg: Config,
    storage: Storage,
    pending: RefCell<Option<Pending>>,
    clock_offset: Cell<i64>,
    listeners: RefCell<Vec<(String, Function)>>,
    refreshing: RefCell<Option<Promise>>,
}

#[wasm_bindgen(js_name = UserPool)]
pub struct UserPool {
    inner: Rc<Inner>,
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn required(obj: &JsValue, key: &'static str) -> Result<String> {
    opt_string(obj, key)?.filter(|s| !s.is_empty()).ok_or_else(|| invalid(cat(&[key, " is required"])))
}

fn string_map(obj: &JsValue) -> Result<Vec<(String, String)>> {
    read_headers(obj).map_err(|_| invalid("attributes and metadata must be objects of strings"))
}

/// `options.<key>` as a string map (absent: empty).
fn option_map(input: &JsValue, key: &str) -> Result<Vec<(String, String)>> {
    let options = get(input, "options")?;
    if is_absent(&options) {
        return Ok(Vec::new());
    }
    string_map(&get(&options, key)?)
}

fn read_reply(body: &JsValue) -> Result<Reply> {
    let params = get(body, "ChallengeParameters")?;
    let params = if params.is_object() {
        Object::entries(params.unchecked_ref()).iter().filter_map(|e| {
            let pair: Array = e.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        }).collect()
    } else {
        Vec::new()
    };
    let result = get(body, "AuthenticationResult")?;
    let tokens = match (str_field(&result, "IdToken"), str_field(&result, "AccessToken")) {
        (Some(id_token), Some(access_token)) => Some(Tokens {
            id_token,
            access_token,
            refresh_token: str_field(&result, "RefreshToken"),
            expires_in: num_field(&result, "ExpiresIn").unwrap_or(3600.0) as i64,
        }),
        _ => None,
    };
    Ok(Reply { challenge: str_field(body, "ChallengeName"), session: str_field(body, "Session"), params, tokens })
}

/// `{[key]: value, codeDeliveryDetails?}` from an answer's `CodeDeliveryDetails`.
fn next_step(key: &str, value: &str, body: &JsValue) -> Result<JsValue> {
    let step = Object::new();
    set(&step, key, &JsValue::from_str(value));
    let details = delivery_details(&get(body, "CodeDeliveryDetails")?);
    if !details.is_undefined() {
        set(&step, "codeDeliveryDetails", &details);
    }
    Ok(step.into())
}

fn delivery_details(d: &JsValue) -> JsValue {
    if !d.is_object() {
        return JsValue::UNDEFINED;
    }
    let out = Object::new();
    for (from, to) in [("Destination", "destination"), ("DeliveryMedium", "deliveryMedium"), ("AttributeName", "attributeName")] {
        if let Some(v) = str_field(d, from) {
            set(&out, to, &JsValue::from_str(&v));
        }
    }
    out.into()
}

impl Inner {
    async fn call(&self, c: Call) -> Result<JsValue> {
        let target = cat(&[TARGET_PREFIX, c.operation]);
        let answer = http::json_call(&self.cfg.endpoint(), &target, CONTENT_TYPE, &c.body).await?;
        self.clock_offset.set(clock_offset(answer.server_date, now(), self.clock_offset.get()));
        Ok(answer.body)
    }

    fn emit(&self, event: &str, payload: &Object) {
        let listeners: Vec<Function> = self.listeners.borrow().iter().filter(|(e, _)| e == event).map(|(_, f)| f.clone()).collect();
        for f in listeners {
            // A listener that throws must not break the library: its error is dropped.
            let _ = f.call1(&JsValue::NULL, payload);
        }
    }

    fn emit_user(&self, event: &str, username: &str) {
        let payload = Object::new();
        set(&payload, "username", &JsValue::from_str(username));
        self.emit(event, &payload);
    }

    /// The stored session, if there is a valid one. A record that is corrupted, truncated, from another app
    /// client or of another format version means "signed out" and is removed; it never throws.
    async fn load(&self) -> Result<Option<Session>> {
        let key = self.cfg.storage_key();
        let Some(text) = self.storage.get(&key).await? else { return Ok(None) };
        let parsed = JSON::parse(&text).ok().filter(JsValue::is_object);
        let session = parsed.and_then(|r| {
            if num_field(&r, "v") != Some(RECORD_VERSION as f64) || str_field(&r, "clientId").as_deref() != Some(self.cfg.client_id.as_str()) {
                return None;
            }
            let s = |k: &str| str_field(&r, k).filter(|v| !v.is_empty());
            Some(Session {
                username: s("username")?,
                id_token: s("idToken")?,
                access_token: s("accessToken")?,
                refresh_token: s("refreshToken")?,
                expires_at: num_field(&r, "expiresAt").filter(|n| n.is_finite())? as i64,
                clock_offset: num_field(&r, "clockOffset").filter(|n| n.is_finite())? as i64,
            })
        });
        if session.is_none() {
            self.storage.remove(&key).await?;
        }
        Ok(session)
    }

    async fn store(&self, s: &Session) -> Result<()> {
        self.storage.set(&self.cfg.storage_key(), &s.record(&self.cfg.client_id)).await
    }

    async fn clear(&self) -> Result<()> {
        self.pending.borrow_mut().take();
        self.storage.remove(&self.cfg.storage_key()).await
    }

    fn session_from(&self, tokens: &Tokens, refresh_token: &str, fallback_username: &str) -> Session {
        let access = claims(&tokens.access_token);
        let username = claims(&tokens.id_token)
            .and_then(|c| str_field(&c, "cognito:username"))
            .or_else(|| access.as_ref().and_then(|c| str_field(c, "username")))
            .unwrap_or_else(|| fallback_username.into());
        let exp = access.as_ref().and_then(|c| num_field(c, "exp")).map(|e| e as i64);
        Session::from_tokens(&username, tokens, refresh_token, exp, now(), self.clock_offset.get())
    }

    /// Acts on Cognito's answer: signed in (store, emit), or a challenge for the user (remember it).
    async fn handle(&self, reply: Reply, sign_in_name: &str, username_for_challenges: &str) -> Result<JsValue> {
        let out = Object::new();
        let step = Object::new();
        match steps::next(&reply)? {
            Next::Done(tokens) => {
                let refresh = tokens.refresh_token.clone().ok_or_else(|| invalid("Cognito returned no refresh token"))?;
                let session = self.session_from(&tokens, &refresh, sign_in_name);
                self.store(&session).await?;
                self.pending.borrow_mut().take();
                self.emit_user("signedIn", &session.username);
                set(&out, "isSignedIn", &JsValue::TRUE);
                set(&step, "signInStep", &JsValue::from_str("DONE"));
            }
            Next::Ask(prompt) => {
                let username = reply.param("USERNAME").unwrap_or(username_for_challenges).to_owned();
                *self.pending.borrow_mut() = Some(Pending { challenge: prompt.challenge, username, session: reply.session.clone(), sign_in_name: sign_in_name.into() });
                set(&out, "isSignedIn", &JsValue::FALSE);
                set(&step, "signInStep", &JsValue::from_str(prompt.step));
                if let Some(dest) = reply.param("CODE_DELIVERY_DESTINATION") {
                    let d = Object::new();
                    set(&d, "destination", &JsValue::from_str(dest));
                    if let Some(m) = reply.param("CODE_DELIVERY_DELIVERY_MEDIUM") {
                        set(&d, "deliveryMedium", &JsValue::from_str(m));
                    }
                    set(&step, "codeDeliveryDetails", &d);
                }
                let info = Object::new();
                for (k, v) in &reply.params {
                    set(&info, k, &JsValue::from_str(v));
                }
                set(&step, "additionalInfo", &info);
            }
            Next::PasswordVerifier => return Err(invalid("Cognito asked for a second SRP proof")),
        }
        set(&out, "nextStep", &step);
        Ok(out.into())
    }

    async fn sign_in(&self, input: JsValue) -> Result<JsValue> {
        let username = required(&input, "username")?;
        let password = required(&input, "password")?;
        let options = get(&input, "options")?;
        let flow = if is_absent(&options) { None } else { opt_string(&options, "authFlowType")? };
        let metadata = option_map(&input, "clientMetadata")?;
        if self.load().await?.is_some() {
            return Err(Error::new("UserAlreadyAuthenticatedException", "a user is already signed in: sign out first"));
        }
        self.pending.borrow_mut().take();
        let reply = match flow.as_deref().unwrap_or("USER_SRP_AUTH") {
            "USER_SRP_AUTH" => {
                let srp = srp::Session::start(&random_bytes::<32>()?)?;
                let first = read_reply(&self.call(self.cfg.initiate_srp(&username, &srp.srp_a(), &metadata)).await?)?;
                if steps::next(&first)? == Next::PasswordVerifier {
                    self.password_verifier(&srp, &first, &password).await?
                } else {
                    first
                }
            }
            "USER_PASSWORD_AUTH" => read_reply(&self.call(self.cfg.initiate_password(&username, &password, &metadata)).await?)?,
            _ => return Err(invalid("authFlowType must be USER_SRP_AUTH or USER_PASSWORD_AUTH")),
        };
        self.handle(reply, &username, &username).await
    }

    /// Answers PASSWORD_VERIFIER. TIMESTAMP is on the server's clock, so a skewed device still signs in.
    async fn password_verifier(&self, srp: &srp::Session, reply: &Reply, password: &str) -> Result<Reply> {
        let p = |k: &'static str| reply.param(k).ok_or_else(|| Error::new(srp::INVALID_SRP, cat(&["the PASSWORD_VERIFIER challenge has no ", k])));
        let user_id = p("USER_ID_FOR_SRP")?;
        let secret_block = p("SECRET_BLOCK")?;
        let timestamp = srp::timestamp(now() + self.clock_offset.get());
        let challenge = srp::Challenge {
            pool_name: self.cfg.pool_name()?,
            user_id,
            password,
            srp_b: p("SRP_B")?,
            salt: p("SALT")?,
            secret_block,
            timestamp: &timestamp,
        };
        let signature = srp.password_claim(&challenge)?;
        let username = reply.param("USERNAME").unwrap_or(user_id);
        let responses = vec![
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), secret_block.to_owned()),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature),
            ("TIMESTAMP".to_owned(), timestamp.clone()),
        ];
        read_reply(&self.call(self.cfg.respond("PASSWORD_VERIFIER", username, responses, reply.session.as_deref())).await?)
    }

    async fn confirm_sign_in(&self, input: JsValue) -> Result<JsValue> {
        let answer = required(&input, "challengeResponse")?;
        let attributes = option_map(&input, "userAttributes")?;
        let (challenge, username, session, sign_in_name) = match self.pending.borrow().as_ref() {
            Some(p) => (p.challenge.clone(), p.username.clone(), p.session.clone(), p.sign_in_name.clone()),
            None => return Err(Error::new("SignInException", "no sign-in is waiting for an answer: call signIn first")),
        };
        let responses = steps::responses(&challenge, &answer, &attributes)?;
        match self.call(self.cfg.respond(&challenge, &username, responses, session.as_deref())).await {
            Ok(body) => self.handle(read_reply(&body)?, &sign_in_name, &username).await,
            Err(e) => {
                // A wrong code can be retried in the same Cognito session; an expired session cannot.
                if e.code == "NotAuthorizedException" {
                    self.pending.borrow_mut().take();
                }
                Err(e)
            }
        }
    }

    /// One refresh: new tokens (keeping a rotated refresh token), or signed out when the refresh token is
    /// revoked or expired. Falls back to REFRESH_TOKEN_AUTH where GetTokensFromRefreshToken is unavailable.
    async fn refresh(&self, s: Session) -> Result<bool> {
        let first = self.call(self.cfg.get_tokens_from_refresh_token(&s.refresh_token)).await;
        let answer = match first {
            Err(e) if matches!(e.code.as_ref(), "UnknownOperationException" | "InvalidAction" | "UnsupportedOperationException") => {
                let sub = claims(&s.id_token).and_then(|c| str_field(&c, "sub")).unwrap_or_else(|| s.username.clone());
                self.call(self.cfg.initiate_refresh(&s.refresh_token, &sub)).await
            }
            other => other,
        };
        match answer {
            Ok(body) => {
                let reply = read_reply(&body)?;
                let tokens = reply.tokens.ok_or_else(|| invalid("the refresh returned no tokens"))?;
                let refresh = tokens.refresh_token.clone().unwrap_or(s.refresh_token);
                let fresh = self.session_from(&tokens, &refresh, &s.username);
                self.store(&fresh).await?;
                self.emit_user("tokenRefresh", &fresh.username);
                Ok(true)
            }
            Err(e) => {
                let payload = Object::new();
                let err = Object::new();
                set(&err, "name", &JsValue::from_str(&e.code));
                set(&err, "message", &JsValue::from_str(&e.message));
                set(&payload, "error", &err);
                set(&payload, "username", &JsValue::from_str(&s.username));
                self.emit("tokenRefreshFailure", &payload);
                if matches!(e.code.as_ref(), "NotAuthorizedException" | "RefreshTokenReuseException") {
                    self.clear().await?;
                    self.emit_user("signedOut", &s.username);
                    return Ok(false);
                }
                Err(e)
            }
        }
    }
}

async fn run_refresh(inner: Rc<Inner>, s: Session) -> core::result::Result<JsValue, JsValue> {
    inner.refresh(s).await.map(JsValue::from_bool).map_err(to_js)
}

async fn get_session(inner: Rc<Inner>, force: bool) -> core::result::Result<JsValue, JsValue> {
    let Some(s) = inner.load().await.map_err(to_js)? else { return Ok(JsValue::NULL) };
    let s = if force || s.needs_refresh(now()) {
        // One refresh in flight per instance: concurrent callers wait for the same one.
        let existing = inner.refreshing.borrow().clone();
        let promise = match existing {
            Some(p) => p,
            None => {
                let p = future_to_promise(run_refresh(inner.clone(), s));
                *inner.refreshing.borrow_mut() = Some(p.clone());
                p
            }
        };
        let outcome = JsFuture::from(promise).await;
        inner.refreshing.borrow_mut().take();
        if !outcome?.is_truthy() {
            return Ok(JsValue::NULL);
        }
        match inner.load().await.map_err(to_js)? {
            Some(fresh) => fresh,
            None => return Ok(JsValue::NULL),
        }
    } else {
        s
    };
    let out = Object::new();
    let tokens = Object::new();
    set(&tokens, "idToken", &JsValue::from_str(&s.id_token));
    set(&tokens, "accessToken", &JsValue::from_str(&s.access_token));
    set(&out, "username", &JsValue::from_str(&s.username));
    set(&out, "tokens", &tokens);
    set(&out, "expiresAt", &JsValue::from_f64(((s.expires_at - s.clock_offset) * 1000) as f64));
    Ok(out.into())
}


#[wasm_bindgen(js_class = UserPool)]
impl UserPool {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "UserPoolOptions")] options: JsValue) -> core::result::Result<UserPool, JsValue> {
        (|| {
            if !options.is_object() {
                return Err(invalid("expected {region, userPoolId, clientId}"));
            }
            let mut cfg = Config::new(&required(&options, "region")?, &required(&options, "userPoolId")?, &required(&options, "clientId")?)?;
            cfg.client_secret = opt_string(&options, "clientSecret")?;
            cfg.endpoint = opt_string(&options, "endpoint")?;
            let storage = Storage::from_option(&get(&options, "storage")?)?;
            let inner = Inner { cfg, storage, pending: RefCell::new(None), clock_offset: Cell::new(0), listeners: RefCell::new(Vec::new()), refreshing: RefCell::new(None) };
            Ok(UserPool { inner: Rc::new(inner) })
        })()
        .map_err(to_js)
    }

    /// Registers a user; a confirmation code is usually sent (see `nextStep`).
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<SignUpOutput>")]
    pub fn sign_up(&self, #[wasm_bindgen(unchecked_param_type = "SignUpInput")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            let username = required(&input, "username")?;
            let password = opt_string(&input, "password")?;
            let call = inner.cfg.sign_up(&username, password.as_deref(), &option_map(&input, "userAttributes")?, &option_map(&input, "validationData")?, &option_map(&input, "clientMetadata")?);
            let body = inner.call(call).await?;
            let confirmed = get(&body, "UserConfirmed")?.as_bool().unwrap_or(false);
            let out = Object::new();
            set(&out, "isSignUpComplete", &JsValue::from_bool(confirmed));
            if let Some(sub) = str_field(&body, "UserSub") {
                set(&out, "userId", &JsValue::from_str(&sub));
            }
            set(&out, "nextStep", &next_step("signUpStep", if confirmed { "DONE" } else { "CONFIRM_SIGN_UP" }, &body)?);
            Ok(out.into())
        }))
    }

    #[wasm_bindgen(js_name = confirmSignUp, unchecked_return_type = "Promise<SignUpOutput>")]
    pub fn confirm_sign_up(&self, #[wasm_bindgen(unchecked_param_type = "{ username: string; confirmationCode: string }")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            let call = inner.cfg.confirm_sign_up(&required(&input, "username")?, &required(&input, "confirmationCode")?, None);
            let body = inner.call(call).await?;
            let out = Object::new();
            set(&out, "isSignUpComplete", &JsValue::TRUE);
            set(&out, "nextStep", &next_step("signUpStep", "DONE", &body)?);
            Ok(out.into())
        }))
    }

    #[wasm_bindgen(js_name = resendSignUpCode, unchecked_return_type = "Promise<CodeDeliveryDetails>")]
    pub fn resend_sign_up_code(&self, #[wasm_bindgen(unchecked_param_type = "{ username: string }")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            let body = inner.call(inner.cfg.resend_sign_up_code(&required(&input, "username")?)).await?;
            Ok(delivery_details(&get(&body, "CodeDeliveryDetails")?))
        }))
    }

    /// Starts a sign-in (USER_SRP_AUTH by default): either signed in, or a challenge to answer with
    /// `confirmSignIn`.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<SignInOutput>")]
    pub fn sign_in(&self, #[wasm_bindgen(unchecked_param_type = "SignInInput")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move { inner.sign_in(input).await }))
    }

    /// Answers the pending challenge. A wrong code can be retried while Cognito's session lasts.
    #[wasm_bindgen(js_name = confirmSignIn, unchecked_return_type = "Promise<SignInOutput>")]
    pub fn confirm_sign_in(&self, #[wasm_bindgen(unchecked_param_type = "ConfirmSignInInput")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move { inner.confirm_sign_in(input).await }))
    }

    /// The current session, refreshed when it is about to expire (or with `forceRefresh`); `null` when
    /// signed out. Concurrent calls share one refresh.
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "Promise<AuthSession | null>")]
    pub fn get_session(&self, #[wasm_bindgen(unchecked_param_type = "{ forceRefresh?: boolean }")] options: JsValue) -> Promise {
        let force = !is_absent(&options) && Reflect::get(&options, &JsValue::from_str("forceRefresh")).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        future_to_promise(get_session(self.inner.clone(), force))
    }

    /// Signs out here (and revokes the refresh token), or everywhere with `global: true` (GlobalSignOut).
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self, #[wasm_bindgen(unchecked_param_type = "{ global?: boolean }")] options: JsValue) -> Promise {
        let global = !is_absent(&options) && Reflect::get(&options, &JsValue::from_str("global")).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            if let Some(s) = inner.load().await? {
                let call = if global {
                    with_access_token("GlobalSignOut", &s.access_token, json::Object::new())
                } else {
                    inner.cfg.revoke_token(&s.refresh_token)
                };
                // Signing out locally must work offline too: the server-side part is best effort, except that
                // a global sign-out the network never delivered is reported.
                let result = inner.call(call).await;
                inner.clear().await?;
                inner.emit_user("signedOut", &s.username);
                if let Err(e) = result {
                    if global && e.code == crate::error::code::NETWORK_ERROR {
                        return Err(e);
                    }
                }
            } else {
                inner.clear().await?;
            }
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Sends a password-reset code.
    #[wasm_bindgen(js_name = resetPassword, unchecked_return_type = "Promise<{ nextStep: { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE'; codeDeliveryDetails?: CodeDeliveryDetails } }>")]
    pub fn reset_password(&self, #[wasm_bindgen(unchecked_param_type = "{ username: string }")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            let body = inner.call(inner.cfg.forgot_password(&required(&input, "username")?)).await?;
            let out = Object::new();
            set(&out, "nextStep", &next_step("resetPasswordStep", "CONFIRM_RESET_PASSWORD_WITH_CODE", &body)?);
            Ok(out.into())
        }))
    }

    #[wasm_bindgen(js_name = confirmResetPassword, unchecked_return_type = "Promise<void>")]
    pub fn confirm_reset_password(&self, #[wasm_bindgen(unchecked_param_type = "{ username: string; confirmationCode: string; newPassword: string }")] input: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(alloc::boxed::Box::pin(async move {
            let call = inner.cfg.confirm_forgot_password(&required(&input, "username")?, &required(&input, "confirmationCode")?, &required(&input, "newPassword")?);
            inner.call(call).await?;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Listens to `signedIn`, `signedOut`, `tokenRefresh` or `tokenRefreshFailure`.
    pub fn on(&self, #[wasm_bindgen(unchecked_param_type = "AuthEvent")] event: String, #[wasm_bindgen(unchecked_param_type = "(payload: AuthEventPayload) => void")] listener: Function) -> core::result::Result<(), JsValue> {
        if !EVENTS.contains(&event.as_str()) {
            return Err(to_js(invalid("event must be signedIn, signedOut, tokenRefresh or tokenRefreshFailure")));
        }
        self.inner.listeners.borrow_mut().push((event, listener));
        Ok(())
    }

    pub fn off(&self, #[wasm_bindgen(unchecked_param_type = "AuthEvent")] event: String, #[wasm_bindgen(unchecked_param_type = "(payload: AuthEventPayload) => void")] listener: Function) {
        self.inner.listeners.borrow_mut().retain(|(e, f)| !(e == &event && f == &listener));
    }
}
