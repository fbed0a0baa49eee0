// OAuth 2.0 authorization code + PKCE against the user pool's domain (hosted UI, federated providers): the browser
// I/O of UserPool's signInWithRedirect / signInWithPopup / handleRedirect and hosted sign-out. This file navigates,
// opens the popup, keeps the pending request in sessionStorage (this tab only), posts to the token endpoint and
// reads JSON; every protocol decision is a wasm step (src/js/oauth.rs over src/oauth.rs): the domain's origin,
// the verifier, state, nonce and S256 challenge (hashed in the wasm, so plain-http pages work without
// crypto.subtle), the authorize URL, the callback check, the token and revoke forms, the ID token's claims.
import { fail, invalid, isObject, optString, str, nowSecs, send, text, serverDate, parseObject, claims, step, stepFields, stepError, randomHex } from './io.js';

/** The `postMessage` a popup's redirect page sends its opener. */
const MESSAGE = 'cognito-fetch.oauth';
const POPUP_POLL_MS = 250;
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];
const FORM = 'application/x-www-form-urlencoded';

/** `v` as a list of URLs (one string or an array of strings). */
const urls = (v, key) => {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((u) => typeof u === 'string') ? v : undefined;
  if (!list?.length) throw invalid(`oauth.${key} must be a URL or an array of URLs`);
  return list;
};
/** Of several registered URLs, the one on this page's origin (else the first). */
const pick = (list) => list.find((u) => URL.canParse?.(u) && new URL(u).origin === globalThis.location?.origin) ?? list[0];

/** The `oauth` option, checked: `{ origin, redirectSignIn, redirectSignOut, scope }`, or undefined without one. */
export function oauthConfig(o) {
  if (o == null) return undefined;
  if (!isObject(o)) throw invalid('oauth must be { domain, redirectSignIn, redirectSignOut, scopes }');
  const responseType = optString(o, 'responseType');
  if (responseType !== undefined && responseType !== 'code') throw invalid("oauth.responseType must be 'code' (the implicit grant is not supported)");
  const scopes = o.scopes ?? ['openid'];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s && !s.includes(' '))) throw invalid('oauth.scopes must be an array of scope names');
  const signIn = urls(o.redirectSignIn, 'redirectSignIn');
  const signOut = o.redirectSignOut == null ? [] : urls(o.redirectSignOut, 'redirectSignOut');
  const scope = scopes.join(' ');
  const all = [...signIn, ...signOut];
  const origin = step('oauthConfig', [optString(o, 'domain') ?? '', scope, all.length, all]);
  return { origin, signIn, signOut, scope };
}

/** The redirect's parameters when `href` is a callback (it has a code, a state or an error), else undefined;
 *  `clean` is `href` without them. */
export function callbackOf(href) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  const p = u.searchParams;
  if (!p.has('code') && !p.has('state') && !p.has('error')) return undefined;
  const [code, state, error, description] = ['code', 'state', 'error', 'error_description'].map((k) => p.get(k) ?? '');
  for (const k of CALLBACK_PARAMS) p.delete(k);
  return { code, state, error, description, clean: u.href };
}

/** Removes the code and state from the address bar and from this history entry. */
export function cleanAddressBar(clean) {
  try {
    globalThis.history?.replaceState(globalThis.history.state, '', clean);
  } catch {}
}

/** On a popup's redirect page: hands the redirect to the opener (same origin only) and closes. True when done. */
export function handOver(cb, href) {
  const opener = globalThis.opener;
  if (!opener || opener === globalThis || step('oauthIsPopup', [cb.state]) !== '1') return false;
  cleanAddressBar(cb.clean);
  opener.postMessage({ type: MESSAGE, url: href }, globalThis.location.origin);
  globalThis.close();
  return true;
}

/** The provider option as `[named, custom]` for the wasm step (which refuses anything else: both set). */
const providerOf = (p) => (p == null ? ['', ''] : typeof p === 'string' && p ? [p, ''] : isObject(p) && typeof p.custom === 'string' && p.custom ? ['', p.custom] : ['?', '?']);

/** One sign-in request: keeps the pending record in `pending` (sessionStorage) and returns the authorize URL. */
export function startRequest(cfg, clientId, pendingKey, input, method) {
  const options = isObject(input) ? input.options : undefined;
  const hex = randomHex(96);
  const customState = optString(input, 'customState');
  const [url, record] = stepFields('oauthStart', [
    cfg.origin, clientId, pick(cfg.signIn), cfg.scope, providerOf(isObject(input) ? input.provider : undefined),
    optString(options, 'loginHint') ?? '', optString(options, 'lang') ?? '', optString(options, 'prompt') ?? '', hex, nowSecs(), method, customState ?? '',
  ]);
  // sessionStorage: this tab only, gone with it. Written synchronously, before any navigation or popup.
  try {
    globalThis.sessionStorage.setItem(pendingKey, record);
  } catch {
    throw fail('StorageError', 'the sign-in request cannot be kept: sessionStorage is not available');
  }
  return url;
}

/** The pending request of this tab, removed as it is read (a callback is checked once). */
export function takePending(pendingKey) {
  let t = null;
  try {
    t = globalThis.sessionStorage.getItem(pendingKey);
    globalThis.sessionStorage.removeItem(pendingKey);
  } catch {}
  const r = typeof t === 'string' ? parseObject(t) : undefined;
  const ok = r && r.v === 1 && ['state', 'verifier', 'nonce', 'redirectUri', 'method'].every((k) => str(r, k)) && Number.isFinite(r.expiresAt);
  return ok ? r : undefined;
}

export function dropPending(pendingKey) {
  try {
    globalThis.sessionStorage.removeItem(pendingKey);
  } catch {}
}

/** Whether the callback is to be exchanged (`false`: not this tab's, ignore); a refused one throws its coded error. */
export const checkCallback = (pending, cb) =>
  step('oauthCallback', [pending?.state ?? '', pending?.expiresAt ?? '', cb.code, cb.state, cb.error, cb.description, nowSecs()]) === '1';

/** POSTs a form to the domain (`/oauth2/token`, `/oauth2/revoke`): `[JSON answer or {}, server clock ms]`, or
 *  the endpoint's OAuth error thrown. */
export async function postForm(cfg, path, client, kind, ...a) {
  const [body, authorization] = stepFields('oauthTokenForm', [client[2], client[3], kind, ...a]);
  const headers = { 'content-type': FORM };
  if (authorization) headers.authorization = authorization;
  const response = await send(cfg.origin + path, { method: 'POST', headers, body });
  const t = await text(response);
  const answer = t === '' ? {} : parseObject(t);
  if (response.ok && answer) return [answer, serverDate(response)];
  if (answer && str(answer, 'error')) throw stepError('oauthError', [answer.error, str(answer, 'error_description') ?? '']);
  throw fail('InvalidResponse', `the ${path} endpoint answered HTTP ${response.status} without an OAuth error`, response.status >= 500);
}

/** The tokens of the token endpoint's answer, the ID token checked against the pending request. */
export function checkedTokens(answer, pending, client, endpoint, serverNow) {
  const [idToken, accessToken, refreshToken] = ['id_token', 'access_token', 'refresh_token'].map((k) => str(answer, k));
  if (!idToken || !accessToken || !refreshToken) throw fail('InvalidResponse', 'the token endpoint answered without an ID, access and refresh token');
  const c = claims(idToken) ?? {};
  const aud = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a) => typeof a === 'string') : [];
  const num = (v) => (Number.isSafeInteger(v) ? v : '');
  step('oauthIdToken', [str(c, 'iss') ?? '', num(c.exp), str(c, 'token_use') ?? '', str(c, 'nonce') ?? '', client[0], client[1], endpoint ?? '', client[2], pending.nonce, serverNow, aud.length, aud]);
  const expiresIn = Number.isFinite(answer.expires_in) ? answer.expires_in : 3600;
  return { idToken, accessToken, refreshToken, expiresIn };
}

/** Opens the popup (synchronously, from the user's click) and resolves to the redirect URL it hands back. */
export function popupResult(url, pendingKey) {
  const popup = globalThis.open?.(url, '_blank', 'popup,width=480,height=720');
  if (!popup) {
    dropPending(pendingKey);
    return Promise.reject(fail('PopupBlocked', 'the sign-in popup was blocked: call signInWithPopup from a click'));
  }
  return new Promise((resolve, reject) => {
    let closedPolls = 0;
    const end = () => {
      clearInterval(timer);
      globalThis.removeEventListener('message', onMessage);
    };
    const onMessage = (e) => {
      if (e.origin !== globalThis.location.origin || e.source !== popup || e.data?.type !== MESSAGE || typeof e.data.url !== 'string') return;
      end();
      resolve(e.data.url);
    };
    // Closed twice in a row: a message posted just before closing has had its turn.
    const timer = setInterval(() => {
      if (!popup.closed) return;
      if (++closedPolls < 2) return;
      end();
      dropPending(pendingKey);
      reject(fail('PopupClosed', 'the sign-in popup was closed before the sign-in finished'));
    }, POPUP_POLL_MS);
    globalThis.addEventListener('message', onMessage);
  });
}

/** `location.assign`, or a coded error where there is no page to send anywhere (Node, workers). */
function assign() {
  const l = globalThis.location;
  if (typeof l?.assign !== 'function') throw invalid('the hosted UI needs a browser page (location.assign)');
  return (url) => l.assign(url);
}

/** Sends the page to `url`. */
export const navigate = (url) => assign()(url);

/** The hosted UI's `/logout` URL for this page's sign-out URL (checked before anything is signed out). */
export function logoutUrl(cfg, clientId) {
  assign();
  if (!cfg.signOut.length) throw invalid('oauth.redirectSignOut is required to sign out of the hosted UI');
  return step('oauthLogout', [cfg.origin, clientId, pick(cfg.signOut)]);
}
