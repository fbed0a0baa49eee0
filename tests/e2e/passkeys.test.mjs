// Passkeys in Chromium against local-aws, with a CDP virtual authenticator (WebAuthn.enable +
// WebAuthn.addVirtualAuthenticator): register, list, sign in with only the passkey (preferred and chosen), a
// second registration on the same authenticator refused (PasskeyAlreadyExists), delete and a sign-in with the
// deleted passkey refused by local-aws; a ceremony the authenticator cannot verify the user for
// (isUserVerified: false, UV required) is PasskeyCancelled; a registration from another origin (localhost on
// another port) is refused by local-aws (WebAuthnOriginNotAllowedException); a page whose host is not the relying
// party id (127.0.0.1, or app.localhost) gets PasskeyRelyingPartyMismatch from the browser; no WebAuthn gives
// PasskeyNotSupported. The relying-party id is `localhost`: pages on http://localhost are secure contexts and
// Chromium accepts `localhost` as an RP id there (not on app.localhost: it treats `localhost` as a public suffix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT, ROOT } from './harness.mjs';

const env = e2e();
let pool;

async function admin(op, body) {
  const { signRequest } = await import(`${ROOT}/pkg/node.js`);
  const s = env.state;
  const text = JSON.stringify(body);
  const req = signRequest({
    method: 'POST', url: `${s.endpoint}/`, region: s.region, service: 'cognito-idp', credentials: s.credentials,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` }, body: text,
  });
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: text });
  const out = await res.json();
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(out)}`);
  return out;
}

async function ensurePool() {
  if (pool) return;
  const { UserPool } = await admin('CreateUserPool', {
    PoolName: 'e2e-passkeys', UserPoolTier: 'ESSENTIALS',
    Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] }, PasswordPolicy: { MinimumLength: 8, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false } },
  });
  await admin('SetUserPoolMfaConfig', { UserPoolId: UserPool.Id, MfaConfiguration: 'OFF', WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: 'required' } });
  // The app's origin (the `main` server on localhost) is one of the client's callback URLs: local-aws allows passkey
  // ceremonies from https://<RP id> and from such origins only.
  const callback = `http://localhost:${new URL(env.main.url).port}/`;
  const { UserPoolClient } = await admin('CreateUserPoolClient', { UserPoolId: UserPool.Id, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], CallbackURLs: [callback] });
  pool = { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

async function newUser(username, password) {
  await ensurePool();
  await admin('AdminCreateUser', { UserPoolId: pool.userPoolId, Username: username, MessageAction: 'SUPPRESS' });
  await admin('AdminSetUserPassword', { UserPoolId: pool.userPoolId, Username: username, Password: password, Permanent: true });
}

/** A page on `http://<host>:<port of origin>` with a virtual authenticator (user verification as given). */
async function openWithAuthenticator(origin, host, { isUserVerified = true } = {}) {
  const ctx = await env.browser.newContext();
  env.pages.push(ctx);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified, automaticPresenceSimulation: true },
  });
  const port = new URL(env[origin].url).port;
  const res = await page.goto(`http://${host}:${port}/tests/e2e/pages/blank.html`);
  assert.ok(res?.ok());
  return { page, cdp, authenticatorId };
}

/** Runs `fn(t, a)` in the page, `t` the helpers below. */
async function run(page, fn, arg) {
  return page.evaluate(async ([src, helpers, a]) => {
    const { UserPool } = await import('/pkg/index.js');
    const t = (0, eval)(`(${helpers})`)(UserPool, a);
    return (0, eval)(`(${src})`)(t, a);
  }, [fn.toString(), helpers.toString(), { state: env.state, pool, ...arg }]);
}

function helpers(UserPool, a) {
  const s = a.state;
  const make = (storage = 'local') => new UserPool({ region: s.region, userPoolId: a.pool.userPoolId, clientId: a.pool.clientId, endpoint: `${s.endpoint}/`, storage });
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message, cause: e.cause?.name } }));
  return { make, caught };
}

test('register, list, sign in with only the passkey, already registered, delete, then refused', TEST_TIMEOUT, async () => {
  const username = `passkey-${Date.now()}`;
  await newUser(username, 'Passkey-Passw0rd!');
  const { page } = await openWithAuthenticator('main', 'localhost');
  const r = await run(page, async (t, a) => {
    localStorage.clear();
    const p = t.make();
    await p.signIn({ username: a.username, password: a.password });
    await p.associateWebAuthnCredential();
    const again = await t.caught(p.associateWebAuthnCredential());
    const listed = await p.listWebAuthnCredentials();
    const paged = await p.listWebAuthnCredentials({ pageSize: 1 });
    await p.signOut();
    // Only the passkey: no password given.
    const preferred = await p.signIn({ username: a.username, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
    const session = await p.getSession();
    await p.signOut();
    // Offered in the first-factor choice, and chosen there.
    const choice = await p.signIn({ username: a.username, options: { authFlowType: 'USER_AUTH' } });
    const chosen = await p.confirmSignIn({ challengeResponse: 'WEB_AUTHN' });
    await p.signOut();
    // A sign-in waits at the choice while another session deletes the passkey: the authenticator still answers
    // with it, and local-aws refuses it.
    const waiting = t.make('memory');
    const offered = await waiting.signIn({ username: a.username, options: { authFlowType: 'USER_AUTH' } });
    const other = t.make('memory');
    await other.signIn({ username: a.username, password: a.password });
    await other.deleteWebAuthnCredential({ credentialId: listed.credentials[0].credentialId });
    const afterDelete = await other.listWebAuthnCredentials();
    const refused = await t.caught(waiting.confirmSignIn({ challengeResponse: 'WEB_AUTHN' }));
    const later = await t.make('memory').signIn({ username: a.username, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
    return {
      again, listed: listed.credentials.map((c) => ({ ...c, createdAt: typeof c.createdAt?.getTime })), paged, preferred, signedIn: session?.username,
      choice: choice.nextStep, chosen: chosen.isSignedIn, offered: offered.nextStep.availableChallenges, afterDelete, refused, later: later.nextStep,
    };
  }, { username, password: 'Passkey-Passw0rd!' });
  assert.equal(r.again.error.code, 'PasskeyAlreadyExists');
  assert.equal(r.again.error.cause, 'InvalidStateError');
  assert.equal(r.listed.length, 1);
  assert.equal(r.listed[0].relyingPartyId, 'localhost');
  assert.match(r.listed[0].credentialId, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(r.listed[0].authenticatorTransports, ['internal']);
  assert.equal(r.listed[0].createdAt, 'function');
  assert.equal(r.paged.credentials.length, 1);
  assert.equal(r.paged.nextToken, undefined);
  assert.deepEqual(r.preferred, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal(r.signedIn, username);
  assert.equal(r.choice.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  assert.ok(r.choice.availableChallenges.includes('WEB_AUTHN'));
  assert.equal(r.chosen, true);
  assert.ok(r.offered.includes('WEB_AUTHN'));
  assert.deepEqual(r.afterDelete.credentials, []);
  assert.equal(r.refused.error.code, 'NotAuthorizedException');
  assert.equal(r.later.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  assert.ok(!r.later.availableChallenges.includes('WEB_AUTHN'), 'a deleted passkey is no longer offered');
});

test('a ceremony without user verification is PasskeyCancelled', TEST_TIMEOUT, async () => {
  const username = `uv-${Date.now()}`;
  await newUser(username, 'Passkey-Passw0rd!');
  const { page, cdp, authenticatorId } = await openWithAuthenticator('main', 'localhost');
  await run(page, async (t, a) => {
    localStorage.clear();
    const p = t.make();
    await p.signIn({ username: a.username, password: a.password });
    await p.associateWebAuthnCredential();
    await p.signOut();
  }, { username, password: 'Passkey-Passw0rd!' });
  // The authenticator now fails user verification, which the pool requires.
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  const r = await run(page, async (t, a) => {
    const p = t.make();
    const signIn = await t.caught(p.signIn({ username: a.username, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } }));
    return { signIn, session: await p.getSession() };
  }, { username });
  assert.equal(r.signIn.error.code, 'PasskeyCancelled');
  assert.equal(r.signIn.error.name, 'PasskeyCancelled');
  assert.equal(r.signIn.error.cause, 'NotAllowedError');
  assert.equal(r.session, null);
});

test('registration from another origin is refused by local-aws; a page off the relying party gets PasskeyRelyingPartyMismatch; no WebAuthn is PasskeyNotSupported', TEST_TIMEOUT, async () => {
  const username = `origin-${Date.now()}`;
  await newUser(username, 'Passkey-Passw0rd!');
  const register = async (t, a) => {
    localStorage.clear();
    const p = t.make();
    await p.signIn({ username: a.username, password: a.password });
    const out = await t.caught(p.associateWebAuthnCredential());
    const listed = await p.listWebAuthnCredentials();
    await p.signOut();
    return { out, count: listed.credentials.length };
  };
  // http://localhost on the `other` server's port: Chromium accepts the RP id `localhost` there, local-aws does not
  // (that origin is not the app client's).
  const sub = await openWithAuthenticator('other', 'localhost');
  const fromSub = await run(sub.page, register, { username, password: 'Passkey-Passw0rd!' });
  assert.equal(fromSub.out.error.code, 'WebAuthnOriginNotAllowedException');
  assert.equal(fromSub.count, 0);
  // 127.0.0.1 is not `localhost`: the browser refuses the RP id before any authenticator is asked.
  const ip = await openWithAuthenticator('main', '127.0.0.1');
  const fromIp = await run(ip.page, register, { username, password: 'Passkey-Passw0rd!' });
  assert.equal(fromIp.out.error.code, 'PasskeyRelyingPartyMismatch');
  assert.equal(fromIp.count, 0);
  const suffix = await openWithAuthenticator('main', 'app.localhost');
  const fromSuffix = await run(suffix.page, register, { username, password: 'Passkey-Passw0rd!' });
  assert.equal(fromSuffix.out.error.code, 'PasskeyRelyingPartyMismatch');
  const none = await openWithAuthenticator('main', 'localhost');
  const noWebAuthn = await run(none.page, async (t, a) => {
    delete window.PublicKeyCredential;
    return (await (0, eval)(`(${a.register})`)(t, a)).out;
  }, { username, password: 'Passkey-Passw0rd!', register: register.toString() });
  assert.equal(noWebAuthn.error.code, 'PasskeyNotSupported');
});
