// Page-side helpers for the end-to-end tests (loaded with `await import('/tests/e2e/pages/lib.mjs')`
// inside page.evaluate). Everything returns plain JSON-able values so the Node side can assert on them.
import { signRequest, presignUrl } from '/pkg/index.js';

export { signRequest, presignUrl };

/** All 256 byte values, in order. */
export const bytes256 = () => Uint8Array.from({ length: 256 }, (_, i) => i);

/** SigV4 time format YYYYMMDDTHHMMSSZ for a Date. */
export const amzDate = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

/** Path-style S3 URL; every segment of the key percent-encoded (empty segments of `//` kept). */
export function s3Url(state, key = '', query = '') {
  const path = key === '' ? '' : '/' + key.split('/').map(encodeURIComponent).join('/');
  return `${state.endpoint}/${state.bucket}${path}${query ? '?' + query : ''}`;
}

export const toHex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** Reads a response into { status, headers, hex, text, code, message } (code/message: the AWS error). */
export async function summarize(res) {
  const buf = await res.arrayBuffer();
  const text = new TextDecoder().decode(buf);
  const out = { status: res.status, headers: Object.fromEntries(res.headers), hex: toHex(buf), text };
  if (res.status >= 300) Object.assign(out, awsError(text, res.headers));
  return out;
}

/** The AWS error code of a body: S3 XML <Code>, or DynamoDB JSON __type / x-amzn-ErrorType. */
export function awsError(text, headers) {
  if (text.trimStart().startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const get = (n) => doc.querySelector(n)?.textContent ?? null;
    return { code: get('Error > Code'), message: get('Error > Message') };
  }
  let json = {};
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  const type = json.__type ?? headers.get('x-amzn-errortype') ?? '';
  return { code: type.split('#').pop().split(':')[0] || null, message: json.message ?? json.Message ?? null };
}

/** Signs with the state's credentials (overridable through `opts`) and sends the request. */
export async function signedFetch(state, { method = 'GET', url, headers, body, sendBody = body, ...opts }) {
  const signed = await signRequest({
    method, url, headers, body, region: state.region, credentials: state.credentials, ...opts,
  });
  const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: sendBody });
  return { signed, ...(await summarize(res)) };
}

/** An S3 request on `key` (path-style) in the state's bucket. */
export const s3 = (state, { key = '', query = '', ...opts } = {}) =>
  signedFetch(state, { service: 's3', url: s3Url(state, key, query), ...opts });

/** PUTs all 256 byte values at key. */
export const putBytes256 = (state, key) => s3(state, { method: 'PUT', key, body: bytes256() });

/** A DynamoDB JSON request: op is e.g. 'PutItem'; payload gets TableName filled in. */
export async function ddb(state, op, payload, opts = {}) {
  const body = JSON.stringify({ TableName: state.table, ...payload });
  const r = await signedFetch(state, {
    method: 'POST', url: `${state.endpoint}/`, service: 'dynamodb', body,
    headers: { 'X-Amz-Target': `DynamoDB_20120810.${op}`, 'Content-Type': 'application/x-amz-json-1.0' },
    ...opts,
  });
  try { r.json = JSON.parse(r.text); } catch { r.json = null; }
  return r;
}

/** The <Key> values of a ListObjectsV2 XML body. */
export const listedKeys = (xml) =>
  [...new DOMParser().parseFromString(xml, 'application/xml').querySelectorAll('Contents > Key')].map((k) => k.textContent);

/** Runs fn and returns what it threw, as plain data (or { threw: false }). */
export async function caught(fn) {
  try {
    await fn();
    return { threw: false };
  } catch (e) {
    return { threw: true, isError: e instanceof Error, name: e?.name, code: e?.code, message: e?.message };
  }
}
