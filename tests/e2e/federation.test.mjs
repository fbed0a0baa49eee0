// Hosted UI / federated sign-in (OAuth 2.0 code + PKCE) in Chromium against local-aws's hosted UI and its OIDC
// IdP: real redirects across three origins (the app on http://localhost:<port>, local-aws's
// <prefix>.auth.localhost domain, the IdP). The app page is tests/e2e/pages/oauth.html (its own callback URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { e2e, launchBrowser, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const APP = '/tests/e2e/pages/oauth.html';
const appUrl = () => env.localhost.url + APP;
const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** The app page in a fresh context, ready (its UserPool built, any redirect handled). */
async function openApp(path = APP, { browser } = {}) {
  const ctx = await (browser ?? env.browser).newContext();
  env.pages.push(ctx);
  const page = await ctx.newPage();
  await page.goto(env.localhost.url + path);
  if (path.startsWith(APP)) await page.waitForFunction(() => window.t?.redirect !== undefined);
  return page;
}

/** Waits for the app page (after a navigation back to it) to have handled its redirect. */
const settled = (page) => page.waitForFunction(() => window.t?.redirect !== undefined, null, { timeout: 30_000 }).then(() => page.evaluate(() => ({
  redirect: window.t.redirect, events: window.t.events, href: location.href, historyLength: history.length,
})));

/** Starts `signInWithRedirect(input)` on `page` with the hosted UI answered by a stub page (no server needed):
 *  resolves to the authorize URL's parameters and the pending record kept in sessionStorage. */
async function startStubbed(page, input) {
  const domain = await page.evaluate(() => new URL(window.t.options.oauth.domain).origin);
  await page.route(`${domain}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>hosted UI stub</p>' }));
  const request = page.waitForRequest((r) => r.url().startsWith(`${domain}/oauth2/authorize`));
  await page.evaluate((i) => { window.t.pool.signInWithRedirect(i); }, input);
  const url = new URL((await request).url());
  await page.waitForURL((u) => u.origin === domain);
  // Back on the app's origin in the same tab: its sessionStorage.
  await page.goto(env.localhost.url + '/tests/e2e/pages/blank.html');
  const key = `cognito-fetch.${env.state.hostedUi?.clientId ?? env.state.clientId}.oauth`;
  const record = await page.evaluate((k) => sessionStorage.getItem(k), key);
  await page.unroute(`${domain}/**`);
  return { params: Object.fromEntries(url.searchParams), record: JSON.parse(record), key, path: url.pathname };
}

test('the authorize request: PKCE S256 from the wasm, state and nonce from getRandomValues, kept in sessionStorage', TEST_TIMEOUT, async () => {
  const page = await openApp();
  const { params, record, path } = await startStubbed(page, { provider: { custom: 'LocalOIDC' }, customState: 'back to /x', options: { loginHint: 'ann@example.com', lang: 'fr', prompt: 'login' } });
  assert.equal(path, '/oauth2/authorize');
  assert.deepEqual(Object.keys(params), ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'identity_provider', 'login_hint', 'lang', 'prompt']);
  assert.equal(params.response_type, 'code');
  assert.equal(params.redirect_uri, appUrl());
  assert.equal(params.scope, 'openid email profile aws.cognito.signin.user.admin');
  assert.equal(params.identity_provider, 'LocalOIDC');
  assert.equal(params.code_challenge_method, 'S256');
  assert.match(record.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(params.code_challenge, b64url(createHash('sha256').update(record.verifier).digest()));
  assert.equal(params.state, record.state);
  assert.equal(params.nonce, record.nonce);
  assert.ok(!Object.values(params).includes(record.verifier), 'the verifier never leaves the tab');
  assert.equal(record.customState, 'back to /x');
  assert.equal(record.method, 'signInWithRedirect');
  assert.ok(record.expiresAt > Date.now() / 1000 && record.expiresAt <= Date.now() / 1000 + 600);
  // Another tab of the same origin has no pending request: sessionStorage is this tab's.
  const other = await openApp('/tests/e2e/pages/blank.html');
  assert.equal(await other.evaluate(() => sessionStorage.length), 0);
});

test('a plain-http page (no secure context, no crypto.subtle) builds the same PKCE request', TEST_TIMEOUT, async () => {
  const browser = await launchBrowser(['--host-resolver-rules=MAP app.test 127.0.0.1']);
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const port = new URL(env.main.url).port;
    await page.route('http://stub.auth.localhost:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>stub</p>' }));
    await page.goto(`http://app.test:${port}/tests/e2e/pages/blank.html`);
    const request = page.waitForRequest((q) => q.url().startsWith('http://stub.auth.localhost:9/'));
    const r = await page.evaluate(async (callback) => {
      const { UserPool } = await import('/pkg/index.js');
      const s = await (await fetch('/local-aws.json')).json();
      // Cognito takes http callbacks on localhost only, so the callback is there; the request is built here.
      const pool = new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, oauth: { domain: 'http://stub.auth.localhost:9', redirectSignIn: callback } });
      const secure = isSecureContext;
      const subtle = typeof crypto.subtle;
      pool.signInWithRedirect({ provider: 'Google' });
      return { secure, subtle, key: `cognito-fetch.${s.clientId}.oauth` };
    }, appUrl());
    const url = new URL((await request).url());
    await page.goto(`http://app.test:${port}/tests/e2e/pages/blank.html`);
    const record = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), r.key));
    assert.equal(r.secure, false);
    assert.equal(r.subtle, 'undefined');
    assert.equal(url.origin + url.pathname, 'http://stub.auth.localhost:9/oauth2/authorize');
    assert.equal(url.searchParams.get('identity_provider'), 'Google');
    assert.equal(url.searchParams.get('code_challenge'), b64url(createHash('sha256').update(record.verifier).digest()));
    assert.equal(url.searchParams.get('state'), record.state);
  } finally {
    await browser.close();
  }
});

test('refused: a callback whose state is not the pending one (CSRF), used once, nothing left in the address bar', TEST_TIMEOUT, async () => {
  const page = await openApp();
  const { record, key } = await startStubbed(page, { provider: 'Google' });
  await page.goto(`${appUrl()}?code=forged-code&state=forged-state`);
  const r = await settled(page);
  assert.equal(r.redirect.error.code, 'StateMismatch');
  assert.equal(r.href, appUrl(), 'code and state removed from the address bar');
  assert.deepEqual(r.events.map((e) => e[0]), ['signInWithRedirectFailure']);
  assert.doesNotMatch(JSON.stringify(r.events), /forged-code/);
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), key), null, 'the pending request is used up');
  // The real state now finds no pending request: ignored, left alone.
  await page.goto(`${appUrl()}?code=c&state=${record.state}`);
  const again = await settled(page);
  assert.deepEqual(again.redirect, { ok: undefined });
  assert.deepEqual(again.events, []);
});

test('refused: error=access_denied comes back as a coded OAuthError with the description', TEST_TIMEOUT, async () => {
  const page = await openApp();
  const { record } = await startStubbed(page, { provider: 'Google' });
  await page.goto(`${appUrl()}?error=access_denied&error_description=${encodeURIComponent('User denied access')}&state=${encodeURIComponent(record.state)}`);
  const r = await settled(page);
  assert.deepEqual(r.redirect.error, { name: 'OAuthError', code: 'OAuthError', message: 'access_denied: User denied access' });
  assert.equal(r.href, appUrl());
  assert.equal(await page.evaluate(() => window.t.pool.getSession()), null);
});
