// Hosted UI / federated sign-in (OAuth 2.0 code + PKCE) in Chromium against local-aws's hosted UI and its OIDC
// IdP: real redirects across three origins (the app on http://localhost:<port>, local-aws's
// <prefix>.auth.localhost domain, the IdP). The app page is tests/e2e/pages/oauth.html (its own callback URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
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

// ---- Against local-aws's hosted UI and its OIDC IdP ------------------------------------------------------

const BLANK = '/tests/e2e/pages/blank.html';
const registered = new Map();
/** Registers this run's callback (the app page) and sign-out (blank page) URLs on the hosted-UI app client with
 *  UpdateUserPoolClient, signed with the state's admin credentials (it replaces the settings, so the others are
 *  sent again as DescribeUserPoolClient gives them). */
function register(clientId = env.state.hostedUi?.clientId) {
  if (!registered.has(clientId)) registered.set(clientId, (async () => {
    const { AwsClient } = await import('../../pkg/node.js');
    const s = env.state;
    const h = s.hostedUi;
    assert.ok(h?.domain, 'local-aws has a hosted UI (state.hostedUi)');
    const admin = new AwsClient({ credentials: s.credentials, region: s.region, service: 'cognito-idp' });
    const call = async (op, body) => {
      const r = await admin.fetch(`${s.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` }, body: JSON.stringify(body) });
      const j = await r.json();
      if (!r.ok) throw new Error(`${op}: ${JSON.stringify(j)}`);
      return j;
    };
    const ids = { UserPoolId: h.userPoolId, ClientId: clientId };
    const c = (await call('DescribeUserPoolClient', ids)).UserPoolClient;
    const keep = Object.fromEntries(Object.entries(c).filter(([k]) => ['ClientName', 'ExplicitAuthFlows', 'PreventUserExistenceErrors', 'EnableTokenRevocation', 'AllowedOAuthFlows',
      'AllowedOAuthScopes', 'AllowedOAuthFlowsUserPoolClient', 'SupportedIdentityProviders', 'RefreshTokenRotation'].includes(k)));
    const demo = `${env.localhost.url}/www/`;
    await call('UpdateUserPoolClient', { ...keep, ...ids, CallbackURLs: [...(c.CallbackURLs ?? []), appUrl(), demo], LogoutURLs: [...(c.LogoutURLs ?? []), env.localhost.url + BLANK, demo] });
  })());
  return registered.get(clientId);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) of a base32 secret. */
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeUInt32BE(Math.floor(at / 30000), 4);
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 15;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1e6)).padStart(6, '0');
}

/** On the IdP's interaction pages: signs in (when asked) and approves or denies the consent. */
async function atIdp(page, { login, password }, { deny = false } = {}) {
  const idp = new URL(env.state.hostedUi.idp.issuer).origin;
  await page.waitForURL((u) => u.origin === idp && u.pathname.startsWith('/interaction/'), { timeout: 30_000 });
  if (await page.locator('#login').count()) {
    await page.fill('#login', login);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('#signin')]);
  }
  await page.click(deny ? '#deny' : '#approve');
}

/** On the hosted UI's sign-in page: the user's password, then a TOTP code when asked. */
async function atHostedLogin(page, user) {
  const domain = new URL(env.state.hostedUi.domain).origin;
  await page.waitForURL((u) => u.origin === domain && u.pathname === '/login', { timeout: 30_000 });
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForNavigation(), page.click('#signin')]);
  if (user.totpSecret) {
    await page.waitForSelector('#code');
    await page.fill('#code', totp(user.totpSecret));
    await page.click('#verify');
  }
}

const idpUser = () => env.state.hostedUi.idp.users[0];
const demoUser = () => env.state.users.find((u) => !u.temporary);

/** The URLs of every entry of the tab's history (from the browser, not the page). */
async function historyUrls(page) {
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send('Page.getNavigationHistory');
  await cdp.detach();
  return entries.map((e) => e.url);
}

test('social-style sign-in (provider Google) through the IdP: signed in, customState, no code left, identity-pool credentials and the private S3 prefix', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  await page.evaluate(() => { window.t.pool.signInWithRedirect({ provider: 'Google', customState: 'photos' }); });
  await atIdp(page, idpUser());
  const r = await settled(page);
  assert.deepEqual(r.redirect, { ok: { isSignedIn: true, nextStep: { signInStep: 'DONE' }, customState: 'photos' } });
  assert.equal(r.href, appUrl(), 'the code and state left the address bar');
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0][0], 'signedIn');
  assert.equal(r.events[0][1].customState, 'photos');
  for (const url of await historyUrls(page)) assert.doesNotMatch(url, /[?&](code|state|id_token|access_token)=/, url);
  const out = await page.evaluate(async () => {
    const t = window.t;
    const session = await t.pool.getSession();
    const keys = Object.keys(localStorage);
    const identity = new t.IdentityPool({ region: t.state.region, identityPoolId: t.state.identityPoolId, endpoint: `${t.state.endpoint}/`, userPool: t.pool });
    const creds = await identity.getCredentials();
    const s3 = new t.S3({ region: t.state.region, bucket: t.state.bucket, endpoint: t.state.endpoint, credentials: identity });
    const key = `private/${creds.identityId}/federated.txt`;
    await s3.putObject(key, 'from the IdP');
    const back = await (await s3.getObject(key)).text();
    const other = await s3.putObject(`private/someone-else/x.txt`, 'no').then(() => 'written', (e) => e.code);
    await s3.deleteObject(key);
    // Refreshed as a password sign-in's session is: one record, still a hosted-UI session.
    const refreshed = await t.pool.getSession({ forceRefresh: true });
    return { session, keys, authenticated: creds.authenticated, back, other, sessionKeys: Object.keys(sessionStorage), refreshed, events: t.events.map((e) => e[0]) };
  });
  assert.equal(out.session.signInMethod, 'signInWithRedirect');
  assert.equal(out.session.identities[0].providerName, 'Google');
  assert.match(out.session.username, /^google_/i);
  assert.ok(!JSON.stringify(out.session).includes('refreshToken'));
  assert.ok(out.keys.includes(`cognito-fetch.${env.state.hostedUi.clientId}`));
  assert.deepEqual(out.sessionKeys, [], 'the pending request is gone');
  assert.equal(out.authenticated, true);
  assert.equal(out.back, 'from the IdP');
  assert.equal(out.other, 'AccessDenied');
  assert.notEqual(out.refreshed.tokens.accessToken, out.session.tokens.accessToken);
  assert.equal(out.refreshed.signInMethod, 'signInWithRedirect');
  assert.equal(out.refreshed.identities[0].providerName, 'Google');
  assert.deepEqual(out.events, ['signedIn', 'tokenRefresh']);
});

test('OIDC provider ({ custom: LocalOIDC }) in a popup: the opener signs in, the popup closes; another tab sees signedIn', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  // Another tab of the same browser profile (its localStorage), listening.
  const other = await page.context().newPage();
  await other.goto(appUrl());
  await other.waitForFunction(() => window.t?.redirect !== undefined);
  await page.evaluate(() => { window.t.popupInput = { provider: { custom: 'LocalOIDC' }, customState: 'popup' }; });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
  await atIdp(popup, idpUser());
  await popup.waitForEvent('close', { timeout: 30_000 });
  const r = await page.waitForFunction(() => window.t.popup, null, { timeout: 30_000 }).then(() => page.evaluate(async () => ({
    popup: await window.t.popup, session: await window.t.pool.getSession(), events: window.t.events, href: location.href,
  })));
  assert.deepEqual(r.popup, { ok: { isSignedIn: true, nextStep: { signInStep: 'DONE' }, customState: 'popup' } });
  assert.equal(r.session.signInMethod, 'signInWithPopup');
  assert.equal(r.session.identities[0].providerName, 'LocalOIDC');
  assert.deepEqual(r.events.map((e) => e[0]), ['signedIn']);
  assert.equal(r.href, appUrl());
  await other.waitForFunction(() => window.t.events.some((e) => e[0] === 'signedIn'), null, { timeout: 10_000 });
  const seen = await other.evaluate(() => window.t.events);
  assert.deepEqual(seen, [['signedIn', { username: r.session.username }]]);
});

test('a popup that is blocked or closed is a coded error', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  // A blocked popup is window.open answering null (HTML's "open" steps); Playwright's Chromium runs without the
  // popup blocker, so the page's window.open answers as a blocker would.
  const blocked = await page.evaluate(async () => {
    const open = window.open;
    window.open = () => null;
    const code = await window.t.pool.signInWithPopup({ provider: 'Google' }).then(() => 'signed in', (e) => e.code);
    window.open = open;
    return { code, left: sessionStorage.length };
  });
  assert.deepEqual(blocked, { code: 'PopupBlocked', left: 0 });
  await page.evaluate(() => { window.t.popupInput = { provider: 'Google' }; });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
  await popup.close();
  const closed = await page.waitForFunction(() => window.t.popup, null, { timeout: 10_000 }).then(() => page.evaluate(() => window.t.popup));
  assert.equal(closed.error.code, 'PopupClosed');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the pending request is dropped');
});

test('hosted COGNITO sign-in with a TOTP step; sign-out with redirect ends the hosted session (the password is asked again)', TEST_TIMEOUT, async () => {
  await register();
  const user = env.state.hostedUi.mfa;
  assert.ok(user?.totpSecret, 'the state has a TOTP user for the hosted UI');
  const page = await openApp();
  await page.evaluate(() => { window.t.pool.signInWithRedirect({ provider: 'COGNITO' }); });
  await atHostedLogin(page, user);
  const r = await settled(page);
  assert.equal(r.redirect.ok?.isSignedIn, true, JSON.stringify(r.redirect));
  const session = await page.evaluate(() => window.t.pool.getSession());
  assert.equal(session.username, user.username);
  assert.equal(session.identities, undefined);
  // While the hosted session lasts, a new sign-in needs no password (its cookie)...
  await page.evaluate(() => window.t.pool.signOut());
  await page.evaluate(() => { window.t.pool.signInWithRedirect({ provider: 'COGNITO' }); });
  assert.equal((await settled(page)).redirect.ok?.isSignedIn, true, 'signed in again by the hosted session');
  // ...and sign-out with redirect ends it: revoked, signed out here, /logout, back on the sign-out URL.
  await page.evaluate(() => { window.t.pool.signOut({ redirect: true }); });
  await page.waitForURL(env.localhost.url + BLANK, { timeout: 30_000 });
  await page.goto(appUrl());
  await page.waitForFunction(() => window.t?.redirect !== undefined);
  assert.equal(await page.evaluate(() => window.t.pool.getSession()), null);
  await page.evaluate(() => { window.t.pool.signInWithRedirect({ provider: 'COGNITO' }); });
  const domain = new URL(env.state.hostedUi.domain).origin;
  await page.waitForURL((u) => u.origin === domain && u.pathname === '/login', { timeout: 30_000 });
  assert.equal(await page.locator('#password').count(), 1, 'the hosted page asks for the password again');
});

/** A hosted sign-in of the demo user stopped on the app page before it handles the callback: `{ held, record }`. */
async function heldCallback(page) {
  await page.evaluate(() => { sessionStorage.setItem('e2e.hold', '1'); window.t.pool.signInWithRedirect({ provider: 'COGNITO' }); });
  await atHostedLogin(page, demoUser());
  await page.waitForFunction(() => window.t?.held, null, { timeout: 30_000 });
  const held = await page.evaluate(() => window.t.held);
  const key = `cognito-fetch.${env.state.hostedUi.clientId}.oauth`;
  const record = JSON.parse(await page.evaluate((k) => sessionStorage.getItem(k), key));
  const put = (r) => page.evaluate(([k, v]) => sessionStorage.setItem(k, v), [key, JSON.stringify(r)]);
  return { held, record, put };
}

test('refused: a code used twice (local-aws: invalid_grant), and the second exchange stores nothing', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  const { held, record, put } = await heldCallback(page);
  await page.evaluate(() => window.t.build());
  assert.equal((await settled(page)).redirect.ok?.isSignedIn, true);
  await page.evaluate(() => window.t.pool.signOut());
  // The same callback again, with the same pending request put back.
  await put(record);
  await page.goto(held);
  const r = await settled(page);
  assert.equal(r.redirect.error?.code, 'OAuthError');
  assert.match(r.redirect.error.message, /^invalid_grant/);
  assert.equal(r.href, appUrl());
  assert.equal(await page.evaluate(() => window.t.pool.getSession()), null);
});

test('refused: a wrong PKCE verifier (local-aws: invalid_grant)', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  const { record, put } = await heldCallback(page);
  await put({ ...record, verifier: 'x'.repeat(43) });
  await page.evaluate(() => window.t.build());
  const r = await settled(page);
  assert.equal(r.redirect.error?.code, 'OAuthError');
  assert.match(r.redirect.error.message, /^invalid_grant/);
  assert.doesNotMatch(JSON.stringify(r), new RegExp(record.verifier));
});

test('refused: an ID token whose nonce is not the request\'s (NonceMismatch), nothing stored', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  const { record, put } = await heldCallback(page);
  await put({ ...record, nonce: 'n'.repeat(43) });
  await page.evaluate(() => window.t.build());
  const r = await settled(page);
  assert.equal(r.redirect.error?.code, 'NonceMismatch');
  assert.deepEqual(r.events.map((e) => e[0]), ['signInWithRedirectFailure']);
  assert.equal(await page.evaluate(() => window.t.pool.getSession()), null);
  assert.equal(r.href, appUrl());
});

test('refused: an unregistered redirect_uri stays on the hosted domain (redirect_mismatch), no code comes back', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  // The blank page is a sign-out URL, not a callback URL.
  await page.evaluate((blank) => {
    const t = window.t;
    const pool = new t.UserPool({ ...t.options, oauth: { ...t.options.oauth, redirectSignIn: blank } });
    pool.signInWithRedirect({ provider: 'COGNITO' });
  }, env.localhost.url + BLANK);
  const domain = new URL(env.state.hostedUi.domain).origin;
  await page.waitForURL((u) => u.origin === domain && u.pathname === '/error', { timeout: 30_000 });
  assert.equal(new URL(page.url()).searchParams.get('error'), 'redirect_mismatch');
});

test('refused: the user denies at the IdP: error=access_denied is an OAuthError, nothing stored', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp();
  await page.evaluate(() => { window.t.pool.signInWithRedirect({ provider: { custom: 'LocalOIDC' } }); });
  await atIdp(page, idpUser(), { deny: true });
  const r = await settled(page);
  assert.equal(r.redirect.error?.code, 'OAuthError');
  assert.match(r.redirect.error.message, /^access_denied/);
  assert.equal(r.href, appUrl());
  assert.equal(await page.evaluate(() => window.t.pool.getSession()), null);
});

test('an app client with a secret: the code is exchanged with HTTP Basic, the hosted session revoked at /oauth2/revoke', TEST_TIMEOUT, async () => {
  const h = env.state.hostedUi;
  assert.ok(h.clientSecretClientId && h.clientSecret, 'the state has the hosted UI\'s client with a secret');
  await register(h.clientSecretClientId);
  const page = await openApp();
  const sent = [];
  page.on('request', (q) => { if (q.method() === 'POST' && q.url().startsWith(h.domain + '/oauth2/')) sent.push({ path: new URL(q.url()).pathname, authorization: q.headers().authorization ?? null, body: q.postData() }); });
  await page.evaluate(async (secret) => {
    const t = window.t;
    // This page's next load builds its UserPool for the client with a secret.
    sessionStorage.setItem('e2e.hold', '1');
    t.secret = secret;
    new t.UserPool({ ...t.options, clientId: secret.id, clientSecret: secret.secret }).signInWithRedirect({ provider: 'COGNITO' });
  }, { id: h.clientSecretClientId, secret: h.clientSecret });
  await atHostedLogin(page, demoUser());
  await page.waitForFunction(() => window.t?.held, null, { timeout: 30_000 });
  await page.evaluate((secret) => window.t.build({ clientId: secret.id, clientSecret: secret.secret }), { id: h.clientSecretClientId, secret: h.clientSecret });
  const r = await settled(page);
  assert.equal(r.redirect.ok?.isSignedIn, true, JSON.stringify(r.redirect));
  await page.evaluate(() => window.t.pool.signOut());
  const basic = `Basic ${Buffer.from(`${h.clientSecretClientId}:${h.clientSecret}`).toString('base64')}`;
  assert.deepEqual(sent.map((q) => [q.path, q.authorization]), [['/oauth2/token', basic], ['/oauth2/revoke', basic]]);
  assert.match(sent[0].body, /^grant_type=authorization_code&client_id=[^&]+&code=[^&]+&redirect_uri=[^&]+&code_verifier=[A-Za-z0-9_-]{43}$/);
  assert.match(sent[1].body, /^token=[^&]+&client_id=/);
});

test('demo page (drop-in): "Sign in with the local IdP" signs in through the IdP; sign-out goes through the hosted /logout', TEST_TIMEOUT, async () => {
  await register();
  const page = await openApp('/www/');
  await page.getByRole('button', { name: 'Sign in with the local IdP' }).click();
  await atIdp(page, idpUser());
  await page.waitForURL(`${env.localhost.url}/www/`, { timeout: 30_000 });
  await page.getByText(/^Signed in as LocalOIDC_/).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#status').textContent(), /local IdP/);
  assert.equal(new URL(page.url()).search, '', 'no code or state left in the address bar');
  const domain = new URL(env.state.hostedUi.domain).origin;
  const logout = page.waitForRequest((q) => q.url().startsWith(`${domain}/logout?`));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await logout;
  await page.waitForURL(`${env.localhost.url}/www/`, { timeout: 30_000 });
  await page.getByText('Not signed in.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Hosted sign-in' }).isVisible(), true);
});

test('the oauth option is checked when the UserPool is made; outside a page there is nowhere to redirect (Node, coded errors)', async () => {
  const { UserPool } = await import('../../pkg/node.js');
  const base = { region: 'us-east-1', userPoolId: 'us-east-1_Abc', clientId: 'c' };
  const oauth = { domain: 'auth.example.com', redirectSignIn: 'https://app.example.com/', scopes: ['openid'] };
  const code = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
  assert.equal(code(() => new UserPool({ ...base, oauth })), 'ok');
  assert.equal(code(() => new UserPool({ ...base, oauth: { ...oauth, domain: 'http://cognito-fetch-local.auth.localhost:4567' } })), 'ok');
  for (const [bad, want] of [
    [{ domain: 'http://auth.example.com' }, 'InvalidOAuthConfig'],
    [{ domain: 'auth.example.com/path' }, 'InvalidOAuthConfig'],
    [{ redirectSignIn: 'http://app.example.com/' }, 'InvalidOAuthConfig'],
    [{ redirectSignOut: ['https://ok.example.com/', 'http://127.0.0.1:1/'] }, 'InvalidOAuthConfig'],
    [{ scopes: ['email'] }, 'InvalidOAuthConfig'],
    [{ scopes: 'openid' }, 'InvalidArgument'],
    [{ responseType: 'token' }, 'InvalidArgument'],
    [{ redirectSignIn: [] }, 'InvalidArgument'],
  ]) {
    assert.equal(code(() => new UserPool({ ...base, oauth: { ...oauth, ...bad } })), want, JSON.stringify(bad));
  }
  const pool = new UserPool({ ...base, storage: 'memory', oauth });
  for (const input of [{ provider: 'Amazon' }, { provider: '' }, { provider: { custom: '' } }, { provider: 42 }, { options: { prompt: 'maybe' } }]) {
    const e = await pool.signInWithRedirect(input).then(() => undefined, (err) => err);
    assert.equal(e?.code, 'InvalidArgument', JSON.stringify(input));
  }
  // A good request, but Node has no sessionStorage to keep it in.
  assert.equal((await pool.signInWithRedirect({ provider: 'Google' }).catch((err) => err))?.code, 'StorageError');
  const e = await pool.signOut({ redirect: true }).then(() => undefined, (err) => err);
  assert.equal(e?.code, 'InvalidArgument');
  assert.match(e.message, /browser page/);
  const none = await new UserPool(base).signInWithPopup({}).then(() => undefined, (err) => err);
  assert.equal(none?.code, 'InvalidArgument');
  assert.match(none.message, /oauth option/);
});

test('SAML provider by name ({ custom: LocalSAML }): signed in through the SAML IdP, identities name it', TEST_TIMEOUT, async () => {
  await register();
  const h = env.state.hostedUi;
  assert.ok(h.providers?.saml && h.samlIdp?.users?.length, 'the state has a SAML IdP');
  const user = h.samlIdp.users[0];
  const page = await openApp();
  await page.evaluate((name) => { window.t.pool.signInWithRedirect({ provider: { custom: name }, customState: 'saml' }); }, h.providers.saml);
  const idp = new URL(h.samlIdp.entityId).origin;
  await page.waitForURL((u) => u.origin === idp, { timeout: 30_000 });
  await page.fill('#login', user.login);
  await page.fill('#password', user.password);
  await page.click('#signin');
  const r = await settled(page);
  assert.deepEqual(r.redirect, { ok: { isSignedIn: true, nextStep: { signInStep: 'DONE' }, customState: 'saml' } });
  assert.equal(r.href, appUrl());
  const session = await page.evaluate(() => window.t.pool.getSession());
  assert.equal(session.identities[0].providerName, h.providers.saml);
  assert.equal(session.signInMethod, 'signInWithRedirect');
});
