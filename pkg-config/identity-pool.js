// IdentityPool: temporary AWS credentials for the signed-in user (the user pool's ID token in `Logins`, read from
// the UserPool on every call so it is always current; other providers' tokens from `logins`; a developer-
// authenticated identity's id and token from `developer`, which the app's backend got from
// GetOpenIdTokenForDeveloperIdentity) or for a guest. `customRoleArn` asks for one of the roles the pool's role
// mapping allows. The identity id is remembered per identity pool, so a returning visitor skips GetId and a guest
// who signs in keeps its id. Credentials stay in memory (persisting them is an option), are refreshed ahead of
// expiry on the server's clock with one refresh in flight, and are dropped when the user behind them changes or
// signs out. The protocol steps (request bodies, `Logins` checks, records, STS, refresh and staleness rules) are
// the wasm's `ip*` / `sts*` steps.
import {
  fail, invalid, isObject, optString, optBool, nonEmpty, required, pairsOf, parseObject, nowSecs, send, text, serverDate, storageOf,
  jsonCall, claims, step, stepFields, emit,
} from './io.js';

const RECORD_VERSION = 1;

/** Who the logins name: `provider:sub` for JWTs (the subject, so a refreshed token is the same user), the
 *  provider and a hash of the token otherwise; sorted, so the order of `Logins` does not matter. */
const principalOf = (logins) =>
  logins.map(([k, token]) => {
    const sub = claims(token)?.sub;
    return `${k}:${typeof sub === 'string' ? sub : step('sha256Hex', [], token)}`;
  }).sort().join(' ');

export class IdentityPool {
  #region;
  #poolId;
  #endpoint;
  #sts;
  #idKey;
  #credsKey;
  #storage;
  #userPool;
  #logins;
  #allowGuest;
  #basic;
  #persist;
  #developer;
  /** The developer identity last given by a `developer` function, `[identityId, token]`. */
  #developerLast;
  #role;
  /** `{ creds: [id, secret, token, expiration], issuedAt, identityId, principal }`, times on the server's clock. */
  #held;
  #refreshing;
  #listeners = [];
  /** Server clock minus this device's, seconds (from cognito-identity's `Date`). */
  #offset = 0;

  constructor(options) {
    if (!isObject(options)) throw invalid('expected {region, identityPoolId}');
    this.#region = required(options, 'region');
    this.#poolId = required(options, 'identityPoolId');
    const endpoint = optString(options, 'endpoint');
    const basic = options.basicFlow;
    let sts;
    if (basic != null) {
      sts = optString(basic, 'stsEndpoint');
      const d = basic.durationSeconds;
      if (typeof d === 'number' && !(d >= 900 && d <= 43200)) throw invalid('basicFlow.durationSeconds must be 900 to 43200');
      this.#basic = {
        authenticated: optString(basic, 'authenticatedRoleArn'),
        unauthenticated: optString(basic, 'unauthenticatedRoleArn'),
        duration: typeof d === 'number' ? Math.floor(d) : undefined,
      };
    }
    [this.#endpoint, this.#sts, this.#idKey, this.#credsKey] = stepFields('ipConfig', [this.#region, this.#poolId, endpoint, sts]);
    const userPool = options.userPool;
    if (userPool != null && !(isObject(userPool) && typeof userPool.getSession === 'function')) {
      throw invalid('userPool must be a UserPool (something with getSession())');
    }
    this.#userPool = userPool;
    // A write the storage refuses keeps the value in memory for this page and emits `storageError`.
    this.#storage = storageOf(options.storage, (payload) => this.#emit('storageError', payload));
    this.#logins = options.logins;
    const developer = options.developer;
    if (developer != null && typeof developer !== 'function' && !isObject(developer)) {
      throw invalid('developer must be { identityId, token } or a function that returns it');
    }
    this.#developer = developer;
    this.#role = optString(options, 'customRoleArn');
    if (this.#role !== undefined) {
      if (this.#basic) throw invalid('customRoleArn is for the enhanced flow (basicFlow names its roles)');
      step('ipRoleArn', [this.#role]);
    }
    this.#allowGuest = optBool(options, 'allowGuest') ?? true;
    this.#persist = optBool(options, 'persistCredentials') ?? false;
  }

  #learnClock(dateMs) {
    if (Number.isFinite(dateMs)) this.#offset = Math.floor(dateMs / 1000) - nowSecs();
  }

  #serverNow() {
    return nowSecs() + this.#offset;
  }

  async #call(operation, id, logins) {
    const role = operation === 'GetCredentialsForIdentity' ? this.#role : undefined;
    const [target, body] = stepFields('ipCall', [this.#region, this.#poolId, operation, id, role, logins]);
    const [answer, date] = await jsonCall(this.#endpoint, target, 'application/x-amz-json-1.1', body);
    this.#learnClock(date);
    return answer;
  }

  /** The developer-authenticated identity (`[identityId, token, reused]`), if the app has one. A `developer`
   *  function (a call to the app's backend) is asked only when credentials are fetched: with `reuse`, the
   *  identity it gave last is taken (`reused` true) to tell whether the credentials held are still its. */
  async #developerNow(reuse) {
    let d = this.#developer;
    if (typeof d === 'function') {
      if (reuse && this.#developerLast) return [...this.#developerLast, true];
      d = await d.call(null);
    }
    if (d == null) return (this.#developerLast = undefined);
    const identityId = optString(d, 'identityId');
    const token = optString(d, 'token');
    if (!identityId || !token) throw invalid('developer must give { identityId, token } (strings)');
    this.#developerLast = [identityId, token];
    return [identityId, token, false];
  }

  /** The `Logins` pairs now: the user pool's current ID token (if someone is signed in), the app's, and a
   *  developer-authenticated identity's token; and that identity (`#developerNow`). */
  async #currentLogins(reuse) {
    const out = [];
    if (this.#userPool != null) {
      const session = await this.#userPool.getSession();
      const token = isObject(session) && isObject(session.tokens) ? session.tokens.idToken : undefined;
      if (typeof token === 'string') {
        const iss = claims(token)?.iss;
        if (typeof iss !== 'string') throw invalid('the ID token has no issuer');
        out.push([step('ipLoginKey', [iss]), token]);
      }
    }
    let app = this.#logins;
    if (typeof app === 'function') app = await app.call(null);
    try {
      out.push(...pairsOf(app));
    } catch {
      throw invalid('logins must map provider names to token strings');
    }
    const developer = await this.#developerNow(reuse);
    if (developer) out.push([step('ipDeveloper', [developer[0]], developer[1]), developer[1]]);
    return [out, developer];
  }

  /** A stored record as an object; undefined when it is absent, unreadable or not JSON. */
  async #record(key) {
    try {
      const t = await this.#storage.get(key);
      return t === null ? undefined : parseObject(t);
    } catch {
      return undefined;
    }
  }

  async #storedIdentity() {
    const r = await this.#record(this.#idKey);
    if (!r || r.v !== RECORD_VERSION || typeof r.identityId !== 'string' || !r.identityId.includes(':') || typeof r.principal !== 'string') return undefined;
    return [r.identityId, r.principal];
  }

  /** The identity id to use for `principal`: the remembered one when it is theirs, or a guest's being upgraded at
   *  sign-in; otherwise a new one from GetId. Also whether the stored record already names `principal`. */
  async #identityId(logins, principal, given) {
    const stored = await this.#storedIdentity();
    if (given !== undefined) {
      // A developer-authenticated identity: its id comes with its token, no GetId.
      const recorded = stored !== undefined && stored[0] === given && stored[1] === principal;
      return [given, recorded];
    }
    if (stored) {
      const [id, owner] = stored;
      if (owner === principal || owner === '') return [id, owner === principal];
      // Another user's identity (they signed out, someone else signed in): never reuse it.
      await this.#storage.erase(this.#idKey);
    }
    const body = await this.#call('GetId', '', logins);
    if (typeof body.IdentityId !== 'string') throw fail('InvalidResponse', 'GetId answered without an IdentityId');
    await this.#storage.save(this.#idKey, step('ipIdentityRecord', [body.IdentityId, principal]));
    return [body.IdentityId, true];
  }

  /** Credentials for `identityId`: GetCredentialsForIdentity, or GetOpenIdToken + STS (basic flow). */
  async #exchange(identityId, logins, developerToken) {
    const basic = this.#basic;
    if (!basic) {
      const body = await this.#call('GetCredentialsForIdentity', identityId, logins);
      const c = isObject(body.Credentials) ? body.Credentials : {};
      const field = (k) => {
        const v = nonEmpty(c, k);
        if (v === undefined) throw fail('InvalidResponse', `GetCredentialsForIdentity answered without ${k}`);
        return v;
      };
      if (typeof c.Expiration !== 'number' || !Number.isFinite(c.Expiration)) throw fail('InvalidResponse', 'GetCredentialsForIdentity answered without Expiration');
      const creds = [field('AccessKeyId'), field('SecretKey'), field('SessionToken'), Math.floor(c.Expiration)];
      return [creds, typeof body.IdentityId === 'string' ? body.IdentityId : identityId];
    }
    // A developer-authenticated identity's token already is the OpenID token STS takes.
    const body = developerToken !== undefined ? { Token: developerToken, IdentityId: identityId } : await this.#call('GetOpenIdToken', identityId, logins);
    if (typeof body.Token !== 'string') throw fail('InvalidResponse', 'GetOpenIdToken answered without a Token');
    const id = typeof body.IdentityId === 'string' ? body.IdentityId : identityId;
    const role = logins.length === 0 ? basic.unauthenticated : basic.authenticated;
    if (role === undefined) {
      throw invalid(logins.length === 0 ? 'basicFlow.unauthenticatedRoleArn is needed for guests' : 'basicFlow.authenticatedRoleArn is needed for signed-in users');
    }
    const response = await send(this.#sts, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: step('stsForm', [role, basic.duration], body.Token),
    });
    this.#learnClock(serverDate(response));
    const [accessKeyId, secret, token, expiration] = stepFields('stsAnswer', [response.status], await text(response));
    return [[accessKeyId, secret, token, Number(expiration)], id];
  }

  /** Fetches new credentials for `principal` (a developer identity's `[identityId, token]` if there is one); a
   *  stale remembered identity id is replaced once, quietly. */
  async #fetch(logins, principal, developer) {
    const [given, developerToken] = developer ?? [];
    if (logins.length === 0 && !this.#allowGuest) {
      throw fail('NotAuthorizedException', 'nobody is signed in and guest access is off (allowGuest: false)');
    }
    let [identityId, recorded] = await this.#identityId(logins, principal, given);
    for (let retried = false; ; retried = true) {
      let creds, id;
      try {
        [creds, id] = await this.#exchange(identityId, logins, developerToken);
      } catch (e) {
        // A developer identity's id is the backend's to renew: no second try with GetId.
        if (retried || given !== undefined || step('ipStale', [String(e?.code ?? '')]) !== '1') throw e;
        await this.#storage.erase(this.#idKey);
        [identityId, recorded] = await this.#identityId(logins, principal);
        continue;
      }
      // A merged identity comes back under another id; a guest's id now belongs to the user.
      if (id !== identityId || !recorded) await this.#storage.save(this.#idKey, step('ipIdentityRecord', [id, principal]));
      const held = { creds, issuedAt: this.#serverNow(), identityId: id, principal };
      if (this.#persist) await this.#storage.save(this.#credsKey, step('ipCredentialsRecord', [creds, held.issuedAt, id, principal, this.#role]));
      return held;
    }
  }

  async #persisted(principal) {
    const r = await this.#record(this.#credsKey);
    if (!r || r.v !== RECORD_VERSION || r.principal !== principal || (r.role ?? '') !== (this.#role ?? '')) return undefined;
    const creds = [nonEmpty(r, 'accessKeyId'), nonEmpty(r, 'secretAccessKey'), nonEmpty(r, 'sessionToken'), r.expiration];
    const identityId = nonEmpty(r, 'identityId');
    if (creds.includes(undefined) || typeof r.expiration !== 'number' || typeof r.issuedAt !== 'number' || identityId === undefined) return undefined;
    return { creds, issuedAt: r.issuedAt, identityId, principal };
  }

  #fresh(held, principal) {
    return held.principal === principal && step('ipNeedsRefresh', [held.issuedAt, held.creds[3], this.#serverNow()]) !== '1';
  }

  #out(h) {
    const [accessKeyId, secretAccessKey, sessionToken, expiration] = h.creds;
    // On this device's clock, like every time this library hands out.
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date((expiration - this.#offset) * 1000), identityId: h.identityId, authenticated: h.principal !== '' };
  }

  /** Credentials for whoever is signed in now (or a guest), fetched or refreshed as needed. */
  async getCredentials(options) {
    const force = optBool(options, 'forceRefresh') ?? false;
    let [logins, developer] = await this.#currentLogins(true);
    let principal = principalOf(logins);
    if (!force && this.#held && this.#fresh(this.#held, principal)) return this.#out(this.#held);
    if (!force && this.#persist) {
      const h = await this.#persisted(principal);
      if (h && this.#fresh(h, principal)) {
        this.#held = h;
        return this.#out(h);
      }
    }
    // Credentials of someone else (signed out, another user) are dropped before anything else.
    if (this.#held && this.#held.principal !== principal) this.#held = undefined;
    // One fetch in flight: concurrent callers wait for the same one.
    if (!this.#refreshing) {
      this.#refreshing = (async () => {
        // Fetching: a developer identity's token is asked for anew (the one last given may have expired).
        if (developer?.[2]) {
          [logins, developer] = await this.#currentLogins(false);
          principal = principalOf(logins);
        }
        return this.#fetch(logins, principal, developer);
      })().then(
        (held) => { this.#held = held; this.#refreshing = undefined; },
        (e) => { this.#refreshing = undefined; throw e; },
      );
    }
    await this.#refreshing;
    if (!this.#held) throw fail('CredentialsError', 'the credentials were cleared while they were fetched');
    return this.#out(this.#held);
  }

  /** The identity id (fetching credentials first if there is none yet). */
  async getIdentityId() {
    return (await this.getCredentials()).identityId;
  }

  #emit(event, payload) {
    emit(this.#listeners, event, payload);
  }

  /** Listens to `storageError`: the storage refused a write (quota, private mode, a custom storage that
   *  throws); the value is kept in memory for this page. The payload (`{ error, operation, key }`) holds no value. */
  on(event, listener) {
    if (event !== 'storageError') throw invalid('event must be storageError');
    if (typeof listener !== 'function') throw invalid('listener must be a function');
    this.#listeners.push([event, listener]);
  }

  off(event, listener) {
    this.#listeners = this.#listeners.filter(([e, f]) => !(e === event && f === listener));
  }

  /** Forgets the credentials (memory and storage); `{ identityId: true }` also forgets the identity id. A storage
   *  that refuses the removal emits `storageError` (this page forgets them all the same). */
  async clear(options) {
    this.#held = undefined;
    this.#developerLast = undefined;
    await this.#storage.erase(this.#credsKey);
    if (optBool(options, 'identityId')) await this.#storage.erase(this.#idKey);
  }
}
