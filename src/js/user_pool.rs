//! `UserPool`: sign-up, sign-in as a step machine (SRP by default), the session in storage with refresh,
//! sign-out and events. Protocol decisions are in [`crate::user_pool`]; this file sends, stores and converts.
//! State is per instance (several independent instances can live on one page).

use super::{claims, now_secs, opt_bool, promise, get, invalid, is_absent, num_field, opt_string, random_bytes, read_headers, set, str_field, to_js};
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
use wasm_bindgen_futures::JsFuture;

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

const EVENTS: [&str; 4] = ["signedIn", "signedOut", "tokenRefresh", "tokenRefreshFailure"];

/// A sign-in waiting for the user's answer to a challenge.
struct Pending {
    challenge: String,
    /// Kept in memory only while a USER_AUTH choice may still need it (PASSWORD / PASSWORD_SRP).
    password: Option<String>,
    /// USER_AUTH: the first factor chosen, waiting for the password.
    factor: Option<String>,
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
    app_name: String,
    /// signUp with autoSignIn: (username, password) in memory until confirmSignUp and autoSignIn.
    auto_sign_in: RefCell<Option<(String, String)>>,
}

#[wasm_bindgen(js_name = UserPool)]
pub struct UserPool {
    inner: Rc<Inner>,
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
    let available = get(body, "AvailableChallenges")?;
    let available = if Array::is_array(&available) { Array::from(&available).iter().filter_map(|v| v.as_string()).collect() } else { Vec::new() };
    Ok(Reply { challenge: str_field(body, "ChallengeName"), session: str_field(body, "Session"), params, tokens, available })
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

fn totp_details(secret: &str, app_name: &str, account: &str) -> JsValue {
    let d = Object::new();
    set(&d, "sharedSecret", &JsValue::from_str(secret));
    set(&d, "setupUri", &JsValue::from_str(&crate::user_pool::totp_uri(app_name, account, secret)));
    d.into()
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
        self.clock_offset.set(clock_offset(answer.server_date, now_secs(), self.clock_offset.get()));
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
        let Some(text) = self.storage.get(&key).await? else { return self.migrate().await };
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

    /// A session left by Amplify v6 or amazon-cognito-identity-js (`CognitoIdentityServiceProvider.<clientId>
    /// .LastAuthUser` and `.<username>.{idToken,accessToken,refreshToken,clockDrift}`), read once: it becomes
    /// our one record and their keys are removed, so switching libraries signs nobody out.
    async fn migrate(&self) -> Result<Option<Session>> {
        let prefix = cat(&["CognitoIdentityServiceProvider.", &self.cfg.client_id]);
        let last_key = cat(&[&prefix, ".LastAuthUser"]);
        let Some(user) = self.storage.get(&last_key).await?.filter(|u| !u.is_empty()) else { return Ok(None) };
        let key = |k: &str| cat(&[&prefix, ".", &user, ".", k]);
        let (id, access, refresh) = (self.storage.get(&key("idToken")).await?, self.storage.get(&key("accessToken")).await?, self.storage.get(&key("refreshToken")).await?);
        // amazon-cognito-identity-js: clockDrift = local clock minus the server's (from the token's iat), seconds.
        let drift = self.storage.get(&key("clockDrift")).await?.and_then(|d| d.trim().parse::<i64>().ok()).unwrap_or(0);
        for k in ["idToken", "accessToken", "refreshToken", "clockDrift", "userData", "signInDetails", "tokenScopesString"] {
            self.storage.remove(&key(k)).await?;
        }
        self.storage.remove(&last_key).await?;
        let (Some(id_token), Some(access_token), Some(refresh_token)) = (id.filter(|t| !t.is_empty()), access.filter(|t| !t.is_empty()), refresh.filter(|t| !t.is_empty())) else {
            return Ok(None);
        };
        let exp = claims(&access_token).and_then(|c| num_field(&c, "exp"));
        let Some(exp) = exp.filter(|e| e.is_finite()) else { return Ok(None) };
        let username = claims(&id_token).and_then(|c| str_field(&c, "cognito:username")).unwrap_or(user);
        let session = Session { username, id_token, access_token, refresh_token, expires_at: exp as i64, clock_offset: -drift };
        self.store(&session).await?;
        Ok(Some(session))
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
        Session::from_tokens(&username, tokens, refresh_token, exp, now_secs(), self.clock_offset.get())
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
                let mut session = reply.session.clone();
                if prompt.challenge == "MFA_SETUP" {
                    // TOTP is set up here. For SMS or email MFA, AWS's API reference (InitiateAuth, ChallengeName
                    // MFA_SETUP) says to give the user a phone_number or email attribute and start the sign-in again.
                    if !reply.param("MFAS_CAN_SETUP").unwrap_or("").contains("SOFTWARE_TOKEN_MFA") {
                        return Err(Error::new("MFAMethodNotFoundException", "this user must set up SMS or email MFA first: give the user a phone_number or email attribute (an administrator can), then sign in again"));
                    }
                    let body = self.call(crate::user_pool::associate_software_token(session.as_deref().unwrap_or(""))).await?;
                    let secret = str_field(&body, "SecretCode").ok_or_else(|| invalid("AssociateSoftwareToken answered without a SecretCode"))?;
                    session = str_field(&body, "Session").or(session);
                    set(&step, "totpSetupDetails", &totp_details(&secret, &self.app_name, sign_in_name));
                }
                if !reply.available.is_empty() {
                    set(&step, "availableChallenges", &reply.available.iter().map(|c| JsValue::from_str(c)).collect::<Array>());
                }
                // The password stays in memory only while a first-factor choice may need it.
                let password = self.pending.borrow_mut().take().and_then(|p| p.password).filter(|_| prompt.challenge == "SELECT_CHALLENGE");
                *self.pending.borrow_mut() = Some(Pending { challenge: prompt.challenge, password, factor: None, username, session, sign_in_name: sign_in_name.into() });
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
        let password = opt_string(&input, "password")?.filter(|p| !p.is_empty());
        let options = get(&input, "options")?;
        let flow = if is_absent(&options) { None } else { opt_string(&options, "authFlowType")? };
        let preferred = if is_absent(&options) { None } else { opt_string(&options, "preferredChallenge")? };
        let metadata = option_map(&input, "clientMetadata")?;
        if self.load().await?.is_some() {
            return Err(Error::new("UserAlreadyAuthenticatedException", "a user is already signed in: sign out first"));
        }
        self.pending.borrow_mut().take();
        let need_password = || password.clone().ok_or_else(|| invalid("password is required"));
        let reply = match flow.as_deref().unwrap_or("USER_SRP_AUTH") {
            "USER_SRP_AUTH" => {
                let password = need_password()?;
                let srp = srp::Session::start(&random_bytes::<32>()?)?;
                let first = read_reply(&self.call(self.cfg.initiate_srp(&username, &srp.srp_a(), &metadata)).await?)?;
                self.after_srp_start(&srp, first, &password).await?
            }
            "USER_PASSWORD_AUTH" => read_reply(&self.call(self.cfg.initiate_password(&username, &need_password()?, &metadata)).await?)?,
            "CUSTOM_WITH_SRP" => {
                let password = need_password()?;
                let srp = srp::Session::start(&random_bytes::<32>()?)?;
                let first = read_reply(&self.call(self.cfg.initiate_custom(&username, Some(&srp.srp_a()), &metadata)).await?)?;
                self.after_srp_start(&srp, first, &password).await?
            }
            "CUSTOM_WITHOUT_SRP" => read_reply(&self.call(self.cfg.initiate_custom(&username, None, &metadata)).await?)?,
            "USER_AUTH" => match preferred.as_deref() {
                Some("PASSWORD_SRP") => {
                    let password = need_password()?;
                    let srp = srp::Session::start(&random_bytes::<32>()?)?;
                    let params = vec![("SRP_A".to_owned(), srp.srp_a())];
                    let first = read_reply(&self.call(self.cfg.initiate_user_auth(&username, Some("PASSWORD_SRP"), params, &metadata)).await?)?;
                    self.after_srp_start(&srp, first, &password).await?
                }
                Some("PASSWORD") => {
                    let params = vec![("PASSWORD".to_owned(), need_password()?)];
                    read_reply(&self.call(self.cfg.initiate_user_auth(&username, Some("PASSWORD"), params, &metadata)).await?)?
                }
                Some(p @ ("EMAIL_OTP" | "SMS_OTP")) => read_reply(&self.call(self.cfg.initiate_user_auth(&username, Some(p), vec![], &metadata)).await?)?,
                Some(_) => return Err(invalid("preferredChallenge must be PASSWORD, PASSWORD_SRP, EMAIL_OTP or SMS_OTP")),
                None => {
                    let reply = read_reply(&self.call(self.cfg.initiate_user_auth(&username, None, vec![], &metadata)).await?)?;
                    // The password (if given) may be needed once the user picks PASSWORD or PASSWORD_SRP.
                    *self.pending.borrow_mut() = Some(Pending { challenge: String::new(), password, factor: None, username: username.clone(), session: None, sign_in_name: username.clone() });
                    reply
                }
            },
            _ => return Err(invalid("authFlowType must be USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH, CUSTOM_WITH_SRP or CUSTOM_WITHOUT_SRP")),
        };
        self.handle(reply, &username, &username).await
    }

    /// After an SRP start: answers PASSWORD_VERIFIER when that is what Cognito asks.
    async fn after_srp_start(&self, srp: &srp::Session, first: Reply, password: &str) -> Result<Reply> {
        if steps::next(&first)? == Next::PasswordVerifier {
            self.password_verifier(srp, &first, password).await
        } else {
            Ok(first)
        }
    }

    /// USER_AUTH: the first factor the user picked, with the password when it takes one.
    async fn choose_first_factor(&self, factor: &str, password: Option<String>, username: &str, session: Option<&str>) -> Result<Reply> {
        let answer = ("ANSWER".to_owned(), factor.to_owned());
        match (factor, password) {
            ("PASSWORD_SRP", Some(password)) => {
                let srp = srp::Session::start(&random_bytes::<32>()?)?;
                let first = read_reply(&self.call(self.cfg.respond("SELECT_CHALLENGE", username, vec![answer, ("SRP_A".into(), srp.srp_a())], session)).await?)?;
                self.after_srp_start(&srp, first, &password).await
            }
            ("PASSWORD", Some(password)) => read_reply(&self.call(self.cfg.respond("SELECT_CHALLENGE", username, vec![answer, ("PASSWORD".into(), password)], session)).await?),
            _ => read_reply(&self.call(self.cfg.respond("SELECT_CHALLENGE", username, vec![answer], session)).await?),
        }
    }

    /// Answers PASSWORD_VERIFIER. TIMESTAMP is on the server's clock, so a skewed device still signs in.
    async fn password_verifier(&self, srp: &srp::Session, reply: &Reply, password: &str) -> Result<Reply> {
        let p = |k: &'static str| reply.param(k).ok_or_else(|| Error::new(srp::INVALID_SRP, cat(&["the PASSWORD_VERIFIER challenge has no ", k])));
        let user_id = p("USER_ID_FOR_SRP")?;
        let secret_block = p("SECRET_BLOCK")?;
        let timestamp = srp::timestamp(now_secs() + self.clock_offset.get());
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
        let (challenge, username, session, sign_in_name, password, factor) = match self.pending.borrow().as_ref() {
            Some(p) => (p.challenge.clone(), p.username.clone(), p.session.clone(), p.sign_in_name.clone(), p.password.clone(), p.factor.clone()),
            None => return Err(Error::new("SignInException", "no sign-in is waiting for an answer: call signIn first")),
        };
        let answered = match (challenge.as_str(), factor) {
            // TOTP set-up: check the code against the new secret, then finish the MFA_SETUP challenge.
            ("MFA_SETUP", _) => async {
                let body = self.call(crate::user_pool::verify_software_token(session.as_deref().unwrap_or(""), &answer)).await?;
                let next_session = str_field(&body, "Session");
                if let Some(p) = self.pending.borrow_mut().as_mut() {
                    p.session = next_session.clone();
                }
                read_reply(&self.call(self.cfg.respond("MFA_SETUP", &username, vec![], next_session.as_deref())).await?)
            }
            .await,
            // USER_AUTH: the password for the factor picked before.
            ("SELECT_CHALLENGE", Some(factor)) => self.choose_first_factor(&factor, Some(answer.clone()), &username, session.as_deref()).await,
            ("SELECT_CHALLENGE", None) if matches!(answer.as_str(), "PASSWORD" | "PASSWORD_SRP") && password.is_none() => {
                if let Some(p) = self.pending.borrow_mut().as_mut() {
                    p.factor = Some(answer.clone());
                }
                let out = Object::new();
                let step = Object::new();
                set(&out, "isSignedIn", &JsValue::FALSE);
                set(&step, "signInStep", &JsValue::from_str("CONFIRM_SIGN_IN_WITH_PASSWORD"));
                set(&out, "nextStep", &step);
                return Ok(out.into());
            }
            ("SELECT_CHALLENGE", None) => self.choose_first_factor(&answer, password, &username, session.as_deref()).await,
            _ => {
                let responses = steps::responses(&challenge, &answer, &attributes)?;
                self.call(self.cfg.respond(&challenge, &username, responses, session.as_deref())).await.and_then(|b| read_reply(&b))
            }
        };
        match answered {
            Ok(reply) => self.handle(reply, &sign_in_name, &username).await,
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

#[wasm_bindgen]
extern "C" {
    /// Web Locks: one refresh at a time across every tab of the origin.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn lock_request(name: &str, options: &JsValue, callback: &JsValue) -> core::result::Result<Promise, JsValue>;
}

/// How long a tab that waited for another tab's refresh waits for that tab's write to reach its own copy of the
/// storage. Chromium hands `localStorage` changes to other tabs asynchronously, so right after the lock is
/// released here the record read may still be the old one.
const CROSS_TAB_WAIT_MS: u32 = 1500;
const CROSS_TAB_POLL_MS: u32 = 25;

/// One refresh, under a Web Lock named after the app client when the browser has them: a tab that waited for
/// the lock finds the tokens another tab just refreshed and does not refresh again (Cognito throttles, and a
/// rotated refresh token may only be used once).
async fn run_refresh(inner: Rc<Inner>, s: Session) -> Result<JsValue> {
    let name = cat(&["cognito-fetch.refresh.", &inner.cfg.client_id]);
    // First ask for the lock only if it is free: `null` means another tab (or instance) is refreshing.
    let first = inner.clone();
    let seen = s.access_token.clone();
    let try_first = Closure::once_into_js(move |lock: JsValue| -> Promise {
        promise(alloc::boxed::Box::pin(async move {
            if lock.is_null() {
                return Ok(JsValue::UNDEFINED);
            }
            locked_refresh(&first, &seen, false).await
        }))
    });
    let if_available = Object::new();
    set(&if_available, "ifAvailable", &JsValue::TRUE);
    let outcome = match lock_request(&name, &if_available, &try_first) {
        Ok(p) => JsFuture::from(p).await.map_err(super::from_js)?,
        // No Web Locks here (old browsers, Node): one refresh per page.
        Err(_) => return inner.refresh(s).await.map(JsValue::from_bool),
    };
    if !outcome.is_undefined() {
        return Ok(outcome);
    }
    // Contended: wait for the other refresh to finish, then use what it wrote.
    let waited = inner.clone();
    let seen = s.access_token.clone();
    let after_wait = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        promise(alloc::boxed::Box::pin(async move { locked_refresh(&waited, &seen, true).await }))
    });
    match lock_request(&name, &JsValue::UNDEFINED, &after_wait) {
        Ok(p) => JsFuture::from(p).await.map_err(super::from_js),
        Err(_) => inner.refresh(s).await.map(JsValue::from_bool),
    }
}

/// Under the lock: the stored session is used when it changed since `seen` (refreshed elsewhere, or signed out);
/// otherwise this tab refreshes. `waited`: another holder just had the lock, so its write may still be on its way.
async fn locked_refresh(inner: &Inner, seen: &str, waited: bool) -> Result<JsValue> {
    let mut waited_ms = 0;
    loop {
        match inner.load().await? {
            None => return Ok(JsValue::FALSE),
            Some(c) if c.access_token != seen => return Ok(JsValue::TRUE),
            Some(c) if !waited || waited_ms >= CROSS_TAB_WAIT_MS => return inner.refresh(c).await.map(JsValue::from_bool),
            Some(_) => {
                http::sleep(CROSS_TAB_POLL_MS).await;
                waited_ms += CROSS_TAB_POLL_MS;
            }
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = addEventListener, catch)]
    fn add_global_listener(event: &str, listener: &JsValue) -> core::result::Result<(), JsValue>;
}

/// Another tab changed this app client's session record: signed in, out, or refreshed there.
fn cross_tab_event(inner: &Inner, event: &JsValue) {
    if str_field(event, "key").as_deref() != Some(inner.cfg.storage_key().as_str()) {
        return;
    }
    let user = |k: &str| -> Option<(String, String)> {
        let r = JSON::parse(&str_field(event, k)?).ok()?;
        Some((str_field(&r, "username")?, str_field(&r, "accessToken")?))
    };
    match (user("oldValue"), user("newValue")) {
        (None, Some((u, _))) => inner.emit_user("signedIn", &u),
        (Some((u, _)), None) => inner.emit_user("signedOut", &u),
        (Some((old, a)), Some((new, b))) if old == new && a != b => inner.emit_user("tokenRefresh", &new),
        (Some((old, _)), Some((new, _))) if old != new => {
            inner.emit_user("signedOut", &old);
            inner.emit_user("signedIn", &new);
        }
        _ => {}
    }
}

async fn get_session(inner: Rc<Inner>, force: bool) -> Result<JsValue> {
    let Some(s) = inner.load().await? else { return Ok(JsValue::NULL) };
    let s = if force || s.needs_refresh(now_secs()) {
        // One refresh in flight per instance: concurrent callers wait for the same one.
        let refreshed = super::single_flight(&inner.refreshing, || alloc::boxed::Box::pin(run_refresh(inner.clone(), s))).await?;
        if !refreshed.is_truthy() {
            return Ok(JsValue::NULL);
        }
        match inner.load().await? {
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


/// The signed-in user's access token (refreshed if it is about to expire).
async fn access_token(inner: &Rc<Inner>) -> Result<String> {
    let session = get_session(inner.clone(), false).await?;
    if !session.is_object() {
        return Err(Error::new("UserUnAuthenticatedException", "nobody is signed in"));
    }
    str_field(&get(&session, "tokens")?, "accessToken").ok_or_else(|| Error::new("UserUnAuthenticatedException", "nobody is signed in"))
}

const MFA_TYPES: [(&str, &str, &str); 3] = [("SOFTWARE_TOKEN_MFA", "TOTP", "SoftwareTokenMfaSettings"), ("SMS_MFA", "SMS", "SMSMfaSettings"), ("EMAIL_OTP", "EMAIL", "EmailMfaSettings")];

/// fetchMFAPreference: GetUser, read for its MFA settings instead of its attributes.
const GET_USER_MFA: &str = "GetUser:MFA";

/// The account operations (one future type for all of them): `op` is the Cognito operation (or
/// [`GET_USER_MFA`], or `AutoSignIn`).
async fn account(inner: Rc<Inner>, op: &'static str, input: JsValue) -> Result<JsValue> {
    if op == "AutoSignIn" {
        let (username, password) = inner.auto_sign_in.borrow_mut().take().ok_or_else(|| Error::new("AutoSignInException", "no confirmed sign-up with autoSignIn is waiting"))?;
        let args = Object::new();
        set(&args, "username", &JsValue::from_str(&username));
        set(&args, "password", &JsValue::from_str(&password));
        return inner.sign_in(args.into()).await;
    }
    let token = access_token(&inner).await?;
    let body = match op {
        "UpdateUserAttributes" => json::Object::new().attributes("UserAttributes", &string_map(&get(&input, "userAttributes")?)?),
        "GetUserAttributeVerificationCode" => json::Object::new().str("AttributeName", &required(&input, "userAttributeKey")?),
        "VerifyUserAttribute" => json::Object::new().str("AttributeName", &required(&input, "userAttributeKey")?).str("Code", &required(&input, "confirmationCode")?),
        "ChangePassword" => json::Object::new().str("PreviousPassword", &required(&input, "oldPassword")?).str("ProposedPassword", &required(&input, "newPassword")?),
        "VerifySoftwareToken" => json::Object::new().str("UserCode", &required(&input, "code")?).opt_str("FriendlyDeviceName", opt_string(&input, "friendlyDeviceName")?.as_deref()),
        "SetUserMFAPreference" => {
            let mut b = json::Object::new();
            for (_, name, member) in MFA_TYPES {
                if let Some(choice) = opt_string(&input, &name.to_ascii_lowercase())? {
                    b = b.object(member, crate::user_pool::mfa_setting(&choice)?);
                }
            }
            b
        }
        _ => json::Object::new(),
    };
    let operation = if op == GET_USER_MFA { "GetUser" } else { op };
    let answer = inner.call(with_access_token(operation, &token, body)).await?;
    let out = Object::new();
    match op {
        GET_USER_MFA => {
            let list = get(&answer, "UserMFASettingList")?;
            let name = |c: &str| MFA_TYPES.iter().find(|(cognito, _, _)| *cognito == c).map(|(_, n, _)| JsValue::from_str(n));
            if Array::is_array(&list) {
                set(&out, "enabled", &Array::from(&list).iter().filter_map(|m| name(&m.as_string()?)).collect::<Array>());
            }
            if let Some(p) = str_field(&answer, "PreferredMfaSetting").and_then(|p| name(&p)) {
                set(&out, "preferred", &p);
            }
        }
        "GetUser" => {
            let attrs = get(&answer, "UserAttributes")?;
            if Array::is_array(&attrs) {
                for a in Array::from(&attrs).iter() {
                    if let (Some(n), Some(v)) = (str_field(&a, "Name"), str_field(&a, "Value")) {
                        set(&out, &n, &JsValue::from_str(&v));
                    }
                }
            }
        }
        "UpdateUserAttributes" => {
            let list = get(&answer, "CodeDeliveryDetailsList")?;
            let details: Array = if Array::is_array(&list) { Array::from(&list).iter().map(|d| delivery_details(&d)).collect() } else { Array::new() };
            set(&out, "codeDeliveryDetails", &details);
        }
        "GetUserAttributeVerificationCode" => return Ok(delivery_details(&get(&answer, "CodeDeliveryDetails")?)),
        "AssociateSoftwareToken" => {
            let secret = str_field(&answer, "SecretCode").ok_or_else(|| invalid("AssociateSoftwareToken answered without a SecretCode"))?;
            let username = inner.load().await?.map(|s| s.username).unwrap_or_default();
            return Ok(totp_details(&secret, &inner.app_name, &username));
        }
        "DeleteUser" => {
            let username = inner.load().await?.map(|s| s.username).unwrap_or_default();
            inner.clear().await?;
            inner.emit_user("signedOut", &username);
            return Ok(JsValue::UNDEFINED);
        }
        _ => return Ok(JsValue::UNDEFINED),
    }
    Ok(out.into())
}

fn account_promise(inner: &Rc<Inner>, op: &'static str, input: JsValue) -> Promise {
    promise(alloc::boxed::Box::pin(account(inner.clone(), op, input)))
}

#[wasm_bindgen(js_class = UserPool)]
impl UserPool {
    /// The signed-in user's attributes (from Cognito; they are never stored).
    #[wasm_bindgen(js_name = fetchUserAttributes, unchecked_return_type = "Promise<Record<string, string>>")]
    pub fn fetch_user_attributes(&self) -> Promise {
        account_promise(&self.inner, "GetUser", JsValue::UNDEFINED)
    }

    /// Changes attributes; changing a verified email or phone sends a code (see `codeDeliveryDetails`).
    #[wasm_bindgen(js_name = updateUserAttributes, unchecked_return_type = "Promise<{ codeDeliveryDetails: CodeDeliveryDetails[] }>")]
    pub fn update_user_attributes(&self, #[wasm_bindgen(unchecked_param_type = "{ userAttributes: Record<string, string> }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "UpdateUserAttributes", input)
    }

    #[wasm_bindgen(js_name = sendUserAttributeVerificationCode, unchecked_return_type = "Promise<CodeDeliveryDetails>")]
    pub fn send_user_attribute_verification_code(&self, #[wasm_bindgen(unchecked_param_type = "{ userAttributeKey: string }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "GetUserAttributeVerificationCode", input)
    }

    #[wasm_bindgen(js_name = confirmUserAttribute, unchecked_return_type = "Promise<void>")]
    pub fn confirm_user_attribute(&self, #[wasm_bindgen(unchecked_param_type = "{ userAttributeKey: string; confirmationCode: string }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "VerifyUserAttribute", input)
    }

    #[wasm_bindgen(js_name = updatePassword, unchecked_return_type = "Promise<void>")]
    pub fn update_password(&self, #[wasm_bindgen(unchecked_param_type = "{ oldPassword: string; newPassword: string }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "ChangePassword", input)
    }

    #[wasm_bindgen(js_name = updateMFAPreference, unchecked_return_type = "Promise<void>")]
    pub fn update_mfa_preference(&self, #[wasm_bindgen(unchecked_param_type = "{ totp?: MfaPreference; sms?: MfaPreference; email?: MfaPreference }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "SetUserMFAPreference", input)
    }

    #[wasm_bindgen(js_name = fetchMFAPreference, unchecked_return_type = "Promise<{ enabled?: MfaType[]; preferred?: MfaType }>")]
    pub fn fetch_mfa_preference(&self) -> Promise {
        account_promise(&self.inner, GET_USER_MFA, JsValue::UNDEFINED)
    }

    /// Starts TOTP set-up for the signed-in user; finish with `verifyTOTPSetup`.
    #[wasm_bindgen(js_name = setUpTOTP, unchecked_return_type = "Promise<TotpSetupDetails>")]
    pub fn set_up_totp(&self) -> Promise {
        account_promise(&self.inner, "AssociateSoftwareToken", JsValue::UNDEFINED)
    }

    #[wasm_bindgen(js_name = verifyTOTPSetup, unchecked_return_type = "Promise<void>")]
    pub fn verify_totp_setup(&self, #[wasm_bindgen(unchecked_param_type = "{ code: string; friendlyDeviceName?: string }")] input: JsValue) -> Promise {
        account_promise(&self.inner, "VerifySoftwareToken", input)
    }

    /// Deletes the signed-in user's account, then signs out.
    #[wasm_bindgen(js_name = deleteUser, unchecked_return_type = "Promise<void>")]
    pub fn delete_user(&self) -> Promise {
        account_promise(&self.inner, "DeleteUser", JsValue::UNDEFINED)
    }

    /// Signs in the user whose sign-up (with `autoSignIn`) was just confirmed.
    #[wasm_bindgen(js_name = autoSignIn, unchecked_return_type = "Promise<SignInOutput>")]
    pub fn auto_sign_in(&self) -> Promise {
        account_promise(&self.inner, "AutoSignIn", JsValue::UNDEFINED)
    }
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
            let app_name = opt_string(&options, "appName")?.unwrap_or_else(|| String::from("Cognito"));
            let inner = Inner {
                cfg,
                storage,
                pending: RefCell::new(None),
                clock_offset: Cell::new(0),
                listeners: RefCell::new(Vec::new()),
                refreshing: RefCell::new(None),
                app_name,
                auto_sign_in: RefCell::new(None),
            };
            let inner = Rc::new(inner);
            if inner.storage.is_local_storage() {
                // `storage` events come from other tabs only; the listener holds the instance weakly.
                let weak = Rc::downgrade(&inner);
                let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    if let Some(inner) = weak.upgrade() {
                        cross_tab_event(&inner, &event);
                    }
                });
                // Without a global event target (workers, Node) there are no other tabs to hear.
                if add_global_listener("storage", listener.as_ref()).is_ok() {
                    listener.forget();
                }
            }
            Ok(UserPool { inner })
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
            let options = get(&input, "options")?;
            let auto = !is_absent(&options) && opt_bool(&options, "autoSignIn")?.unwrap_or(false);
            if let (true, Some(p)) = (auto, password) {
                *inner.auto_sign_in.borrow_mut() = Some((username.clone(), p));
            }
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
            let username = required(&input, "username")?;
            let call = inner.cfg.confirm_sign_up(&username, &required(&input, "confirmationCode")?, None);
            let body = inner.call(call).await?;
            let auto = inner.auto_sign_in.borrow().as_ref().is_some_and(|(u, _)| *u == username);
            let out = Object::new();
            set(&out, "isSignUpComplete", &JsValue::TRUE);
            set(&out, "nextStep", &next_step("signUpStep", if auto { "COMPLETE_AUTO_SIGN_IN" } else { "DONE" }, &body)?);
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
        promise(alloc::boxed::Box::pin(get_session(self.inner.clone(), force)))
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
