// signRequest and presignUrl: the caller's options read here, the signing done by the wasm's `_sign`
// (src/js/sigv4.rs over the Rust core's sigv4 module).
import { _sign } from './wasm.js';
import { fail, invalid, isObject, optString, optBool, pairsOf, join, ok, fields, bytesOf, amzDate } from './io.js';

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** The six URL fields of the wasm's steps, from the browser's own parser: what `fetch` sends is what is signed. */
export function urlFields(s) {
  let u;
  try {
    u = new URL(s);
  } catch {
    throw fail('InvalidUrl', 'url must be an absolute http(s) URL: it does not parse');
  }
  return [u.protocol, u.username || u.password ? '1' : '', u.host, u.hostname, u.pathname, u.search];
}

/** What a body is to the signer: `'bytes'` it can hash now (string, ArrayBuffer, view, none), or `'opaque'` (a
 *  Blob or stream, whose hash cannot be computed synchronously). */
export function bodyKind(b) {
  if (b == null || typeof b === 'string' || bytesOf(b)) return 'bytes';
  if (isObject(b) && (typeof b.arrayBuffer === 'function' || typeof b.getReader === 'function')) return 'opaque';
  throw fail('InvalidBody', 'body must be a string, an ArrayBuffer, a typed array, a Blob or null');
}

/** `[bytes to hash, "1" for a Blob or stream]` of a body. */
function bodyOf(b) {
  if (b == null) return [EMPTY, ''];
  if (typeof b === 'string') return [encoder.encode(b), ''];
  const bytes = bytesOf(b);
  if (bytes) return [bytes, ''];
  bodyKind(b); // a Blob or stream, or InvalidBody
  return [EMPTY, '1'];
}

function credentialsOf(c) {
  if (!isObject(c)) throw fail('MissingCredentials', 'credentials {accessKeyId, secretAccessKey, sessionToken?} are required');
  return ['accessKeyId', 'secretAccessKey', 'sessionToken'].map((k) => {
    const v = c[k];
    if (v != null && typeof v !== 'string') throw fail('MissingCredentials', `credentials.${k} must be a string`);
    return v;
  });
}

/** The wasm's answer to signing (read with `ok` or `fields`). */
function sign(mode, input, body, expiresIn) {
  if (!isObject(input)) throw invalid('expected an options object');
  const url = optString(input, 'url');
  if (url == null) throw fail('InvalidUrl', 'url is required');
  const [bytes, opaque] = bodyOf(body);
  const f = join(
    mode, expiresIn, urlFields(url), optString(input, 'service'), optString(input, 'region'), optString(input, 'datetime') ?? amzDate(Date.now()),
    ['normalizePath', 'doubleEncodePath', 'signSessionToken', 'signPayloadHeader', 'unsignedPayload'].map((k) => optBool(input, k)),
    credentialsOf(input.credentials), optString(input, 'method'), opaque, pairsOf(input.headers),
  );
  return _sign(f, bytes);
}

/** Signs a request with SigV4 (an `Authorization` header) and returns what `fetch` needs to send it. */
export function signRequest(input) {
  const [method, url, ...h] = fields(sign('h', input, isObject(input) ? input.body : undefined, ''));
  const headers = {};
  for (let i = 0; i < h.length; i += 2) headers[h[i]] = h[i + 1];
  return { method, url, headers };
}

/** A presigned URL: the signature in the query, usable by anyone (no credentials) until it expires. */
export function presignUrl(input) {
  const e = isObject(input) ? input.expiresIn : undefined;
  return ok(sign('q', input, undefined, typeof e === 'number' ? e : ''));
}
