// UserPool in a page against local-aws (which checks SRP proofs, codes, SECRET_HASH and revocation as Cognito
// does): sign-in as a step machine, the session record in storage, refresh, sign-out, sign-up with a real code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const demo = () => env.state.users.find((u) => !u.temporary);

/** Page helper: a UserPool for the seeded app client (or the one with a secret), event log, fetch counter. */
async function setup(lib, a) {
  const { UserPool } = await import('/pkg/index.js');
  const s = a.state;
  const secret = a.secret ? { clientId: s.clientWithSecretId, clientSecret: s.clientSecret } : { clientId: s.clientId };
  const make = (extra = {}) => new UserPool({ region: s.region, userPoolId: s.userPoolId, endpoint: `${s.endpoint}/`, storage: 'local', ...secret, ...extra });
  const events = [];
  const pool = make();
  for (const e of ['signedIn', 'signedOut', 'tokenRefresh', 'tokenRefreshFailure']) pool.on(e, (p) => events.push([e, JSON.stringify(p)]));
  const targets = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    targets.push(init?.headers?.['x-amz-target']?.split('.').pop());
    return realFetch(url, init);
  };
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message, retryable: e.retryable, isError: e instanceof Error } }));
  const cognito = async (op, body) => {
    const r = await realFetch(`${s.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  const outboxCode = async (to) => {
    const list = await (await realFetch(`${s.outbox}?to=${encodeURIComponent(to)}`)).json();
    return list.at(-1)?.code;
  };
  localStorage.clear();
  return { pool, make, events, targets, caught, cognito, outboxCode, key: `cognito-fetch.${secret.clientId}` };
}

test('SRP sign-in: DONE, one session record, events without tokens, restored by a new instance, signed out', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const out = await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const session = await t.pool.getSession();
    const record = JSON.parse(localStorage.getItem(t.key));
    const keys = Object.keys(localStorage);
    const restored = await t.make().getSession();
    await t.pool.signOut();
    return { out, session, record, keys, restored: restored?.username, after: await t.pool.getSession(), left: localStorage.getItem(t.key), events: t.events, targets: t.targets };
  }, { user: demo(), setup: setup.toString() });
  assert.deepEqual(r.out, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.ok(r.session.tokens.idToken.split('.').length === 3 && r.session.tokens.accessToken);
  assert.equal(r.session.tokens.refreshToken, undefined, 'the refresh token is not handed out');
  assert.ok(r.session.expiresAt > Date.now(), 'expiresAt in the future');
  assert.deepEqual(r.keys, [`cognito-fetch.${env.state.clientId}`], 'one record, nothing key by key');
  assert.equal(r.record.v, 1);
  assert.equal(r.record.clientId, env.state.clientId);
  assert.equal(r.record.email, undefined, 'no user attributes stored');
  assert.equal(r.restored, r.session.username);
  assert.equal(r.after, null);
  assert.equal(r.left, null, 'sign-out removes the record');
  assert.deepEqual(r.events.map((e) => e[0]), ['signedIn', 'signedOut']);
  for (const [, payload] of r.events) assert.doesNotMatch(payload, /eyJ|Passw0rd/, 'no token or password in events');
  assert.deepEqual(r.targets, ['InitiateAuth', 'RespondToAuthChallenge', 'RevokeToken']);
});

test('a wrong password rejects with NotAuthorizedException and leaves no session', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const res = await t.caught(t.pool.signIn({ username: a.user.username, password: 'wrong-' + a.user.password }));
    return { ...res, session: await t.pool.getSession() };
  }, { user: demo(), setup: setup.toString() });
  assert.equal(r.error.name, 'NotAuthorizedException');
  assert.equal(r.error.code, 'NotAuthorizedException');
  assert.equal(r.error.retryable, false);
  assert.equal(r.error.isError, true);
  assert.doesNotMatch(r.error.message, /Passw0rd/);
  assert.equal(r.session, null);
});

test('USER_PASSWORD_AUTH and a client with a secret (SECRET_HASH) sign in', TEST_TIMEOUT, async () => {
  for (const secret of [false, true]) {
    const r = await env.run('main', async (lib, a) => {
      const t = await (0, eval)(`(${a.setup})`)(lib, a);
      const out = await t.pool.signIn({ username: a.user.username, password: a.user.password, options: { authFlowType: a.secret ? 'USER_SRP_AUTH' : 'USER_PASSWORD_AUTH' } });
      const again = await t.caught(t.pool.signIn({ username: a.user.username, password: a.user.password }));
      await t.pool.signOut();
      return { out, again, targets: t.targets };
    }, { user: demo(), setup: setup.toString(), secret });
    assert.equal(r.out.isSignedIn, true, `secret=${secret}`);
    assert.equal(r.again.error.name, 'UserAlreadyAuthenticatedException');
  }
});

test('sign-up is confirmed with the code from the outbox; a wrong code is CodeMismatchException', TEST_TIMEOUT, async () => {
  const username = `signup-${Date.now()}@example.com`;
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const up = await t.pool.signUp({ username: a.username, password: 'Sign-Up-Passw0rd!', options: { userAttributes: { email: a.username } } });
    const wrong = await t.caught(t.pool.confirmSignUp({ username: a.username, confirmationCode: '000000' }));
    const code = await t.outboxCode(a.username);
    const confirmed = await t.pool.confirmSignUp({ username: a.username, confirmationCode: code });
    const signedIn = await t.pool.signIn({ username: a.username, password: 'Sign-Up-Passw0rd!' });
    await t.pool.signOut();
    return { up, wrong, confirmed, signedIn };
  }, { username, setup: setup.toString() });
  assert.equal(r.up.isSignUpComplete, false);
  assert.equal(r.up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  assert.ok(r.up.userId);
  assert.equal(r.up.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal(r.wrong.error.name, 'CodeMismatchException');
  assert.deepEqual(r.confirmed, { isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } });
  assert.equal(r.signedIn.isSignedIn, true);
});

test('NEW_PASSWORD_REQUIRED is a step; confirmSignIn with a new password signs in', TEST_TIMEOUT, async () => {
  const user = env.state.users.find((u) => u.temporary);
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const first = await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const none = await t.caught(t.make().confirmSignIn({ challengeResponse: 'x' }));
    const done = await t.pool.confirmSignIn({ challengeResponse: 'Brand-New-Passw0rd!' });
    await t.pool.signOut();
    const withNew = await t.pool.signIn({ username: a.user.username, password: 'Brand-New-Passw0rd!' });
    await t.pool.signOut();
    return { first, none, done, withNew };
  }, { user, setup: setup.toString() });
  assert.equal(r.first.isSignedIn, false);
  assert.equal(r.first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
  assert.equal(r.none.error.name, 'SignInException', 'another instance has no pending sign-in');
  assert.equal(r.done.isSignedIn, true);
  assert.equal(r.withNew.isSignedIn, true);
});

test('a corrupted, foreign or old-format record means signed out and is cleaned up, never a throw', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const results = [];
    for (const bad of ['{"v":1,"clientId":', '[]', 'null', JSON.stringify({ v: 1, clientId: 'someone-else', username: 'u', idToken: 'a', accessToken: 'b', refreshToken: 'c', expiresAt: 1, clockOffset: 0 }), JSON.stringify({ v: 0, clientId: a.state.clientId })]) {
      localStorage.setItem(t.key, bad);
      results.push({ session: await t.pool.getSession(), left: localStorage.getItem(t.key) });
    }
    return results;
  }, { setup: setup.toString() });
  for (const x of r) assert.deepEqual(x, { session: null, left: null });
});

test('concurrent getSession calls share one refresh; a revoked refresh token signs out cleanly', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const before = await t.pool.getSession();
    t.targets.length = 0;
    const all = await Promise.all(Array.from({ length: 5 }, () => t.pool.getSession({ forceRefresh: true })));
    const refreshes = t.targets.filter((x) => x === 'GetTokensFromRefreshToken').length;
    const record = JSON.parse(localStorage.getItem(t.key));
    // Revoke the refresh token behind the library's back, then force a refresh.
    await t.cognito('RevokeToken', { Token: record.refreshToken, ClientId: a.state.clientId });
    const afterRevoke = await t.pool.getSession({ forceRefresh: true });
    return { before: before.tokens.accessToken, after: all.map((s) => s?.tokens.accessToken), refreshes, afterRevoke, left: localStorage.getItem(t.key), events: t.events.map((e) => e[0]) };
  }, { user: demo(), setup: setup.toString() });
  assert.equal(r.refreshes, 1, 'one refresh for five concurrent callers');
  assert.equal(new Set(r.after).size, 1, 'all callers get the same fresh tokens');
  assert.ok(r.after[0]);
  assert.equal(r.afterRevoke, null);
  assert.equal(r.left, null);
  assert.deepEqual(r.events, ['signedIn', 'tokenRefresh', 'tokenRefreshFailure', 'signedOut']);
});

test('global sign-out revokes the access token at the server', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const { tokens } = await t.pool.getSession();
    const before = await t.cognito('GetUser', { AccessToken: tokens.accessToken });
    await t.pool.signOut({ global: true });
    const after = await t.cognito('GetUser', { AccessToken: tokens.accessToken });
    return { before: before.status, after: after.body.__type, targets: t.targets };
  }, { user: demo(), setup: setup.toString() });
  assert.equal(r.before, 200);
  assert.equal(r.after, 'NotAuthorizedException');
  assert.ok(r.targets.includes('GlobalSignOut'));
});

test('MFA: an email code is a step, a wrong code can be retried, the delivered code signs in', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    // Turn on email MFA for the user (as an app's settings page would), then sign in again.
    await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const { tokens } = await t.pool.getSession();
    const pref = await t.cognito('SetUserMFAPreference', { AccessToken: tokens.accessToken, EmailMfaSettings: { Enabled: true, PreferredMfa: true } });
    await t.pool.signOut();
    const first = await t.pool.signIn({ username: a.user.username, password: a.user.password });
    const wrong = await t.caught(t.pool.confirmSignIn({ challengeResponse: '000000' }));
    const code = await t.outboxCode(a.user.username);
    const done = await t.pool.confirmSignIn({ challengeResponse: code });
    const session = await t.pool.getSession();
    await t.cognito('SetUserMFAPreference', { AccessToken: session.tokens.accessToken, EmailMfaSettings: { Enabled: false, PreferredMfa: false } });
    await t.pool.signOut();
    return { pref: pref.status, first, wrong, done, username: session?.username };
  }, { user: demo(), setup: setup.toString() });
  assert.equal(r.pref, 200);
  assert.equal(r.first.isSignedIn, false);
  assert.equal(r.first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(r.first));
  assert.ok(r.first.nextStep.codeDeliveryDetails?.destination, 'where the code went (masked)');
  assert.equal(r.wrong.error.name, 'CodeMismatchException');
  assert.equal(r.done.isSignedIn, true);
  assert.ok(r.username);
});

test("a device clock an hour off either way: SRP sign-in works, the session is neither refreshed nor lost", TEST_TIMEOUT, async () => {
  for (const shiftMs of [3600e3, -3600e3]) {
    const r = await env.run('main', async (lib, a) => {
      const t = await (0, eval)(`(${a.setup})`)(lib, a);
      const realNow = Date.now;
      Date.now = () => realNow() + a.shiftMs;
      try {
        // local-aws refuses an SRP TIMESTAMP more than 300 s off its clock, as Cognito does.
        const out = await t.pool.signIn({ username: a.user.username, password: a.user.password });
        t.targets.length = 0;
        const session = await t.pool.getSession();
        const expiresIn = session && (session.expiresAt - Date.now()) / 1000;
        const calls = [...t.targets];
        await t.pool.signOut();
        return { out, signedIn: !!session, expiresIn, calls };
      } finally {
        Date.now = realNow;
      }
    }, { user: demo(), setup: setup.toString(), shiftMs });
    assert.equal(r.out.isSignedIn, true, `shift ${shiftMs}`);
    assert.equal(r.signedIn, true, `shift ${shiftMs}: still signed in`);
    assert.deepEqual(r.calls, [], `shift ${shiftMs}: no refresh`);
    assert.ok(r.expiresIn > 3000 && r.expiresIn <= 3600, `expiresAt is on the device's clock: ${r.expiresIn}s left`);
  }
});
