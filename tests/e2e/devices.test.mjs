// Remembered devices in a page against local-aws: an MFA user signs in (email code), the device is confirmed
// (ConfirmDevice with its SRP verifier) and remembered; after sign-out the next sign-in skips the MFA code (the
// device proves itself with DEVICE_SRP_AUTH); fetchDevices lists it by name; forgetDevice brings the code back; a
// tampered device password fails the device proof (local-aws refuses); device keys left by
// amazon-cognito-identity-js are adopted. The pool (device tracking on, MFA required) is made here with signed
// admin calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT, ROOT } from './harness.mjs';

const env = e2e();
let pool;

/** One signed admin call to local-aws's Cognito (SigV4 by this package, from Node). */
async function admin(op, body) {
  const { signRequest } = await import(`${ROOT}/pkg/node.js`);
  const s = env.state;
  const req = signRequest({
    method: 'POST', url: `${s.endpoint}/`, region: s.region, service: 'cognito-idp', credentials: s.credentials,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` }, body: JSON.stringify(body),
  });
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(out)}`);
  return out;
}

/** The pool, made once (after the harness's local-aws is up). */
async function ensurePool() {
  if (pool) return;
  const { UserPool } = await admin('CreateUserPool', {
    PoolName: 'e2e-devices',
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: false, RequireLowercase: false, RequireNumbers: false, RequireSymbols: false } },
  });
  await admin('SetUserPoolMfaConfig', { UserPoolId: UserPool.Id, MfaConfiguration: 'ON', EmailMfaConfiguration: { Message: 'Code {####}', Subject: 'Code' } });
  const { UserPoolClient } = await admin('CreateUserPoolClient', { UserPoolId: UserPool.Id, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  pool = { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

async function newUser(username, password) {
  await ensurePool();
  await admin('AdminCreateUser', { UserPoolId: pool.userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: username }, { Name: 'email_verified', Value: 'true' }] });
  await admin('AdminSetUserPassword', { UserPoolId: pool.userPoolId, Username: username, Password: password, Permanent: true });
  await admin('AdminSetUserMFAPreference', { UserPoolId: pool.userPoolId, Username: username, EmailMfaSettings: { Enabled: true, PreferredMfa: true } });
}

/** Page helper: the pool, outbox codes, error capture, a sign-in that answers the email code when asked. */
async function setup(lib, a) {
  const { UserPool } = await import('/pkg/index.js');
  const s = a.state;
  const make = () => new UserPool({ region: s.region, userPoolId: a.pool.userPoolId, clientId: a.pool.clientId, endpoint: `${s.endpoint}/` });
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
  const outboxCode = async (to) => (await (await fetch(`${s.outbox}?to=${encodeURIComponent(to)}`)).json()).at(-1)?.code;
  const targets = [];
  const realFetch = window.fetch;
  window.fetch = (url, init) => {
    targets.push(init?.headers?.['x-amz-target']?.split('.').pop());
    return realFetch(url, init);
  };
  const signIn = async (p, options) => {
    let out = await p.signIn({ username: a.username, password: a.password, options });
    const asked = out.nextStep.signInStep;
    if (asked === 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') out = await p.confirmSignIn({ challengeResponse: await outboxCode(a.username) });
    return { asked, done: out.isSignedIn };
  };
  localStorage.clear();
  return { make, caught, signIn, targets, s };
}

test('remember, sign in again without MFA, list, forget, MFA again; a tampered device password is refused', TEST_TIMEOUT, async () => {
  const username = `device-${Date.now()}@example.com`;
  const password = 'Device-Passw0rd!';
  await newUser(username, password);
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const p = t.make();
    const first = await t.signIn(p, { deviceName: 'Test browser' });
    const deviceKeys = Object.keys(localStorage).filter((k) => k.includes('.device.'));
    const record = JSON.parse(localStorage.getItem(deviceKeys[0]));
    const listedBefore = await p.fetchDevices();
    await p.rememberDevice();
    const listed = await p.fetchDevices();
    await p.signOut();
    t.targets.length = 0;
    const second = await t.signIn(p);
    const secondTargets = t.targets.slice();
    const session = await p.getSession();
    // The pool remembers devices: a refresh carries the confirmed device's key (local-aws refuses one without).
    const refreshed = await p.getSession({ forceRefresh: true });
    await p.signOut();
    // The stored device password tampered with: the device's proof fails at local-aws.
    const key = deviceKeys[0];
    const good = localStorage.getItem(key);
    const bad = JSON.parse(good);
    bad.devicePassword = `${bad.devicePassword.slice(0, -4)}AAA=`;
    localStorage.setItem(key, JSON.stringify(bad));
    const tampered = await t.caught(p.signIn({ username: a.username, password: a.password }));
    localStorage.setItem(key, good);
    await t.signIn(p);
    await p.forgetDevice();
    const recordAfterForget = localStorage.getItem(key);
    const listedAfterForget = await p.fetchDevices();
    await p.signOut();
    const third = await t.signIn(p);
    return {
      first, deviceKeys, record: { ...record, devicePassword: typeof record.devicePassword }, listedBefore, listed: listed.map((d) => ({ ...d, createDate: typeof d.createDate?.getTime })),
      second, secondTargets, signedIn: session?.username !== undefined, refreshed: refreshed?.tokens.accessToken !== session?.tokens.accessToken, tampered, recordAfterForget, listedAfterForget, third,
      newDeviceAfterForget: Object.keys(localStorage).filter((k) => k.includes('.device.')).map((k) => JSON.parse(localStorage.getItem(k)).deviceKey),
    };
  }, { setup: setup.toString(), pool, username, password });
  assert.deepEqual(r.first, { asked: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', done: true });
  assert.equal(r.deviceKeys.length, 1);
  assert.equal(r.deviceKeys[0], `cognito-fetch.${pool.clientId}.device.${username}`);
  assert.match(r.record.deviceKey, /^us-east-1_[0-9a-f-]{36}$/);
  assert.match(r.record.deviceGroupKey, /^-\w+$/);
  assert.equal(r.record.devicePassword, 'string');
  assert.equal(r.record.remembered, false, 'DeviceOnlyRememberedOnUserPrompt: not remembered until rememberDevice');
  assert.equal(r.listedBefore[0].attributes['dev:device_remembered_status'], 'not_remembered');
  assert.equal(r.listed.length, 1);
  assert.equal(r.listed[0].id, r.record.deviceKey);
  assert.equal(r.listed[0].name, 'Test browser');
  assert.equal(r.listed[0].attributes['dev:device_remembered_status'], 'remembered');
  assert.equal(r.listed[0].createDate, 'function');
  assert.deepEqual(r.second, { asked: 'DONE', done: true }, 'no MFA code on the remembered device');
  assert.deepEqual(r.secondTargets, ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
  assert.equal(r.signedIn, true);
  assert.equal(r.refreshed, true, 'the refresh with the device key gave new tokens');
  assert.equal(r.tampered.error.code, 'NotAuthorizedException');
  assert.equal(r.recordAfterForget, null);
  assert.deepEqual(r.listedAfterForget, []);
  assert.deepEqual(r.third, { asked: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', done: true }, 'the code is asked again after forgetDevice');
  assert.equal(r.newDeviceAfterForget.length, 1);
  assert.notEqual(r.newDeviceAfterForget[0], r.record.deviceKey, 'a new device after forgetDevice');
});

test('a failed ConfirmDevice leaves the user signed in, reports deviceError and stores no device', TEST_TIMEOUT, async () => {
  const username = `confirmfail-${Date.now()}@example.com`;
  const password = 'Confirm-Passw0rd!';
  await newUser(username, password);
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const inner = window.fetch;
    window.fetch = (url, init) => (init?.headers?.['x-amz-target']?.endsWith('.ConfirmDevice')
      ? Promise.resolve(new Response(JSON.stringify({ __type: 'InternalErrorException', message: 'injected' }), { status: 500, headers: { 'content-type': 'application/x-amz-json-1.1' } }))
      : inner(url, init));
    const p = t.make();
    let out = await p.signIn({ username: a.username, password: a.password });
    out = await p.confirmSignIn({ challengeResponse: await (await (await inner(`${t.s.outbox}?to=${encodeURIComponent(a.username)}`)).json()).at(-1).code });
    return { out, stored: Object.keys(localStorage).filter((k) => k.includes('.device.')), session: (await p.getSession()) !== null };
  }, { setup: setup.toString(), pool, username, password });
  assert.equal(r.out.isSignedIn, true);
  assert.deepEqual(r.out.deviceError, { name: 'InternalErrorException', message: 'injected' });
  assert.deepEqual(r.stored, []);
  assert.equal(r.session, true);
});

test("amazon-cognito-identity-js's device keys are adopted once and then used", TEST_TIMEOUT, async () => {
  const username = `legacy-${Date.now()}@example.com`;
  const password = 'Legacy-Passw0rd!';
  await newUser(username, password);
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const p = t.make();
    // Make a remembered device, then leave its keys as amazon-cognito-identity-js stores them.
    await t.signIn(p);
    await p.rememberDevice();
    await p.signOut();
    const ours = Object.keys(localStorage).find((k) => k.includes('.device.'));
    const d = JSON.parse(localStorage.getItem(ours));
    localStorage.removeItem(ours);
    const prefix = `CognitoIdentityServiceProvider.${a.pool.clientId}.${a.username}`;
    localStorage.setItem(`${prefix}.deviceKey`, d.deviceKey);
    localStorage.setItem(`${prefix}.deviceGroupKey`, d.deviceGroupKey);
    localStorage.setItem(`${prefix}.randomPasswordKey`, d.devicePassword);
    const adopted = await t.signIn(t.make());
    const legacyLeft = Object.keys(localStorage).filter((k) => k.startsWith('CognitoIdentityServiceProvider.'));
    const record = JSON.parse(localStorage.getItem(ours) ?? 'null');
    return { adopted, legacyLeft, sameKey: record?.deviceKey === d.deviceKey };
  }, { setup: setup.toString(), pool, username, password });
  assert.deepEqual(r.adopted, { asked: 'DONE', done: true }, 'the adopted device skips MFA');
  assert.deepEqual(r.legacyLeft, []);
  assert.equal(r.sameKey, true);
});
