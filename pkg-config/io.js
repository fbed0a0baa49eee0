// Browser I/O shared by the JS layer (aws.js, identity-pool.js, user-pool.js): coded errors, reading options and
// records, fetch, waits and storage. Protocol decisions are not made here: they are the wasm's synchronous steps.
import { _step } from './wasm.js';

/** A coded error, the shape of every error this library throws. */
export const fail = (code, message, retryable = false) => Object.assign(new Error(message), { name: code, code, retryable });
export const invalid = (message) => fail('InvalidArgument', message);
/** Calls the listeners (`[event, listener]` pairs) of `event` with `payload`. A listener that throws must not break
 *  the library: its error is dropped. */
export function emit(listeners, event, payload) {
  for (const [e, f] of listeners.slice()) {
    if (e !== event) continue;
    try {
      f.call(null, payload);
    } catch {}
  }
}

// The wasm's steps (src/js/mod.rs) take framed fields and a long text, and answer with one marked string. The
// framing is written by `join` and read by `fields`, here and nowhere else (Rust: `Fields`, `join`): each
// field is its length (UTF-16 code units, JS's `length`), ":", then the field, so any text crosses intact. A
// lone surrogate becomes U+FFFD on the way in (TextEncoder's rule, as fetch and URL send it), still one code
// unit: the fields after it keep their place. An answer is "=" and its text, or "!" and the fields code,
// message, retryable of a coded failure.
const broken = () => fail('InvalidResponse', 'the wasm answered with text that is not framed');
/** Framed text as its fields. */
const unframe = (t) => {
  const out = [];
  for (let i = 0; i < t.length; ) {
    const colon = t.indexOf(':', i);
    const digits = t.slice(i, colon);
    const end = colon + 1 + Number(digits);
    if (colon < 0 || !/^\d{1,10}$/.test(digits) || end > t.length) throw broken();
    out.push(t.slice(colon + 1, end));
    i = end;
  }
  return out;
};
/** A wasm failure text as the error to throw. */
export const failure = (t) => {
  if (t[0] !== '!') throw broken();
  const [code, message, retryable] = unframe(t.slice(1));
  return fail(code, message, retryable === '1');
};
/** A step's answer; its failure is thrown. */
export const ok = (t) => {
  if (t[0] === '=') return t.slice(1);
  throw failure(t);
};
/** A step's answer as its fields; its failure is thrown. */
export const fields = (t) => unframe(ok(t));
/** Fields for a step, arrays flattened: absent ones as "", booleans as "1" / "0", numbers as their text (the
 *  wasm reads integers). */
export const join = (...a) =>
  a.flat(Infinity).map((v) => {
    v = v == null ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    return v.length + ':' + v;
  }).join('');
/** Runs the wasm step `op` with `fields` and a long `text`: its answer, or its coded failure thrown. */
export const step = (op, fields = [], text = '') => ok(_step(op, join(fields), text));
/** `step`'s answer as its fields. */
export const stepFields = (op, f = [], text = '') => fields(_step(op, join(f), text));
/** The error of a step that always fails (it turns an answer into the service's coded error). */
export const stepError = (op, fields, text = '') => failure(_step(op, join(fields), text));
/** The bytes of an ArrayBuffer or of a view of one (typed array, DataView); undefined for anything else. */
export const bytesOf = (v) =>
  v instanceof ArrayBuffer ? new Uint8Array(v) : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined;
export const isObject = (v) => v !== null && typeof v === 'object';
/** `o[k]` as an optional string (absent: undefined; another type: InvalidArgument). */
export const optString = (o, k) => {
  const v = isObject(o) ? o[k] : undefined;
  if (v == null) return undefined;
  if (typeof v !== 'string') throw invalid(`${k} must be a string`);
  return v;
};
export const optBool = (o, k) => {
  const v = isObject(o) ? o[k] : undefined;
  if (v == null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${k} must be a boolean`);
  return v;
};
export const optNum = (o, k) => {
  const v = isObject(o) ? o[k] : undefined;
  if (v == null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`${k} must be a non-negative number`);
  return v;
};
/** `o[k]` when it is a string. */
export const str = (o, k) => (isObject(o) && typeof o[k] === 'string' ? o[k] : undefined);
/** `o[k]` when it is a non-empty string. */
export const nonEmpty = (o, k) => str(o, k) || undefined;
/** `obj[key]`, a non-empty string (otherwise InvalidArgument `<key> is required`). */
export function required(obj, key) {
  const v = optString(obj, key);
  if (!v) throw invalid(`${key} is required`);
  return v;
}
/** Name/value string pairs from a plain object, a `Headers` (any iterable of pairs) or an array of pairs. */
export function pairsOf(v) {
  if (v == null) return [];
  if (!isObject(v)) throw invalid('headers must be an object, a Headers or an array of [name, value] pairs');
  const entries = typeof v[Symbol.iterator] === 'function' ? Array.from(v) : Object.entries(v);
  return entries.map((e) => {
    if (!Array.isArray(e) || e.length !== 2) throw invalid('headers entries must be [name, value] pairs');
    if (typeof e[0] !== 'string' || typeof e[1] !== 'string') throw invalid('header names and values must be strings');
    return [e[0], e[1]];
  });
}

/** JSON text as an object; undefined when it is not JSON or not an object (a stored record gone bad). */
export const parseObject = (t) => {
  try {
    const r = JSON.parse(t);
    return isObject(r) ? r : undefined;
  } catch {
    return undefined;
  }
};
/** base64url text (padded or not) as bytes; throws (a DOMException) when it is not base64. */
export const base64UrlBytes = (text) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)), (c) => c.charCodeAt(0));
/** `n` secure random bytes as hex: `NoSecureRandom` (saying that no `what` can be made) without
 *  `crypto.getRandomValues`. */
export function randomHex(n, what = 'secure random number') {
  const b = new Uint8Array(n);
  try {
    crypto.getRandomValues(b);
  } catch {
    throw fail('NoSecureRandom', `crypto.getRandomValues is not available here, so no ${what} can be made`);
  }
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
/** The claims of a JWT (its base64url JSON payload; undefined when it is not one). */
export const claims = (token) => {
  try {
    const bytes = base64UrlBytes(token.split('.')[1]);
    return parseObject(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
};
export const nowSecs = () => Math.floor(Date.now() / 1000);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits before attempt `attempt + 1` (full jitter; no secure randomness needed). */
export const backOff = (attempt) => sleep(Number(step('backoff', [attempt, Math.floor(Math.random() * 4294967296)])));
/** `YYYYMMDDTHHMMSSZ` for a time in milliseconds. */
export const amzDate = (ms) => new Date(ms).toISOString().replace(/[-:]|\.\d+/g, '');
/** Sends one request: network failures are `NetworkError` (retryable), aborts `AbortError`. */
export async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw fail('AbortError', 'the request was aborted');
    throw fail('NetworkError', 'the request got no answer (offline, DNS, CORS or a closed connection)', true);
  }
}

/** The server's clock from an answer's `Date`, milliseconds (NaN without one). */
export const serverDate = (response) => Date.parse(response.headers.get('date') ?? '');

export async function text(response) {
  try {
    return await response.text();
  } catch {
    throw fail('NetworkError', 'the answer was cut off', true);
  }
}


/**
 * Where state is kept: `'local'` (default) or `'session'` (the Web Storage; memory where there is none, as in
 * Node or a sandboxed frame), `'memory'`, or a custom `{ getItem, setItem, removeItem }` (sync or async).
 * Every failure is a `StorageError`; values read are strings or null.
 *
 * `save` / `erase` never fail (they resolve to whether the storage took the write): when the storage refuses one
 * (quota exceeded, Safari's private mode, a custom storage that throws), the value is kept in memory for this
 * page (what `get` reads from then on) and `onError` gets `{ error: { name, code, message }, operation, key }`,
 * no value; what the storage already held is left as it was. `set` / `remove` throw instead (for values a later
 * page must find).
 */
export function storageOf(option, onError = () => {}) {
  const web = (name) => {
    try {
      const s = globalThis[name];
      return s && typeof s.getItem === 'function' ? s : undefined;
    } catch {
      return undefined;
    }
  };
  const memory = () => {
    const m = new Map();
    return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  };
  let s;
  if (option == null || option === 'local') s = web('localStorage') ?? memory();
  else if (option === 'session') s = web('sessionStorage') ?? memory();
  else if (option === 'memory') s = memory();
  else if (typeof option === 'string') throw invalid("storage must be 'local', 'session', 'memory' or {getItem, setItem, removeItem}");
  else if (isObject(option) && ['getItem', 'setItem', 'removeItem'].every((m) => typeof option[m] === 'function')) s = option;
  else throw invalid('a custom storage needs getItem, setItem and removeItem functions');
  const call = async (name, ...args) => {
    try {
      // A custom storage may answer with a Promise.
      return await s[name](...args);
    } catch {
      throw fail('StorageError', `the session storage failed in ${name}`);
    }
  };
  /** Values the storage refused, by key (null: a removal), read instead of the storage until a write succeeds. */
  const unsaved = new Map();
  const write = async (k, v) => {
    await (v === null ? call('removeItem', k) : call('setItem', k, v));
    unsaved.delete(k);
  };
  /** Whether the write reached the storage. */
  const keep = async (k, v) => {
    try {
      await write(k, v);
      return true;
    } catch (e) {
      unsaved.set(k, v);
      onError({ error: { name: e.name, code: e.code, message: e.message }, operation: v === null ? 'removeItem' : 'setItem', key: k });
      return false;
    }
  };
  return {
    get: async (k) => {
      if (unsaved.has(k)) return unsaved.get(k);
      const v = await call('getItem', k);
      return typeof v === 'string' ? v : null;
    },
    set: (k, v) => write(k, v),
    remove: (k) => write(k, null),
    save: (k, v) => keep(k, v),
    erase: (k) => keep(k, null),
    isLocal: s === web('localStorage'),
  };
}

/** `[kind, message]` of a JSON service's error: the body's `__type` (or the `x-amzn-ErrorType` header) and
 *  `message` / `Message`, as steps `jsonError` / `errorCode` read them. */
export const jsonErrorFields = (body, header) =>
  [str(body, '__type') ?? header ?? '', str(body, 'message') ?? str(body, 'Message') ?? ''];

/** A JSON service's answer (Cognito, DynamoDB): the parsed body when 2xx, otherwise its coded error (thrown). */
export async function jsonAnswer(response) {
  const t = await text(response);
  let body;
  try {
    body = t === '' ? {} : JSON.parse(t);
  } catch {}
  const status = response.status;
  if (status >= 200 && status < 300) {
    if (body === undefined) throw fail('InvalidResponse', 'the service answered with something that is not JSON');
    return body;
  }
  throw stepError('jsonError', [status, jsonErrorFields(body, response.headers.get('x-amzn-errortype'))]);
}

/** POSTs to an unsigned AWS JSON API (Cognito); resolves to `[parsed answer, server clock in ms or NaN]` or
 *  rejects with the service's coded error. */
export async function jsonCall(url, target, contentType, body) {
  const response = await send(url, { method: 'POST', headers: { 'content-type': contentType, 'x-amz-target': target }, body });
  return [await jsonAnswer(response), serverDate(response)];
}
