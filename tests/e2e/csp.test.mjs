// Pages whose Content-Security-Policy header forbids WebAssembly: the ES module's import and the drop-in's
// `ready` reject with code CspBlocked (naming 'wasm-unsafe-eval'), and with 'wasm-unsafe-eval' in script-src both load
// and sign. The header is sent with the page (its response, through the browser's network layer), as a server would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e({ pkg: ['index.js', 'cognito-fetch.js', 'cognito_fetch_bg.wasm'] });
const WITHOUT = "default-src 'self'; script-src 'self'";
const WITH = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/** Opens `path` served with the header `Content-Security-Policy: policy`. */
const openWithCsp = (path, policy) => env.open('main', path, {
  waitUntil: 'domcontentloaded',
  beforeGoto: (p) => p.route((url) => url.pathname === path, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  }),
});

const presign = () => ({
  url: 'https://examplebucket.s3.amazonaws.com/k', expiresIn: 60, datetime: '20240102T030405Z',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const errorOf = (e) => ({ name: e?.name, code: e?.code, isError: e instanceof Error, message: e?.message, cause: e?.cause?.name });

test("the ES module's import rejects with CspBlocked when script-src lacks 'wasm-unsafe-eval'", TEST_TIMEOUT, async () => {
  const page = await openWithCsp('/tests/e2e/pages/blank.html', WITHOUT);
  const r = await page.evaluate(async (errorOfSrc) => {
    const errorOf = (0, eval)(errorOfSrc); // (run by the test driver, not subject to the page's CSP)
    return import('/pkg/index.js').then(() => 'loaded', errorOf);
  }, errorOf.toString()).catch((e) => ({ evaluateFailed: e.message }));
  assert.equal(r.code, 'CspBlocked', JSON.stringify(r));
  assert.deepEqual([r.name, r.isError, r.cause], ['CspBlocked', true, 'CompileError'], JSON.stringify(r));
  assert.match(r.message, /'wasm-unsafe-eval'/);
});

test("the drop-in's ready rejects with CspBlocked when script-src lacks 'wasm-unsafe-eval'", TEST_TIMEOUT, async () => {
  const page = await openWithCsp('/tests/e2e/pages/dropin.html', WITHOUT);
  const r = await page.evaluate(async (errorOfSrc) => {
    const errorOf = (0, eval)(errorOfSrc);
    return CognitoFetch.ready.then(() => 'loaded', errorOf);
  }, errorOf.toString());
  assert.equal(r.code, 'CspBlocked', JSON.stringify(r));
  assert.deepEqual([r.name, r.isError, r.cause], ['CspBlocked', true, 'CompileError'], JSON.stringify(r));
  assert.match(r.message, /'wasm-unsafe-eval'/);
});

test("with 'wasm-unsafe-eval' in script-src the ES module and the drop-in load and sign", TEST_TIMEOUT, async () => {
  const esm = await openWithCsp('/tests/e2e/pages/blank.html', WITH);
  const viaModule = await esm.evaluate(async (input) => (await import('/pkg/index.js')).presignUrl(input), presign());
  assert.match(viaModule, /^https:\/\/examplebucket\.s3\.amazonaws\.com\/k\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=[0-9a-f]{64}$/);

  const dropin = await openWithCsp('/tests/e2e/pages/dropin.html', WITH);
  const viaDropin = await dropin.evaluate(async (input) => (await CognitoFetch.ready).presignUrl(input), presign());
  assert.equal(viaDropin, viaModule, 'the same signature from both builds');
});
