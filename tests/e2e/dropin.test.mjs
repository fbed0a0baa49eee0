// The drop-in build: pkg/cognito-fetch.js loaded by one classic <script> tag defines window.CognitoFetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e({ pkg: ['cognito-fetch.js', 'cognito_fetch_bg.wasm'] });
const prefix = runPrefix();
const DROPIN = '/tests/e2e/pages/dropin.html';

test('after CognitoFetch.ready, sign + PUT + GET an object from a classic-script page', TEST_TIMEOUT, async () => {
  const page = await env.open('main', DROPIN);
  const r = await page.evaluate(async ({ state, key }) => {
    const scripts = [...document.scripts].map((s) => ({ src: s.getAttribute('src'), type: s.type }));
    await CognitoFetch.ready;
    const url = `${state.endpoint}/${state.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const common = { url, region: state.region, service: 's3', credentials: state.credentials };
    const body = 'from the drop-in script ✓';
    const put = await CognitoFetch.signRequest({ ...common, method: 'PUT', body });
    const putRes = await fetch(put.url, { method: put.method, headers: put.headers, body });
    const get = await CognitoFetch.signRequest({ ...common, method: 'GET' });
    const getRes = await fetch(get.url, { method: get.method, headers: get.headers });
    return { scripts, put: putRes.status, putText: await putRes.text(), get: getRes.status, text: await getRes.text(), body };
  }, { state: env.state, key: prefix + 'drop in/ü.txt' });
  assert.deepEqual(r.scripts, [{ src: '/pkg/cognito-fetch.js', type: '' }], 'one classic script, nothing else');
  assert.equal(r.put, 200, r.putText);
  assert.equal(r.get, 200, r.text);
  assert.equal(r.text, r.body);
});

test('calls before CognitoFetch.ready throw an Error with code NotReady', TEST_TIMEOUT, async () => {
  let release, wasmRequested;
  const gate = new Promise((r) => { release = r; });
  const requested = new Promise((r) => { wasmRequested = r; });
  const page = await env.open('main', DROPIN, {
    waitUntil: 'domcontentloaded',
    // Hold the .wasm response until the early call has been made.
    beforeGoto: (p) => p.route('**/*.wasm', async (route) => { wasmRequested(true); await gate; await route.continue(); }),
  });
  const seen = await Promise.race([requested, new Promise((r) => setTimeout(r, 10_000, false).unref())]);
  assert.ok(seen, 'the script requests a .wasm file (held here until the early call is made)');
  const early = await page.evaluate(async (state) => {
    if (typeof CognitoFetch !== 'object' || !(CognitoFetch.ready instanceof Promise)) {
      return { defined: false };
    }
    try {
      const r = CognitoFetch.signRequest({
        method: 'GET', url: `${state.endpoint}/${state.bucket}/x`, region: state.region, service: 's3',
        credentials: state.credentials,
      });
      return { defined: true, threw: false, returned: typeof r?.then === 'function' ? 'a Promise' : typeof r };
    } catch (e) { // thrown synchronously, as the contract says
      return { defined: true, threw: true, isError: e instanceof Error, code: e?.code, message: e?.message };
    }
  }, env.state);
  release();
  assert.equal(early.defined, true, 'window.CognitoFetch and CognitoFetch.ready exist before the wasm loads');
  assert.deepEqual({ threw: early.threw, isError: early.isError, code: early.code },
    { threw: true, isError: true, code: 'NotReady' }, early.message ?? `returned ${early.returned}`);

  const late = await page.evaluate(async (state) => {
    await CognitoFetch.ready;
    const s = await CognitoFetch.signRequest({
      method: 'GET', url: `${state.endpoint}/${state.bucket}/x`, region: state.region, service: 's3',
      credentials: state.credentials,
    });
    return s.headers.authorization ?? null;
  }, env.state);
  assert.match(late ?? '', /^AWS4-HMAC-SHA256 Credential=/);
});

test('the drop-in throws coded Errors and keeps working afterwards', TEST_TIMEOUT, async () => {
  const page = await env.open('main', DROPIN);
  const r = await page.evaluate(async (state) => {
    await CognitoFetch.ready;
    let err = null;
    try {
      await CognitoFetch.signRequest({ method: 'GET', url: 'not a url', credentials: state.credentials });
    } catch (e) { err = { isError: e instanceof Error, code: e.code, name: e.name }; }
    const s = await CognitoFetch.signRequest({
      method: 'GET', url: `${state.endpoint}/${state.bucket}`, region: state.region, service: 's3',
      credentials: state.credentials,
    });
    const res = await fetch(s.url, { headers: s.headers });
    return { err, status: res.status };
  }, env.state);
  assert.deepEqual(r.err?.isError, true);
  assert.equal(r.err.code, 'InvalidUrl');
  assert.equal(r.status, 200);
});

test('the drop-in constructs classes (S3, UserPool ...), also through a reference kept from before ready', TEST_TIMEOUT, async () => {
  const page = await env.open('main', DROPIN, { waitUntil: 'domcontentloaded' });
  const r = await page.evaluate(async ({ state, key }) => {
    const EarlyS3 = CognitoFetch.S3; // taken before the module is ready
    const api = await CognitoFetch.ready;
    const early = new EarlyS3({ bucket: state.bucket, region: state.region, endpoint: state.endpoint, credentials: state.credentials });
    const late = new api.S3({ bucket: state.bucket, region: state.region, endpoint: state.endpoint, credentials: state.credentials });
    await early.putObject(key, 'built by the drop-in');
    const pool = new CognitoFetch.UserPool({ region: state.region, userPoolId: state.userPoolId, clientId: state.clientId, endpoint: `${state.endpoint}/`, storage: 'memory' });
    return {
      text: await (await late.getObject(key)).text(),
      instance: late instanceof CognitoFetch.S3,
      earlyHasMethods: typeof early.getObject === 'function',
      session: await pool.getSession(),
    };
  }, { state: env.state, key: prefix + 'drop in/classes.txt' });
  assert.deepEqual(r, { text: 'built by the drop-in', instance: true, earlyHasMethods: true, session: null });
});

test('the wasm loads when a server sends it without application/wasm, and a missing one rejects ready with LoadError', TEST_TIMEOUT, async () => {
  // Served as application/octet-stream: compiled from its bytes instead of while streaming.
  const plain = await env.open('main', DROPIN, {
    beforeGoto: (p) => p.route('**/*.wasm', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
    }),
  });
  const loaded = await plain.evaluate(async () => {
    await CognitoFetch.ready;
    return CognitoFetch.presignUrl({
      url: 'https://examplebucket.s3.amazonaws.com/k', expiresIn: 60, datetime: '20240102T030405Z',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
  });
  assert.match(loaded, /^https:\/\/examplebucket\.s3\.amazonaws\.com\/k\?X-Amz-Algorithm=AWS4-HMAC-SHA256&/);

  const missing = await env.open('main', DROPIN, {
    waitUntil: 'domcontentloaded',
    beforeGoto: (p) => p.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'not found' })),
  });
  const err = await missing.evaluate(() => CognitoFetch.ready.then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message })));
  assert.equal(err?.code, 'LoadError', JSON.stringify(err));
  assert.match(err.message, /HTTP 404/);
});
