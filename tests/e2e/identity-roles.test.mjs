// IdentityPool with every kind of login and a role choice, in a page against local-aws: developer-authenticated
// identities (this test process plays the app's backend: it calls GetOpenIdTokenForDeveloperIdentity signed
// with the development key by @smithy/signature-v4, the AWS SDK's signer, and the page asks it through
// `developer: async () => ...`), the pool's rules-based role mapping on an OIDC claim, token-based mapping of a
// user pool group's role, and `customRoleArn`. Which role the credentials carry is read from what S3 allows:
// config.json's "editors" role writes shared/*, "readers" only reads it, the authenticated role cannot (all
// three keep the user's own private/ prefix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();

/** The app's backend: an identity id and OpenID token for one of its users (signed with the developer key). */
async function backend(user, { identityId } = {}) {
  const s = env.state;
  const url = new URL(`${s.endpoint}/`);
  const signer = new SignatureV4({ credentials: s.credentials, region: s.region, service: 'cognito-identity', sha256: Sha256 });
  const body = JSON.stringify({ IdentityPoolId: s.identityPoolId, Logins: { [s.developerProviderName]: user }, ...(identityId ? { IdentityId: identityId } : {}) });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetOpenIdTokenForDeveloperIdentity' },
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const answer = await res.json();
  assert.equal(res.status, 200, JSON.stringify(answer));
  return { identityId: answer.IdentityId, token: answer.Token };
}

/** A page whose `window.appBackend(user)` is `backend(user)`, running `fn(t, a)` with the helpers of `setup`. */
async function runWithBackend(fn, arg = {}) {
  const page = await env.open('main', '/tests/e2e/pages/blank.html', {
    beforeGoto: (p) => p.exposeFunction('appBackend', (user, opts) => backend(user, opts)),
  });
  return page.evaluate(async ([setupSrc, src, a]) => {
    const t = await (0, eval)(`(${setupSrc})`)(a);
    return (0, eval)(`(${src})`)(t, a);
  }, [setup.toString(), fn.toString(), { state: env.state, ...arg }]);
}

/** Page helper: pools bound to local-aws, a request log, and what S3 lets a set of credentials do. */
async function setup(a) {
  const { UserPool, IdentityPool, S3 } = await import('/pkg/index.js');
  const s = a.state;
  const log = [];
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (url, init) => {
    log.push(init?.headers?.['x-amz-target']?.split('.').pop() ?? `${init?.method ?? 'GET'} ${new URL(url).pathname}`);
    return realFetch(url, init);
  };
  const identity = (extra = {}) => new IdentityPool({ region: s.region, identityPoolId: s.identityPoolId, endpoint: `${s.endpoint}/`, storage: 'memory', ...extra });
  const userPool = () => new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/`, storage: 'memory' });
  const s3 = (credentials) => new S3({ region: s.region, bucket: s.bucket, endpoint: s.endpoint, credentials });
  const caught = async (p) => p.then((v) => ({ ok: v ?? true }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
  const oidc = async (claims) => (await (await realFetch(s.oidcToken, {
    method: 'POST', body: JSON.stringify({ sub: `roles-${crypto.randomUUID()}`, aud: s.oidcAudience, claims }),
  })).json()).idToken;
  /** What the credentials may do: write shared/, read shared/, write their own private prefix. */
  const allowed = async (ids) => {
    const { identityId } = await ids.getCredentials();
    const b = s3(ids);
    const ok = async (p) => (await caught(p)).ok !== undefined;
    return {
      writeShared: await ok(b.putObject(`shared/e2e-${crypto.randomUUID()}.txt`, 'x')),
      readShared: await ok(b.getObject('shared/e2e-seed.txt').then((r) => r.text())),
      writePrivate: await ok(b.putObject(`private/${identityId}/e2e.txt`, 'x')),
    };
  };
  await s3(s.credentials).putObject('shared/e2e-seed.txt', 'seed');
  log.length = 0;
  return { s, log, identity, userPool, s3, caught, oidc, allowed, realFetch };
}

const EDITORS = { writeShared: true, readShared: true, writePrivate: true };
const READERS = { writeShared: false, readShared: true, writePrivate: true };
const AUTHENTICATED = { writeShared: false, readShared: false, writePrivate: true };

test('a developer-authenticated identity: the backend gives the id and token, the page gets its credentials', TEST_TIMEOUT, async () => {
  const user = `backend-user-${Date.now()}`;
  const r = await runWithBackend(async (t, a) => {
    let asked = 0;
    const ids = t.identity({ developer: async () => { asked += 1; return window.appBackend(a.user); } });
    const first = await ids.getCredentials();
    const calls = t.log.splice(0);
    const can = await t.allowed(ids);
    t.log.length = 0;
    const refreshed = await ids.getCredentials({ forceRefresh: true });
    const refreshCalls = t.log.splice(0);
    // A fixed { identityId, token } works too; the same user always has the same identity.
    const fixed = await t.identity({ developer: await window.appBackend(a.user) }).getCredentials();
    t.log.length = 0;
    // The basic flow takes the developer token straight to STS.
    const basic = await t.identity({
      developer: () => window.appBackend(a.user),
      basicFlow: { authenticatedRoleArn: t.s.roles.authenticated, stsEndpoint: `${t.s.endpoint}/` },
    });
    const basicCreds = await basic.getCredentials();
    const basicCalls = t.log.splice(0);
    const basicCan = await t.allowed(basic);
    return {
      first: { id: first.identityId, authenticated: first.authenticated }, calls, can, asked,
      refreshed: { id: refreshed.identityId, key: refreshed.accessKeyId !== first.accessKeyId }, refreshCalls,
      fixed: fixed.identityId, basic: basicCreds.identityId, basicCalls, basicCan,
    };
  }, { user });
  const expected = await backend(user);
  assert.equal(r.first.id, expected.identityId, 'the identity id the backend was given');
  assert.equal(r.first.authenticated, true);
  assert.deepEqual(r.calls, ['GetCredentialsForIdentity'], 'no GetId: the id comes from the backend');
  assert.deepEqual(r.can, AUTHENTICATED);
  assert.equal(r.asked, 2, 'the backend is asked once per fetch (again for the refresh: its token lasts 15 minutes), not per request');
  assert.deepEqual(r.refreshed, { id: expected.identityId, key: true });
  assert.deepEqual(r.refreshCalls, ['GetCredentialsForIdentity']);
  assert.equal(r.fixed, expected.identityId);
  assert.equal(r.basic, expected.identityId);
  assert.deepEqual(r.basicCalls, ['POST /'], 'basic flow: STS only, no GetOpenIdToken');
  assert.deepEqual(r.basicCan, AUTHENTICATED);
});

test('a developer token for another identity, or a malformed one, is refused', TEST_TIMEOUT, async () => {
  const r = await runWithBackend(async (t, a) => {
    const mine = await window.appBackend(`${a.user}-a`);
    const theirs = await window.appBackend(`${a.user}-b`);
    const swapped = await t.caught(t.identity({ developer: { identityId: theirs.identityId, token: mine.token } }).getCredentials());
    const tampered = await t.caught(t.identity({ developer: { identityId: mine.identityId, token: `${mine.token.slice(0, -6)}AAAAAA` } }).getCredentials());
    t.log.length = 0;
    const badId = await t.caught(t.identity({ developer: { identityId: 'not-an-id', token: mine.token } }).getCredentials());
    const notJwt = await t.caught(t.identity({ developer: { identityId: mine.identityId, token: 'opaque' } }).getCredentials());
    const missing = await t.caught(t.identity({ developer: async () => ({ identityId: mine.identityId }) }).getCredentials());
    const sent = t.log.splice(0);
    return { swapped, tampered, badId, notJwt, missing, sent };
  }, { user: `backend-user-${Date.now()}` });
  assert.equal(r.swapped.error.code, 'NotAuthorizedException');
  assert.match(r.swapped.error.message, /^Logins don't match/);
  assert.equal(r.tampered.error.code, 'NotAuthorizedException');
  for (const e of [r.badId, r.notJwt, r.missing]) assert.equal(e.error.code, 'InvalidArgument');
  assert.deepEqual(r.sent, [], 'malformed input never leaves the page');
});

test('a rules-based role mapping chooses the role by a claim of the OIDC token', TEST_TIMEOUT, async () => {
  const r = await runWithBackend(async (t) => {
    const via = async (claims, extra = {}) => t.identity({ logins: { [t.s.oidcProvider]: await t.oidc(claims) }, ...extra });
    return {
      editorial: await t.allowed(await via({ department: 'editorial' })),
      reviewing: await t.allowed(await via({ department: 'reviewing' })),
      sales: await t.allowed(await via({ department: 'sales' })),
      // Only the editorial rule matches: another rule's role cannot be asked for.
      refused: await t.caught((await via({ department: 'editorial' }, { customRoleArn: t.s.roles.readers })).getCredentials()),
    };
  });
  assert.deepEqual(r.editorial, EDITORS);
  assert.deepEqual(r.reviewing, READERS);
  assert.deepEqual(r.sales, AUTHENTICATED, 'no rule matches: AmbiguousRoleResolution AuthenticatedRole');
  assert.equal(r.refused.error.code, 'NotAuthorizedException');
});

test('token-based mapping gives a group member its preferred role; customRoleArn picks another of its roles', TEST_TIMEOUT, async () => {
  const editor = env.state.users.find((u) => u.groups?.includes('editors'));
  const r = await runWithBackend(async (t, a) => {
    const users = t.userPool();
    await users.signIn({ username: a.editor.username, password: a.editor.password });
    const preferred = await t.allowed(t.identity({ userPool: users }));
    const asReader = await t.allowed(t.identity({ userPool: users, customRoleArn: t.s.roles.readers }));
    const notTheirs = await t.caught(t.identity({ userPool: users, customRoleArn: t.s.roles.authenticated }).getCredentials());
    t.log.length = 0;
    const malformed = await t.caught(Promise.resolve().then(() => t.identity({ userPool: users, customRoleArn: 'editors' })));
    const withBasic = await t.caught(Promise.resolve().then(() => t.identity({ customRoleArn: t.s.roles.readers, basicFlow: {} })));
    const badLogins = await Promise.all([
      { 'https://accounts.google.com': 'a.b.c' }, { 'accounts.google.com': 'not-a-jwt' }, { 'graph.facebook.com': 'has space' },
      { 'arn:aws:iam::123:saml-provider/x': 'PHNhbWw+' },
    ].map((logins) => t.caught(t.identity({ logins }).getCredentials())));
    return { preferred, asReader, notTheirs, malformed, withBasic, badLogins, sent: t.log.splice(0) };
  }, { editor });
  assert.deepEqual(r.preferred, EDITORS, 'cognito:preferred_role: the group with the lowest precedence');
  assert.deepEqual(r.asReader, READERS);
  assert.equal(r.notTheirs.error.code, 'NotAuthorizedException', 'a role outside cognito:roles is denied');
  assert.equal(r.malformed.error.code, 'InvalidArgument');
  assert.equal(r.withBasic.error.code, 'InvalidArgument');
  for (const e of r.badLogins) assert.equal(e.error.code, 'InvalidArgument', JSON.stringify(e));
  assert.ok(!r.badLogins.some((e) => /not-a-jwt|has space/.test(e.error.message)), 'tokens are never in messages');
  assert.deepEqual(r.sent, [], 'malformed input never leaves the page');
});
