// More UserPool flows in a page against local-aws: TOTP set-up during sign-in (MFA required), choice-based
// USER_AUTH (email code, PASSWORD_SRP, PASSWORD asked afterwards), CUSTOM_AUTH with SRP, auto sign-in after
// sign-up, the account operations, and a session left by Amplify / amazon-cognito-identity-js migrated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();

/** Page helper: pools, outbox, TOTP codes (RFC 6238 with Web Crypto), error capture. */
async function setup(lib, a) {
  const { UserPool } = await import('/pkg/index.js');
  const s = a.state;
  const make = (extra = {}) => new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/`, appName: 'Demo App', ...extra });
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
  const outboxCode = async (to) => (await (await fetch(`${s.outbox}?to=${encodeURIComponent(to)}`)).json()).at(-1)?.code;
  const base32 = (text) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
    return Uint8Array.from(bits.match(/.{8}/g), (b) => parseInt(b, 2));
  };
  const totp = async (secret, offset = 0) => {
    const counter = Math.floor(Date.now() / 30000) + offset;
    const msg = new Uint8Array(8);
    new DataView(msg.buffer).setUint32(4, counter);
    const key = await crypto.subtle.importKey('raw', base32(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const h = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
    const o = h[19] & 15;
    const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
    return String(n % 1e6).padStart(6, '0');
  };
  localStorage.clear();
  return { make, caught, outboxCode, totp, s };
}

async function newUser(t, username, password, attributes = {}) {
  const pool = t.make();
  await pool.signUp({ username, password, options: { userAttributes: { email: username, ...attributes } } });
  await pool.confirmSignUp({ username, confirmationCode: await t.outboxCode(username) });
  return pool;
}

test('MFA required: TOTP set-up during sign-in gives an otpauth URI; a wrong code can be retried; the next sign-in asks for TOTP', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const pool = t.make({ userPoolId: t.s.mfaUserPoolId, clientId: t.s.mfaClientId });
    const user = t.s.mfaUsers[0];
    const first = await pool.signIn({ username: user.username, password: user.password });
    const secret = first.nextStep.totpSetupDetails?.sharedSecret;
    const wrong = await t.caught(pool.confirmSignIn({ challengeResponse: '000000' }));
    const done = await pool.confirmSignIn({ challengeResponse: await t.totp(secret) });
    const prefs = await pool.fetchMFAPreference();
    await pool.signOut();
    const again = await pool.signIn({ username: user.username, password: user.password });
    // The code of the next 30 s window: local-aws refuses a code already used, as Cognito does.
    const second = await pool.confirmSignIn({ challengeResponse: await t.totp(secret, 1) });
    await pool.signOut();
    return { step: first.nextStep.signInStep, uri: first.nextStep.totpSetupDetails?.setupUri, secret, wrong, done, prefs, again: again.nextStep.signInStep, second: second.isSignedIn };
  }, { setup: setup.toString() });
  assert.equal(r.step, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  assert.match(r.secret, /^[A-Z2-7]{32}$/, 'a 160-bit base32 secret');
  assert.equal(r.uri, `otpauth://totp/Demo%20App:${encodeURIComponent(env.state.mfaUsers[0].username)}?secret=${r.secret}&issuer=Demo%20App`);
  assert.equal(r.wrong.error.name, 'EnableSoftwareTokenMFAException');
  assert.equal(r.done.isSignedIn, true);
  assert.deepEqual(r.prefs, { enabled: ['TOTP'], preferred: 'TOTP' });
  assert.equal(r.again, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assert.equal(r.second, true);
});

test('USER_AUTH: choose EMAIL_OTP (passwordless), PASSWORD_SRP with the password given, PASSWORD asked afterwards', TEST_TIMEOUT, async () => {
  const username = `choice-${Date.now()}@example.com`;
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const pool = await (0, eval)(`(${a.newUser})`)(t, a.username, 'Choice-Passw0rd!');
    const opts = { authFlowType: 'USER_AUTH' };
    // 1. No preference: Cognito lists the choices; the user picks an email code.
    const choose = await pool.signIn({ username: a.username, options: opts });
    const emailStep = await pool.confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
    const emailDone = await pool.confirmSignIn({ challengeResponse: await t.outboxCode(a.username) });
    await pool.signOut();
    // 2. Preferred PASSWORD_SRP with the password: signed in at once.
    const srp = await pool.signIn({ username: a.username, password: 'Choice-Passw0rd!', options: { ...opts, preferredChallenge: 'PASSWORD_SRP' } });
    await pool.signOut();
    // 3. No password yet: pick PASSWORD, then the password is asked for.
    await pool.signIn({ username: a.username, options: opts });
    const asked = await pool.confirmSignIn({ challengeResponse: 'PASSWORD' });
    const wrongPassword = await t.caught(pool.confirmSignIn({ challengeResponse: 'not-it' }));
    await pool.signIn({ username: a.username, options: opts });
    await pool.confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
    const viaSrp = await pool.confirmSignIn({ challengeResponse: 'Choice-Passw0rd!' });
    await pool.signOut();
    // 4. Preferred EMAIL_OTP: the code step comes straight away.
    const direct = await pool.signIn({ username: a.username, options: { ...opts, preferredChallenge: 'EMAIL_OTP' } });
    return { choose, emailStep: emailStep.nextStep.signInStep, emailDone: emailDone.isSignedIn, srp: srp.isSignedIn, asked: asked.nextStep.signInStep, wrongPassword, viaSrp: viaSrp.isSignedIn, direct: direct.nextStep.signInStep };
  }, { username, setup: setup.toString(), newUser: newUser.toString() });
  assert.equal(r.choose.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  assert.deepEqual(r.choose.nextStep.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP']);
  assert.equal(r.emailStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assert.equal(r.emailDone, true);
  assert.equal(r.srp, true);
  assert.equal(r.asked, 'CONFIRM_SIGN_IN_WITH_PASSWORD');
  assert.equal(r.wrongPassword.error.name, 'NotAuthorizedException');
  assert.equal(r.viaSrp, true);
  assert.equal(r.direct, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
});

test('CUSTOM_WITH_SRP signs in through the custom flow; CUSTOM_WITHOUT_SRP surfaces Cognito\'s error', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const pool = t.make();
    const withSrp = await pool.signIn({ username: a.user.username, password: a.user.password, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    await pool.signOut();
    const without = await t.caught(pool.signIn({ username: a.user.username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } }));
    const noPassword = await t.caught(pool.signIn({ username: a.user.username }));
    return { withSrp: withSrp.isSignedIn, without, noPassword };
  }, { setup: setup.toString(), user: env.state.users.find((u) => !u.temporary) });
  assert.equal(r.withSrp, true);
  // local-aws has no Lambda triggers, so a custom challenge without SRP fails as Cognito fails without one.
  assert.equal(r.without.error.name, 'NotAuthorizedException');
  assert.equal(r.noPassword.error.name, 'InvalidArgument');
});

test('auto sign-in after a confirmed sign-up; the account: attributes, verification code, password, TOTP, delete', TEST_TIMEOUT, async () => {
  const username = `account-${Date.now()}@example.com`;
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const pool = t.make();
    await pool.signUp({ username: a.username, password: 'Account-Passw0rd!', options: { userAttributes: { email: a.username, name: 'Ann' }, autoSignIn: true } });
    const confirmed = await pool.confirmSignUp({ username: a.username, confirmationCode: await t.outboxCode(a.username) });
    const auto = await pool.autoSignIn();
    const twice = await t.caught(pool.autoSignIn());
    const attrs = await pool.fetchUserAttributes();
    const stored = localStorage.getItem(`cognito-fetch.${t.s.clientId}`);
    const newEmail = `new-${a.username}`;
    const updated = await pool.updateUserAttributes({ userAttributes: { name: 'Ann B', email: newEmail } });
    const badCode = await t.caught(pool.confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: '000000' }));
    await pool.confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: await t.outboxCode(newEmail) });
    const resent = await pool.sendUserAttributeVerificationCode({ userAttributeKey: 'email' });
    const after = await pool.fetchUserAttributes();
    const wrongOld = await t.caught(pool.updatePassword({ oldPassword: 'nope-Passw0rd!', newPassword: 'Changed-Passw0rd!' }));
    await pool.updatePassword({ oldPassword: 'Account-Passw0rd!', newPassword: 'Changed-Passw0rd!' });
    const totpSetup = await pool.setUpTOTP();
    const badTotp = await t.caught(pool.verifyTOTPSetup({ code: '000000' }));
    await pool.verifyTOTPSetup({ code: await t.totp(totpSetup.sharedSecret) });
    await pool.updateMFAPreference({ totp: 'PREFERRED' });
    const prefs = await pool.fetchMFAPreference();
    await pool.updateMFAPreference({ totp: 'DISABLED' });
    const prefsOff = await pool.fetchMFAPreference();
    await pool.signOut();
    const relogin = await pool.signIn({ username: a.username, password: 'Changed-Passw0rd!' });
    await pool.deleteUser();
    const gone = await t.caught(pool.signIn({ username: a.username, password: 'Changed-Passw0rd!' }));
    const signedOut = await t.caught(pool.fetchUserAttributes());
    return { confirmed, auto: auto.isSignedIn, twice, attrs, stored, updated, badCode, resent, after, wrongOld, badTotp, prefs, prefsOff, relogin: relogin.isSignedIn, gone, signedOut, session: await pool.getSession() };
  }, { username, setup: setup.toString() });
  assert.equal(r.confirmed.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
  assert.equal(r.auto, true);
  assert.equal(r.twice.error.name, 'AutoSignInException', 'the password is not kept after use');
  assert.equal(r.attrs.name, 'Ann');
  assert.equal(r.attrs.email, username);
  // One record of tokens and what the library needs. (The attribute check skips the tokens: their base64 text can
  // hold "Ann" by chance, about once in a hundred runs, and the ID token's claims are Cognito's own.)
  const record = JSON.parse(r.stored);
  assert.deepEqual(Object.keys(record).sort(), ['accessToken', 'clientId', 'clockOffset', 'expiresAt', 'idToken', 'refreshToken', 'username', 'v']);
  const { idToken, accessToken, refreshToken, ...rest } = record;
  assert.ok(!JSON.stringify(rest).includes('Ann'), 'no attributes in storage');
  assert.ok(!r.stored.includes('Account-Passw0rd'), 'no password in storage');
  assert.equal(r.updated.codeDeliveryDetails[0].attributeName, 'email');
  assert.equal(r.badCode.error.name, 'CodeMismatchException');
  assert.equal(r.resent.deliveryMedium, 'EMAIL');
  assert.equal(r.after.name, 'Ann B');
  assert.equal(r.after.email, `new-${username}`);
  assert.equal(r.after.email_verified, 'true');
  assert.equal(r.wrongOld.error.name, 'NotAuthorizedException');
  assert.equal(r.badTotp.error.name, 'EnableSoftwareTokenMFAException');
  assert.deepEqual(r.prefs, { enabled: ['TOTP'], preferred: 'TOTP' });
  assert.deepEqual(r.prefsOff, {});
  assert.equal(r.relogin, true);
  assert.equal(r.gone.error.name, 'NotAuthorizedException');
  assert.equal(r.signedOut.error.name, 'UserUnAuthenticatedException');
  assert.equal(r.session, null);
});

test('a session written by Amplify / amazon-cognito-identity-js is migrated once into one record, their keys removed', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    // Sign in with our library to get real tokens, then lay them out as Amplify does and forget our record.
    const pool = t.make();
    await pool.signIn({ username: a.user.username, password: a.user.password });
    const key = `cognito-fetch.${t.s.clientId}`;
    const ours = JSON.parse(localStorage.getItem(key));
    localStorage.clear();
    const prefix = `CognitoIdentityServiceProvider.${t.s.clientId}`;
    localStorage.setItem(`${prefix}.LastAuthUser`, ours.username);
    localStorage.setItem(`${prefix}.${ours.username}.idToken`, ours.idToken);
    localStorage.setItem(`${prefix}.${ours.username}.accessToken`, ours.accessToken);
    localStorage.setItem(`${prefix}.${ours.username}.refreshToken`, ours.refreshToken);
    localStorage.setItem(`${prefix}.${ours.username}.clockDrift`, '0');
    localStorage.setItem(`${prefix}.${ours.username}.signInDetails`, '{"loginId":"x"}');
    localStorage.setItem('unrelated', 'kept');
    const migrated = await t.make().getSession();
    const keys = Object.keys(localStorage).sort();
    const refreshed = await t.make().getSession({ forceRefresh: true });
    // A half-written Amplify session (no refresh token) is cleaned up and means signed out.
    localStorage.clear();
    localStorage.setItem(`${prefix}.LastAuthUser`, 'someone');
    localStorage.setItem(`${prefix}.someone.idToken`, ours.idToken);
    const half = await t.make().getSession();
    return { migrated: migrated?.username, same: migrated?.tokens.idToken === ours.idToken, keys, refreshed: !!refreshed?.tokens.accessToken, half, left: Object.keys(localStorage) };
  }, { setup: setup.toString(), user: env.state.users.find((u) => !u.temporary) });
  assert.ok(r.migrated);
  assert.ok(r.same);
  assert.deepEqual(r.keys, [`cognito-fetch.${env.state.clientId}`, 'unrelated']);
  assert.ok(r.refreshed, 'the migrated refresh token works');
  assert.equal(r.half, null);
  assert.deepEqual(r.left, []);
});

test('tabs: sign-in, refresh and sign-out in one tab are events in another; two tabs refreshing at once refresh once', TEST_TIMEOUT, async () => {
  const tab1 = await env.open('main');
  const tab2 = await tab1.context().newPage();
  await tab2.goto(tab1.url());
  const start = async (a) => {
    const { UserPool } = await import('/pkg/index.js');
    const s = a.state;
    window.pool = new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/` });
    window.events = [];
    for (const e of ['signedIn', 'signedOut', 'tokenRefresh']) window.pool.on(e, (p) => window.events.push(`${e}:${p.username}`));
    window.refreshes = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (url, init) => {
      if (init?.headers?.['x-amz-target']?.endsWith('GetTokensFromRefreshToken')) window.refreshes++;
      return realFetch(url, init);
    };
  };
  await tab1.evaluate(start, { state: env.state });
  await tab2.evaluate(start, { state: env.state });
  const user = env.state.users.find((u) => !u.temporary);
  await tab1.evaluate((u) => window.pool.signIn(u), { username: user.username, password: user.password });
  await tab2.waitForFunction(() => window.events.length >= 1, null, { timeout: 5000 });
  const seen = await tab2.evaluate(async () => ({ events: [...window.events], session: (await window.pool.getSession())?.username }));
  const [a, b] = await Promise.all([
    tab1.evaluate(() => window.pool.getSession({ forceRefresh: true }).then((s) => s.tokens.accessToken)),
    tab2.evaluate(() => window.pool.getSession({ forceRefresh: true }).then((s) => s.tokens.accessToken)),
  ]);
  const refreshes = (await tab1.evaluate(() => window.refreshes)) + (await tab2.evaluate(() => window.refreshes));
  await tab1.evaluate(() => window.pool.signOut());
  await tab2.waitForFunction(() => window.events.some((e) => e.startsWith('signedOut')), null, { timeout: 5000 });
  const after = await tab2.evaluate(async () => ({ events: [...window.events], session: await window.pool.getSession() }));
  const username = seen.session;
  assert.ok(username);
  assert.deepEqual(seen.events, [`signedIn:${username}`]);
  assert.equal(a, b, 'both tabs end with the same tokens');
  assert.equal(refreshes, 1, 'one refresh for two tabs (Web Locks)');
  assert.ok(after.events.includes(`signedOut:${username}`));
  assert.equal(after.session, null);
});
