// UserPool: sign-up, sign-in as a step machine (SRP by default), the session in storage with refresh, sign-out,
// the account operations and events. This file sends, stores, locks and emits; the protocol steps are the wasm's
// (`step` in io.js): every request body (`upCall`, SECRET_HASH included), what an answer means (`upNext`),
// challenge responses (`upResponses`), the session record and its expiry on the server's clock (`upRecord`,
// `upNeedsRefresh`, `upClockOffset`), SRP (`SrpSession`, `srpTimestamp`) and TOTP URIs. State is per instance.
// The hosted UI / federated sign-in (OAuth 2.0 code + PKCE) is oauth.js's I/O over the wasm's `oauth*` steps.
import {
  fail, invalid, isObject, optString, str, nonEmpty, required, pairsOf, parseObject, nowSecs, sleep, storageOf, jsonCall, claims, step,
  stepFields, emit,
} from './io.js';
import { SrpSession } from './srp.js';
import { oauthConfig, callbackOf, cleanAddressBar, handOver, startRequest, takePending, checkCallback, postForm, checkedTokens, popupResult, logoutUrl, navigate } from './oauth.js';
import * as devices from './device.js';
import * as passkeys from './passkey.js';

const EVENTS = ['signedIn', 'signedOut', 'tokenRefresh', 'tokenRefreshFailure', 'signInWithRedirectFailure', 'storageError'];
const RECORD_VERSION = 1;
/** How long a tab that waited for another tab's refresh waits for that tab's write to reach its own copy of the
 *  storage: Chromium hands `localStorage` changes to other tabs asynchronously. */
const CROSS_TAB_WAIT_MS = 1500;
const CROSS_TAB_POLL_MS = 25;
const MFA_TYPES = [['SOFTWARE_TOKEN_MFA', 'TOTP'], ['SMS_MFA', 'SMS'], ['EMAIL_OTP', 'EMAIL']];

/** A map of strings (attributes, metadata) as flat `[name, value, ...]`. */
function flatMap(v) {
  try {
    return pairsOf(v).flat();
  } catch {
    throw invalid('attributes and metadata must be objects of strings');
  }
}
const optionMap = (input, key) => flatMap(isObject(input) && isObject(input.options) ? input.options[key] : undefined);

function deliveryDetails(d) {
  if (!isObject(d)) return undefined;
  const out = {};
  for (const [from, to] of [['Destination', 'destination'], ['DeliveryMedium', 'deliveryMedium'], ['AttributeName', 'attributeName']]) {
    if (typeof d[from] === 'string') out[to] = d[from];
  }
  return out;
}

/** `{ [key]: value, codeDeliveryDetails? }` from an answer's `CodeDeliveryDetails`. */
function nextStep(key, value, body) {
  const out = { [key]: value };
  const details = deliveryDetails(body.CodeDeliveryDetails);
  if (details) out.codeDeliveryDetails = details;
  return out;
}

/** InitiateAuth's or RespondToAuthChallenge's answer. */
function readReply(body) {
  const params = {};
  if (isObject(body.ChallengeParameters)) {
    for (const [k, v] of Object.entries(body.ChallengeParameters)) if (typeof v === 'string') params[k] = v;
  }
  const r = body.AuthenticationResult;
  const tokens = str(r, 'IdToken') !== undefined && str(r, 'AccessToken') !== undefined
    ? { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: str(r, 'RefreshToken'), expiresIn: typeof r.ExpiresIn === 'number' ? r.ExpiresIn : 3600 }
    : undefined;
  const available = Array.isArray(body.AvailableChallenges) ? body.AvailableChallenges.filter((c) => typeof c === 'string') : [];
  const device = isObject(r) && isObject(r.NewDeviceMetadata) ? r.NewDeviceMetadata : undefined;
  return { challenge: str(body, 'ChallengeName'), session: str(body, 'Session'), params, tokens, available, device };
}

export class UserPool {
  #client;
  #poolId;
  #clientId;
  #endpoint;
  #key;
  #storage;
  /** A sign-in waiting for the user's answer: { challenge, password?, factor?, username, session?, signInName }. */
  #pending;
  /** Server clock minus this device's, seconds. */
  #offset = 0;
  #listeners = [];
  #refreshing;
  #appName;
  /** signUp with autoSignIn: [username, password] in memory until confirmSignUp and autoSignIn. */
  #autoSignIn;
  /** The `oauth` option, checked (oauth.js `oauthConfig`), and the `endpoint` option as given. */
  #oauth;
  #customEndpoint;
  /** The sign-in request waiting for its redirect, in sessionStorage. */
  #pendingKey;
  /** The redirect this page came back with, being handled (`handleRedirect` returns it). */
  #redirect;
  /** The remembered device (device.js) of the sign-in in progress, and the name ConfirmDevice gives a new one. */
  #device;
  #deviceName;

  constructor(options) {
    if (!isObject(options)) throw invalid('expected {region, userPoolId, clientId}');
    const region = required(options, 'region');
    this.#poolId = required(options, 'userPoolId');
    this.#clientId = required(options, 'clientId');
    const [endpoint, key] = stepFields('upConfig', [region, this.#poolId, this.#clientId]);
    this.#client = [region, this.#poolId, this.#clientId, optString(options, 'clientSecret') ?? ''];
    this.#customEndpoint = optString(options, 'endpoint');
    this.#endpoint = this.#customEndpoint ?? endpoint;
    this.#key = key;
    this.#pendingKey = `${key}.oauth`;
    this.#oauth = oauthConfig(options.oauth);
    // A write the storage refuses keeps the session in memory for this page and emits `storageError`.
    this.#storage = storageOf(options.storage, (payload) => this.#emit('storageError', payload));
    this.#appName = optString(options, 'appName') ?? 'Cognito';
    if (this.#storage.isLocal && typeof globalThis.addEventListener === 'function') {
      // `storage` events come from other tabs only; the listener holds the instance weakly.
      const self = new WeakRef(this);
      globalThis.addEventListener('storage', (event) => self.deref()?.#crossTab(event));
    }
    // Back from the hosted UI: finish the sign-in (a popup's redirect page hands it to its opener instead).
    const cb = this.#pageCallback();
    if (cb && !handOver(cb, globalThis.location.href)) this.#redirect = this.#watched(this.#finishRedirect(cb, true));
  }

  /** The redirect parameters of this page's address when it is a hosted-UI callback (and `oauth` is set). */
  #pageCallback() {
    const here = globalThis.location?.href;
    return this.#oauth && typeof here === 'string' ? callbackOf(here) : undefined;
  }

  /** A redirect's handling, whose failure is also a `signInWithRedirectFailure` event (nobody may await it). */
  #watched(promise) {
    promise.catch((e) => this.#emit('signInWithRedirectFailure', { error: { name: String(e?.code ?? e?.name), message: String(e?.message ?? '') } }));
    return promise;
  }

  /** A callback `cb` of this tab's pending request: the code exchanged, the ID token checked, the session stored.
   *  Undefined when this tab has no pending request (not ours). `onPage`: the callback is this page's URL. */
  async #finishRedirect(cb, onPage) {
    const pending = takePending(this.#pendingKey);
    if (!pending) return undefined;
    // Before anything can fail or fire: the code and state leave the address bar and this history entry.
    if (onPage) cleanAddressBar(cb.clean);
    checkCallback(pending, cb);
    const [answer, date] = await postForm(this.#oauth, '/oauth2/token', this.#client, 'code', cb.code, pending.redirectUri, pending.verifier);
    this.#learnClock(date);
    const tokens = checkedTokens(answer, pending, this.#client, this.#customEndpoint, nowSecs() + this.#offset);
    const session = await this.#storeTokens(tokens, tokens.refreshToken, '', pending.method);
    this.#pending = undefined;
    const out = { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
    const payload = { username: session.username };
    if (typeof pending.customState === 'string') out.customState = payload.customState = pending.customState;
    this.#emit('signedIn', payload);
    return out;
  }

  /** The `oauth` option, or InvalidArgument naming what needs it. */
  #oauthOrFail(what) {
    if (!this.#oauth) throw invalid(`${what} needs the oauth option ({ domain, redirectSignIn, redirectSignOut, scopes })`);
    return this.#oauth;
  }

  async #noSession() {
    if (await this.#load()) throw fail('UserAlreadyAuthenticatedException', 'a user is already signed in: sign out first');
  }

  /** Sends the user to the hosted UI (or straight to `provider`); the page comes back signed in (`handleRedirect`). */
  async signInWithRedirect(input) {
    const cfg = this.#oauthOrFail('signInWithRedirect');
    await this.#noSession();
    navigate(startRequest(cfg, this.#clientId, this.#pendingKey, input, 'signInWithRedirect'));
  }

  /** The same sign-in in a popup window (call it from a click): resolves signed in, or rejects with a coded error
   *  (`PopupBlocked`, `PopupClosed`, `OAuthError` ...). */
  async signInWithPopup(input) {
    const cfg = this.#oauthOrFail('signInWithPopup');
    await this.#noSession();
    const href = await popupResult(startRequest(cfg, this.#clientId, this.#pendingKey, input, 'signInWithPopup'), this.#pendingKey);
    const cb = callbackOf(href);
    const out = cb && (await this.#watched(this.#finishRedirect(cb, false)));
    if (!out) throw fail('SignInException', 'the popup came back without a sign-in this tab is waiting for');
    return out;
  }

  /** The hosted-UI sign-in this page came back with: `{ isSignedIn, nextStep, customState? }`, undefined when the
   *  page is not a redirect this tab is waiting for, or its coded error. (The constructor starts it.) */
  handleRedirect() {
    if (this.#redirect) return this.#redirect;
    const cb = this.#pageCallback();
    if (!cb) return Promise.resolve(undefined);
    return (this.#redirect = this.#watched(this.#finishRedirect(cb, true)));
  }

  /** One call: the operation's strings `a` and up to three name/value maps, each flattened. */
  async #call(operation, a = [], ...maps) {
    const lists = [a, maps[0] ?? [], maps[1] ?? [], maps[2] ?? []].map((l) => [l.length, l]);
    const [target, body] = stepFields('upCall', [operation, this.#client, lists]);
    return this.#sendStep(target, body);
  }

  /** Learns the server's clock from an answer's `Date` (milliseconds; NaN when it had none). */
  #learnClock(date) {
    this.#offset = Number(step('upClockOffset', [Number.isFinite(date) ? Math.floor(date / 1000) : '', nowSecs(), this.#offset]));
  }

  #emit(event, payload) {
    emit(this.#listeners, event, payload);
  }

  #emitUser(event, username) {
    this.#emit(event, { username });
  }

  /** Another tab changed this app client's session record: signed in, out, or refreshed there. */
  #crossTab(event) {
    if (event.key !== this.#key) return;
    const user = (t) => {
      const r = typeof t === 'string' ? parseObject(t) : undefined;
      return str(r, 'username') !== undefined && str(r, 'accessToken') !== undefined ? [r.username, r.accessToken] : undefined;
    };
    const [before, after] = [user(event.oldValue), user(event.newValue)];
    if (!before && after) this.#emitUser('signedIn', after[0]);
    else if (before && !after) this.#emitUser('signedOut', before[0]);
    else if (before && after && before[0] === after[0] && before[1] !== after[1]) this.#emitUser('tokenRefresh', after[0]);
    else if (before && after && before[0] !== after[0]) {
      this.#emitUser('signedOut', before[0]);
      this.#emitUser('signedIn', after[0]);
    }
  }

  /** The stored session, if there is a valid one. A record that is corrupted, truncated, from another app client
   *  or of another format version means "signed out" and is removed; it never throws. */
  async #load() {
    const t = await this.#storage.get(this.#key);
    if (t === null) return this.#migrate();
    const r = parseObject(t);
    const fields = ['username', 'idToken', 'accessToken', 'refreshToken'];
    const ok = r && r.v === RECORD_VERSION && r.clientId === this.#clientId && fields.every((k) => nonEmpty(r, k))
      && Number.isFinite(r.expiresAt) && Number.isFinite(r.clockOffset);
    if (!ok) {
      await this.#storage.erase(this.#key);
      return undefined;
    }
    return r;
  }

  /** A session left by Amplify v6 or amazon-cognito-identity-js (`CognitoIdentityServiceProvider.<clientId>
   *  .LastAuthUser` and `.<username>.{idToken,accessToken,refreshToken,clockDrift}`), read once: it becomes our
   *  one record and their keys are removed, so switching libraries signs nobody out. */
  async #migrate() {
    const prefix = `CognitoIdentityServiceProvider.${this.#clientId}`;
    const last = `${prefix}.LastAuthUser`;
    const user = await this.#storage.get(last);
    if (!user) return undefined;
    const key = (k) => `${prefix}.${user}.${k}`;
    const values = [];
    for (const k of ['idToken', 'accessToken', 'refreshToken', 'clockDrift']) values.push(await this.#storage.get(key(k)));
    const [idToken, accessToken, refreshToken, drift] = values;
    const legacy = ['idToken', 'accessToken', 'refreshToken', 'clockDrift', 'userData', 'signInDetails', 'tokenScopesString'].map(key);
    const exp = accessToken ? claims(accessToken)?.exp : undefined;
    let session;
    if (idToken && accessToken && refreshToken && typeof exp === 'number' && Number.isFinite(exp)) {
      // amazon-cognito-identity-js: clockDrift = local clock minus the server's (from the token's iat), seconds.
      const d = typeof drift === 'string' && /^\s*[-+]?\d+\s*$/.test(drift) ? Number(drift) : 0;
      const name = claims(idToken)?.['cognito:username'];
      const [record, saved] = await this.#store(typeof name === 'string' ? name : user, { idToken, accessToken, expiresIn: 0 }, refreshToken, exp, -d);
      session = record;
      // Their keys are removed only once our record is stored: a storage that refused it keeps them for next time.
      if (!saved) return session;
    }
    for (const k of [...legacy, last]) await this.#storage.erase(k);
    return session;
  }

  /** Stores a session from tokens (expiry from the access token's `exp` when given): `[its record, whether the
   *  storage took it]` (when it did not, the record is kept in memory for this page and `storageError` emitted).
   *  `method`: `signInWithRedirect` / `signInWithPopup` for a hosted-UI session (kept through refreshes). */
  async #store(username, tokens, refreshToken, exp, offset, method = '') {
    const record = step('upRecord', [this.#clientId, username, tokens.idToken, tokens.accessToken, refreshToken, Math.trunc(tokens.expiresIn), Number.isFinite(exp) ? Math.trunc(exp) : '', nowSecs(), offset, method]);
    const saved = await this.#storage.save(this.#key, record);
    return [JSON.parse(record), saved];
  }

  async #storeTokens(tokens, refreshToken, fallbackUsername, method) {
    const access = claims(tokens.accessToken);
    const name = claims(tokens.idToken)?.['cognito:username'] ?? access?.username;
    const exp = typeof access?.exp === 'number' ? Math.trunc(access.exp) : NaN;
    return (await this.#store(typeof name === 'string' ? name : fallbackUsername, tokens, refreshToken, exp, this.#offset, method))[0];
  }

  async #clear() {
    this.#pending = undefined;
    await this.#storage.erase(this.#key);
  }

  /** Acts on Cognito's answer: signed in (store, emit), or a challenge for the user (remember it). */
  async #handle(reply, signInName, usernameForChallenges) {
    const next = step('upNext', [reply.challenge, reply.tokens !== undefined]);
    if (next === 'DONE') {
      if (!reply.tokens.refreshToken) throw invalid('Cognito returned no refresh token');
      const session = await this.#storeTokens(reply.tokens, reply.tokens.refreshToken, signInName);
      this.#pending = undefined;
      const deviceError = await this.#newDevice(reply.device, session);
      this.#emitUser('signedIn', session.username);
      return deviceError ? { isSignedIn: true, nextStep: { signInStep: 'DONE' }, deviceError } : { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
    }
    if (next === 'PASSWORD_VERIFIER') throw invalid('Cognito asked for a second SRP proof');
    if (next === 'DEVICE_SRP_AUTH') {
      const proof = await devices.answerDeviceSrp((op, a) => this.#call(op, a), readReply, reply, this.#device, usernameForChallenges, () => this.#srpTimestamp());
      return this.#handle(proof, signInName, usernameForChallenges);
    }
    if (next === 'DEVICE_PASSWORD_VERIFIER') throw invalid('Cognito asked for a device proof out of turn');
    if (next === 'WEB_AUTHN') return this.#handle(await passkeys.answerChallenge((op, a) => this.#call(op, a), readReply, reply, usernameForChallenges), signInName, usernameForChallenges);
    const p = reply.params;
    const username = p.USERNAME ?? usernameForChallenges;
    let session = reply.session;
    const shown = {};
    if (reply.challenge === 'MFA_SETUP') {
      // TOTP is set up here. For SMS or email MFA, AWS's API reference (InitiateAuth, ChallengeName MFA_SETUP)
      // says to give the user a phone_number or email attribute and start the sign-in again.
      if (!(p.MFAS_CAN_SETUP ?? '').includes('SOFTWARE_TOKEN_MFA')) {
        throw fail('MFAMethodNotFoundException', 'this user must set up SMS or email MFA first: give the user a phone_number or email attribute (an administrator can), then sign in again');
      }
      const body = await this.#call('AssociateSoftwareToken:Session', [session ?? '']);
      if (typeof body.SecretCode !== 'string') throw invalid('AssociateSoftwareToken answered without a SecretCode');
      session = str(body, 'Session') ?? session;
      shown.totpSetupDetails = { sharedSecret: body.SecretCode, setupUri: step('totpUri', [this.#appName, signInName, body.SecretCode]) };
    }
    if (reply.available.length > 0) shown.availableChallenges = reply.available;
    // The password stays in memory only while a first-factor choice may need it.
    const password = reply.challenge === 'SELECT_CHALLENGE' ? this.#pending?.password : undefined;
    this.#pending = { challenge: reply.challenge, password, factor: undefined, username, session, signInName };
    shown.signInStep = next;
    if (p.CODE_DELIVERY_DESTINATION !== undefined) {
      shown.codeDeliveryDetails = { destination: p.CODE_DELIVERY_DESTINATION };
      if (p.CODE_DELIVERY_DELIVERY_MEDIUM !== undefined) shown.codeDeliveryDetails.deliveryMedium = p.CODE_DELIVERY_DELIVERY_MEDIUM;
    }
    shown.additionalInfo = { ...p };
    return { isSignedIn: false, nextStep: shown };
  }

  /** An SRP start (`start(srpA)` sends it), answering PASSWORD_VERIFIER when that is what Cognito asks. */
  async #srp(password, start) {
    const srp = new SrpSession();
    const first = readReply(await start(srp.srpA));
    if (step('upNext', [first.challenge, first.tokens !== undefined]) !== 'PASSWORD_VERIFIER') return first;
    // TIMESTAMP is on the server's clock, so a skewed device still signs in.
    const p = first.params;
    for (const k of ['USER_ID_FOR_SRP', 'SECRET_BLOCK', 'SRP_B', 'SALT']) {
      if (p[k] === undefined) throw fail('InvalidSrpParameter', `the PASSWORD_VERIFIER challenge has no ${k}`);
    }
    const timestamp = this.#srpTimestamp();
    const claim = srp.passwordClaim({ userPoolId: this.#poolId, password, challengeParameters: p, timestamp });
    this.#device ??= await devices.loadDevice(this.#storage, this.#key, this.#clientId, p.USER_ID_FOR_SRP);
    const responses = ['PASSWORD_CLAIM_SECRET_BLOCK', p.SECRET_BLOCK, 'PASSWORD_CLAIM_SIGNATURE', claim.PASSWORD_CLAIM_SIGNATURE, 'TIMESTAMP', timestamp, ...this.#deviceKeyResponse()];
    return readReply(await this.#call('RespondToAuthChallenge', ['PASSWORD_VERIFIER', p.USERNAME ?? p.USER_ID_FOR_SRP, first.session ?? '', ...responses]));
  }

  /** USER_AUTH: the first factor the user picked, with the password when it takes one. */
  async #chooseFirstFactor(factor, password, username, session) {
    const respond = (...extra) => this.#call('RespondToAuthChallenge', ['SELECT_CHALLENGE', username, session ?? '', 'ANSWER', factor, ...extra]);
    if (factor === 'PASSWORD_SRP' && password) return this.#srp(password, (a) => respond('SRP_A', a));
    if (factor === 'PASSWORD' && password) return readReply(await respond('PASSWORD', password));
    return readReply(await respond());
  }

  /** Starts a sign-in (USER_SRP_AUTH by default): either signed in, or a challenge to answer with `confirmSignIn`. */
  async signIn(input) {
    const username = required(input, 'username');
    const password = optString(input, 'password') || undefined;
    const options = input.options;
    const flow = optString(options, 'authFlowType');
    const preferred = optString(options, 'preferredChallenge');
    const meta = optionMap(input, 'clientMetadata');
    if (await this.#load()) throw fail('UserAlreadyAuthenticatedException', 'a user is already signed in: sign out first');
    this.#pending = undefined;
    this.#deviceName = optString(options, 'deviceName');
    this.#device = await devices.loadDevice(this.#storage, this.#key, this.#clientId, username);
    const needPassword = () => {
      if (!password) throw invalid('password is required');
      return password;
    };
    const initiate = async (flowName, ...a) => readReply(await this.#call(flowName, [username, ...a], meta));
    let reply;
    switch (flow ?? 'USER_SRP_AUTH') {
      case 'USER_SRP_AUTH':
        reply = await this.#srp(needPassword(), (a) => this.#call('USER_SRP_AUTH', [username, a, this.#device?.deviceKey ?? ''], meta));
        break;
      case 'USER_PASSWORD_AUTH':
        reply = await initiate('USER_PASSWORD_AUTH', needPassword());
        break;
      case 'CUSTOM_WITH_SRP':
        reply = await this.#srp(needPassword(), (a) => this.#call('CUSTOM_AUTH', [username, a], meta));
        break;
      case 'CUSTOM_WITHOUT_SRP':
        reply = await initiate('CUSTOM_AUTH', '');
        break;
      case 'USER_AUTH':
        if (preferred === 'PASSWORD_SRP') reply = await this.#srp(needPassword(), (a) => this.#call('USER_AUTH', [username, 'PASSWORD_SRP', 'SRP_A', a], meta));
        else if (preferred === 'PASSWORD') reply = await initiate('USER_AUTH', 'PASSWORD', 'PASSWORD', needPassword());
        else if (preferred === 'EMAIL_OTP' || preferred === 'SMS_OTP' || preferred === 'WEB_AUTHN') reply = await initiate('USER_AUTH', preferred);
        else if (preferred !== undefined) throw invalid('preferredChallenge must be PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or WEB_AUTHN');
        else {
          reply = await initiate('USER_AUTH', '');
          // The password (if given) may be needed once the user picks PASSWORD or PASSWORD_SRP.
          this.#pending = { challenge: '', password, factor: undefined, username, session: undefined, signInName: username };
        }
        break;
      default:
        throw invalid('authFlowType must be USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH, CUSTOM_WITH_SRP or CUSTOM_WITHOUT_SRP');
    }
    return this.#handle(reply, username, username);
  }

  /** Answers the pending challenge. A wrong code can be retried while Cognito's session lasts. */
  async confirmSignIn(input) {
    const answer = required(input, 'challengeResponse');
    const attributes = optionMap(input, 'userAttributes');
    const p = this.#pending;
    if (!p) throw fail('SignInException', 'no sign-in is waiting for an answer: call signIn first');
    let reply;
    try {
      if (p.challenge === 'MFA_SETUP') {
        // TOTP set-up: check the code against the new secret, then finish the MFA_SETUP challenge.
        const body = await this.#call('VerifySoftwareToken:Session', [p.session ?? '', answer]);
        const next = str(body, 'Session');
        if (this.#pending) this.#pending.session = next;
        reply = readReply(await this.#call('RespondToAuthChallenge', ['MFA_SETUP', p.username, next ?? '']));
      } else if (p.challenge === 'SELECT_CHALLENGE' && p.factor) {
        // USER_AUTH: the password for the factor picked before.
        reply = await this.#chooseFirstFactor(p.factor, answer, p.username, p.session);
      } else if (p.challenge === 'SELECT_CHALLENGE' && (answer === 'PASSWORD' || answer === 'PASSWORD_SRP') && !p.password) {
        p.factor = answer;
        return { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_PASSWORD' } };
      } else if (p.challenge === 'SELECT_CHALLENGE') {
        reply = await this.#chooseFirstFactor(answer, p.password, p.username, p.session);
      } else {
        const responses = stepFields('upResponses', [p.challenge, attributes], answer);
        reply = readReply(await this.#call('RespondToAuthChallenge', [p.challenge, p.username, p.session ?? '', ...responses, ...this.#deviceKeyResponse()]));
      }
    } catch (e) {
      // A wrong code can be retried in the same Cognito session; an expired session cannot.
      if (e?.code === 'NotAuthorizedException') this.#pending = undefined;
      throw e;
    }
    return this.#handle(reply, p.signInName, p.username);
  }

  /** One refresh: new tokens (keeping a rotated refresh token), or signed out when the refresh token is revoked or
   *  expired. Falls back to REFRESH_TOKEN_AUTH where GetTokensFromRefreshToken is unavailable. */
  async #refresh(s) {
    let body;
    // A pool that remembers devices wants the confirmed device's key with every refresh.
    const deviceKey = (await devices.loadDevice(this.#storage, this.#key, this.#clientId, s.username))?.deviceKey ?? '';
    try {
      try {
        body = await this.#call('GetTokensFromRefreshToken', [s.refreshToken, deviceKey]);
      } catch (e) {
        if (!['UnknownOperationException', 'InvalidAction', 'UnsupportedOperationException'].includes(e?.code)) throw e;
        const sub = claims(s.idToken)?.sub;
        body = await this.#call('REFRESH_TOKEN_AUTH', [s.refreshToken, typeof sub === 'string' ? sub : s.username, deviceKey]);
      }
    } catch (e) {
      this.#emit('tokenRefreshFailure', { error: { name: String(e?.code ?? e?.name), message: String(e?.message ?? '') }, username: s.username });
      if (e?.code === 'NotAuthorizedException' || e?.code === 'RefreshTokenReuseException') {
        await this.#clear();
        this.#emitUser('signedOut', s.username);
        return false;
      }
      throw e;
    }
    const tokens = readReply(body).tokens;
    if (!tokens) throw invalid('the refresh returned no tokens');
    const fresh = await this.#storeTokens(tokens, tokens.refreshToken ?? s.refreshToken, s.username, str(s, 'signInMethod'));
    this.#emitUser('tokenRefresh', fresh.username);
    return true;
  }

  /** One refresh, under a Web Lock named after the app client where the browser has them: a tab that waited for
   *  the lock finds the tokens another tab just refreshed and does not refresh again (Cognito throttles, and a
   *  rotated refresh token may only be used once). */
  async #runRefresh(s) {
    const locks = globalThis.navigator?.locks;
    // No Web Locks here (old browsers, Node): one refresh per page.
    if (typeof locks?.request !== 'function') return this.#refresh(s);
    const name = `cognito-fetch.refresh.${this.#clientId}`;
    // First ask for the lock only if it is free: `null` means another tab (or instance) is refreshing.
    const first = await locks.request(name, { ifAvailable: true }, (lock) => (lock === null ? undefined : this.#lockedRefresh(s.accessToken, false)));
    if (first !== undefined) return first;
    // Contended: wait for the other refresh to finish, then use what it wrote.
    return locks.request(name, () => this.#lockedRefresh(s.accessToken, true));
  }

  /** Under the lock: the stored session is used when it changed since `seen` (refreshed elsewhere, or signed out);
   *  otherwise this tab refreshes. `waited`: another holder just had the lock, so its write may be on its way. */
  async #lockedRefresh(seen, waited) {
    for (let waitedMs = 0; ; waitedMs += CROSS_TAB_POLL_MS) {
      const c = await this.#load();
      if (!c) return false;
      if (c.accessToken !== seen) return true;
      if (!waited || waitedMs >= CROSS_TAB_WAIT_MS) return this.#refresh(c);
      await sleep(CROSS_TAB_POLL_MS);
    }
  }

  /** The current session, refreshed when it is about to expire (or with `forceRefresh`); `null` when signed out.
   *  Concurrent calls share one refresh. */
  async getSession(options) {
    const force = isObject(options) && options.forceRefresh === true;
    let s = await this.#load();
    if (!s) return null;
    if (force || step('upNeedsRefresh', [s.expiresAt, s.clockOffset, nowSecs()]) === '1') {
      // One refresh in flight per instance: concurrent callers wait for the same one.
      this.#refreshing ??= this.#runRefresh(s).finally(() => {
        this.#refreshing = undefined;
      });
      if (!(await this.#refreshing)) return null;
      s = await this.#load();
      if (!s) return null;
    }
    const out = { username: s.username, tokens: { idToken: s.idToken, accessToken: s.accessToken }, expiresAt: (s.expiresAt - s.clockOffset) * 1000 };
    out.signInMethod = str(s, 'signInMethod') ?? 'signIn';
    // A federated user's providers (the ID token's `identities`: Google, a SAML or OIDC provider ...).
    const ids = claims(s.idToken)?.identities;
    if (Array.isArray(ids)) {
      out.identities = ids.filter(isObject).map((i) => ({ providerName: str(i, 'providerName'), providerType: str(i, 'providerType'), userId: str(i, 'userId') }));
    }
    return out;
  }

  /** The signed-in user's access token (refreshed if it is about to expire). */
  async #accessToken() {
    const s = await this.getSession();
    if (!s) throw fail('UserUnAuthenticatedException', 'nobody is signed in');
    return s.tokens.accessToken;
  }

  /** A call authorised by the access token: `args(token)` gives the operation's strings. */
  async #account(operation, args = () => [], maps = () => []) {
    const token = await this.#accessToken();
    return this.#call(operation, [token, ...args()], maps());
  }

  /** Registers a user; a confirmation code is usually sent (see `nextStep`). */
  async signUp(input) {
    const username = required(input, 'username');
    const password = optString(input, 'password');
    const maps = ['userAttributes', 'validationData', 'clientMetadata'].map((k) => optionMap(input, k));
    const body = await this.#call('SignUp', [username, password ?? ''], ...maps);
    const options = input.options;
    if (isObject(options) && options.autoSignIn != null && typeof options.autoSignIn !== 'boolean') throw invalid('autoSignIn must be a boolean');
    if (isObject(options) && options.autoSignIn === true && password !== undefined) this.#autoSignIn = [username, password];
    const confirmed = body.UserConfirmed === true;
    const out = { isSignUpComplete: confirmed };
    if (typeof body.UserSub === 'string') out.userId = body.UserSub;
    out.nextStep = nextStep('signUpStep', confirmed ? 'DONE' : 'CONFIRM_SIGN_UP', body);
    return out;
  }

  async confirmSignUp(input) {
    const username = required(input, 'username');
    const body = await this.#call('ConfirmSignUp', [username, required(input, 'confirmationCode')]);
    const auto = this.#autoSignIn?.[0] === username;
    return { isSignUpComplete: true, nextStep: nextStep('signUpStep', auto ? 'COMPLETE_AUTO_SIGN_IN' : 'DONE', body) };
  }

  async resendSignUpCode(input) {
    const body = await this.#call('ResendConfirmationCode', [required(input, 'username')]);
    return deliveryDetails(body.CodeDeliveryDetails);
  }

  /** Signs in the user whose sign-up (with `autoSignIn`) was just confirmed. */
  async autoSignIn() {
    const waiting = this.#autoSignIn;
    this.#autoSignIn = undefined;
    if (!waiting) throw fail('AutoSignInException', 'no confirmed sign-up with autoSignIn is waiting');
    return this.signIn({ username: waiting[0], password: waiting[1] });
  }

  /** Signs out here (and revokes the refresh token), or everywhere with `global: true` (GlobalSignOut). With
   *  `redirect: true` the page then goes to the hosted UI's `/logout`, which ends its session too and comes back to
   *  `oauth.redirectSignOut`. */
  async signOut(options) {
    const global = isObject(options) && options.global === true;
    const logout = isObject(options) && options.redirect === true ? logoutUrl(this.#oauthOrFail('signOut({ redirect: true })'), this.#clientId) : undefined;
    const s = await this.#load();
    if (!s) {
      await this.#clear();
      if (logout) navigate(logout);
      return;
    }
    // Signing out locally must work offline too: the server-side part is best effort, except that a global
    // sign-out the network never delivered is reported.
    let error;
    try {
      if (global) await this.#call('GlobalSignOut', [s.accessToken]);
      // A hosted-UI session is revoked at the domain's /oauth2/revoke.
      else if (str(s, 'signInMethod') && this.#oauth) await postForm(this.#oauth, '/oauth2/revoke', this.#client, 'revoke', s.refreshToken);
      else await this.#call('RevokeToken', [s.refreshToken]);
    } catch (e) {
      error = e;
    }
    await this.#clear();
    this.#emitUser('signedOut', s.username);
    if (global && error?.code === 'NetworkError') throw error;
    if (logout) navigate(logout);
  }

  /** Sends a password-reset code. */
  async resetPassword(input) {
    const body = await this.#call('ForgotPassword', [required(input, 'username')]);
    return { nextStep: nextStep('resetPasswordStep', 'CONFIRM_RESET_PASSWORD_WITH_CODE', body) };
  }

  async confirmResetPassword(input) {
    await this.#call('ConfirmForgotPassword', [required(input, 'username'), required(input, 'confirmationCode'), required(input, 'newPassword')]);
  }

  /** The signed-in user's attributes (from Cognito; they are never stored). */
  async fetchUserAttributes() {
    const answer = await this.#account('GetUser');
    const out = {};
    for (const a of Array.isArray(answer.UserAttributes) ? answer.UserAttributes : []) {
      if (str(a, 'Name') !== undefined && str(a, 'Value') !== undefined) out[a.Name] = a.Value;
    }
    return out;
  }

  /** Changes attributes; changing a verified email or phone sends a code (see `codeDeliveryDetails`). */
  async updateUserAttributes(input) {
    const answer = await this.#account('UpdateUserAttributes', () => [], () => flatMap(isObject(input) ? input.userAttributes : undefined));
    const list = Array.isArray(answer.CodeDeliveryDetailsList) ? answer.CodeDeliveryDetailsList : [];
    return { codeDeliveryDetails: list.map(deliveryDetails) };
  }

  async sendUserAttributeVerificationCode(input) {
    const answer = await this.#account('GetUserAttributeVerificationCode', () => [required(input, 'userAttributeKey')]);
    return deliveryDetails(answer.CodeDeliveryDetails);
  }

  async confirmUserAttribute(input) {
    await this.#account('VerifyUserAttribute', () => [required(input, 'userAttributeKey'), required(input, 'confirmationCode')]);
  }

  async updatePassword(input) {
    await this.#account('ChangePassword', () => [required(input, 'oldPassword'), required(input, 'newPassword')]);
  }

  async updateMFAPreference(input) {
    await this.#account('SetUserMFAPreference', () => ['totp', 'sms', 'email'].map((k) => optString(input, k) ?? ''));
  }

  async fetchMFAPreference() {
    const answer = await this.#account('GetUser');
    const name = (c) => MFA_TYPES.find(([cognito]) => cognito === c)?.[1];
    const out = {};
    if (Array.isArray(answer.UserMFASettingList)) out.enabled = answer.UserMFASettingList.map(name).filter((n) => n !== undefined);
    const preferred = name(answer.PreferredMfaSetting);
    if (preferred !== undefined) out.preferred = preferred;
    return out;
  }

  /** Starts TOTP set-up for the signed-in user; finish with `verifyTOTPSetup`. */
  async setUpTOTP() {
    const answer = await this.#account('AssociateSoftwareToken');
    if (typeof answer.SecretCode !== 'string') throw invalid('AssociateSoftwareToken answered without a SecretCode');
    const username = (await this.#load())?.username ?? '';
    return { sharedSecret: answer.SecretCode, setupUri: step('totpUri', [this.#appName, username, answer.SecretCode]) };
  }

  async verifyTOTPSetup(input) {
    await this.#account('VerifySoftwareToken', () => [required(input, 'code'), optString(input, 'friendlyDeviceName') ?? '']);
  }

  /** Deletes the signed-in user's account, then signs out. */
  async deleteUser() {
    await this.#account('DeleteUser');
    const username = (await this.#load())?.username ?? '';
    await this.#clear();
    this.#emitUser('signedOut', username);
  }

  /** Listens to `signedIn` (after a hosted-UI sign-in with its `customState`), `signedOut`, `tokenRefresh`,
   *  `tokenRefreshFailure`, `signInWithRedirectFailure` or `storageError` (the storage refused a write: the
   *  session is kept in memory for this page; the payload holds no value). */
  on(event, listener) {
    if (!EVENTS.includes(event)) throw invalid(`event must be one of ${EVENTS.join(', ')}`);
    if (typeof listener !== 'function') throw invalid('listener must be a function');
    this.#listeners.push([event, listener]);
  }

  off(event, listener) {
    this.#listeners = this.#listeners.filter(([e, f]) => !(e === event && f === listener));
  }

  // --- Remembered devices (device.js) ---------------------------------------------------------------------------

  /** SRP's TIMESTAMP on the server's clock. */
  #srpTimestamp() {
    return step('srpTimestamp', [new Date((nowSecs() + this.#offset) * 1000).toUTCString()]);
  }

  /** `['DEVICE_KEY', key]` for challenge responses when this sign-in has a remembered device. */
  #deviceKeyResponse() {
    return this.#device ? ['DEVICE_KEY', this.#device.deviceKey] : [];
  }

  /** One call whose target and body a step made (`upCall`, and the devices' and passkeys' steps); the server's
   *  clock is learned from every answer. */
  async #sendStep(target, body) {
    const [answer, date] = await jsonCall(this.#endpoint, target, 'application/x-amz-json-1.1', body);
    this.#learnClock(date);
    return answer;
  }

  /** After a sign-in that returned NewDeviceMetadata: ConfirmDevice and the device record. A failed ConfirmDevice
   *  does not undo the sign-in (as in AWS's own clients): the device is then not stored, the next sign-in is a new
   *  device's, and the error comes back as the sign-in's `deviceError` (`{ name, message }`). */
  async #newDevice(metadata, session) {
    const name = this.#deviceName ?? globalThis.navigator?.userAgent?.slice(0, 1024);
    this.#device = undefined;
    if (!metadata) return undefined;
    try {
      await devices.confirmNewDevice((t, b) => this.#sendStep(t, b), this.#storage, this.#key, this.#clientId, session.username, metadata, session.accessToken, name);
      return undefined;
    } catch (e) {
      if (e?.code === 'StorageError') throw e;
      return { name: String(e?.code ?? e?.name), message: String(e?.message ?? '') };
    }
  }

  /** The signed-in user's device record here (undefined when this device is not tracked). */
  async #currentDevice() {
    const s = await this.#load();
    if (!s) throw fail('UserUnAuthenticatedException', 'nobody is signed in');
    return [await devices.loadDevice(this.#storage, this.#key, this.#clientId, s.username), await this.#accessToken()];
  }

  /** Remembers this device (UpdateDeviceStatus): later sign-ins here skip MFA where the pool allows it. */
  async rememberDevice() {
    const [device, token] = await this.#currentDevice();
    await devices.rememberDevice((t, b) => this.#sendStep(t, b), this.#storage, this.#key, this.#clientId, device, token);
  }

  /** Forgets a device (ForgetDevice): `deviceKey`, or this device (whose record is then removed). */
  async forgetDevice(input) {
    const deviceKey = optString(input, 'deviceKey');
    const [device, token] = await this.#currentDevice();
    await devices.forgetDevice((t, b) => this.#sendStep(t, b), this.#storage, this.#key, device, token, deviceKey);
  }

  /** The signed-in user's tracked devices: `[{ id, name?, attributes, createDate?, lastModifiedDate?,
   *  lastAuthenticatedDate? }]`. */
  async fetchDevices() {
    return devices.fetchDevices((t, b) => this.#sendStep(t, b), await this.#accessToken());
  }

  // --- Passkeys (passkey.js) ------------------------------------------------------------------------------------

  /** Registers a passkey for the signed-in user: StartWebAuthnRegistration, the browser's ceremony,
   *  CompleteWebAuthnRegistration. */
  async associateWebAuthnCredential() {
    await passkeys.associate((t, b) => this.#sendStep(t, b), await this.#accessToken());
  }

  /** One page of the signed-in user's passkeys: `{ credentials, nextToken? }` (`pageSize` 1 to 20). */
  async listWebAuthnCredentials(input) {
    const pageSize = input?.pageSize;
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 20)) throw invalid('pageSize must be an integer from 1 to 20');
    return passkeys.list((t, b) => this.#sendStep(t, b), await this.#accessToken(), pageSize, optString(input, 'nextToken'));
  }

  /** Deletes one of the signed-in user's passkeys. */
  async deleteWebAuthnCredential(input) {
    await passkeys.remove((t, b) => this.#sendStep(t, b), await this.#accessToken(), required(input, 'credentialId'));
  }
}
