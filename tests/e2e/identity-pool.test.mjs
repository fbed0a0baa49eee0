// IdentityPool in a page against local-aws (which verifies Logins tokens, keeps one identity per user, issues
// per-identity temporary keys and enforces the roles' IAM policies): guests, signed-in users under their own
// prefix, one user unable to read another's data, returning visits, stale ids, other providers, the basic
// flow, credentials expiring during a multipart upload, and presigned URLs carrying the session token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const demo = () => env.state.users.find((u) => !u.temporary);

/** Page helper: pools bound to local-aws, a request log, and S3 / DynamoDB clients for any credentials. */
async function setup(lib, a) {
  const { UserPool, IdentityPool, S3, DynamoDB, AwsClient } = await import('/pkg/index.js');
  const s = a.state;
  const log = [];
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (url, init) => {
    const target = init?.headers?.['x-amz-target']?.split('.').pop();
    const auth = init?.headers?.authorization ?? '';
    log.push({ what: target ?? `${init?.method ?? 'GET'} ${new URL(url).pathname}`, key: auth.match(/Credential=([A-Z0-9]+)\//)?.[1] });
    return realFetch(url, init);
  };
  const userPool = (storage = 'local') => new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/`, storage });
  const identity = (extra = {}) => new IdentityPool({ region: s.region, identityPoolId: s.identityPoolId, endpoint: `${s.endpoint}/`, ...extra });
  const s3 = (credentials) => new S3({ region: s.region, bucket: s.bucket, endpoint: s.endpoint, credentials });
  const ddb = (credentials) => new DynamoDB({ region: s.region, endpoint: `${s.endpoint}/`, credentials });
  const admin = new AwsClient({ credentials: s.credentials, region: s.region });
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
  const settings = (body) => realFetch(`${s.endpoint}/__local/settings`, { method: 'POST', body: JSON.stringify(body) });
  const outboxCode = async (to) => (await (await realFetch(`${s.outbox}?to=${encodeURIComponent(to)}`)).json()).at(-1)?.code;
  localStorage.clear();
  return { s, log, userPool, identity, s3, ddb, admin, caught, settings, outboxCode, realFetch };
}

test('a guest gets the guest role only, keeps its identity id when signing in, then works under its own prefix', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.s3(t.s.credentials).putObject('public/hello.txt', 'hello, everyone');
    const users = t.userPool();
    const ids = t.identity({ userPool: users });
    const guest = await ids.getCredentials();
    const guestS3 = t.s3(ids);
    const publicRead = await (await guestS3.getObject('public/hello.txt')).text();
    const guestWrite = await t.caught(guestS3.putObject(`private/${guest.identityId}/x.txt`, 'no'));
    const guestDdb = await t.caught(t.ddb(ids).getItem({ TableName: t.s.table, Key: { pk: guest.identityId, sk: 'x' } }));
    const stored = JSON.parse(localStorage.getItem(`cognito-fetch.identity.${t.s.identityPoolId}`));
    await users.signIn({ username: a.user.username, password: a.user.password });
    const signedIn = await ids.getCredentials();
    const s3 = t.s3(ids);
    const prefix = `private/${signedIn.identityId}/`;
    await s3.putObject(`${prefix}note.txt`, 'mine');
    const mine = await (await s3.getObject(`${prefix}note.txt`)).text();
    const listed = await s3.listObjectsV2({ prefix });
    const listAll = await t.caught(s3.listObjectsV2({}));
    const item = { pk: signedIn.identityId, sk: 'profile', n: 1 };
    await t.ddb(ids).putItem({ TableName: t.s.table, Item: item });
    const back = await t.ddb(ids).getItem({ TableName: t.s.table, Key: { pk: signedIn.identityId, sk: 'profile' } });
    await s3.deleteObject(`${prefix}note.txt`);
    const storedAfter = JSON.parse(localStorage.getItem(`cognito-fetch.identity.${t.s.identityPoolId}`));
    const keysInStorage = Object.keys(localStorage).sort();
    await users.signOut();
    const afterSignOut = await ids.getCredentials();
    return {
      guest: { id: guest.identityId, authenticated: guest.authenticated, key: guest.accessKeyId, expiresIn: guest.expiration.getTime() - Date.now() },
      publicRead, guestWrite, guestDdb, stored, signedIn: { id: signedIn.identityId, authenticated: signedIn.authenticated, key: signedIn.accessKeyId },
      mine, listed: listed.contents.map((o) => o.key), listAll, back: back.Item, storedAfter, keysInStorage,
      afterSignOut: { id: afterSignOut.identityId, authenticated: afterSignOut.authenticated },
    };
  }, { setup: setup.toString(), user: demo() });
  assert.match(r.guest.id, /^us-east-1:[0-9a-f-]{36}$/);
  assert.equal(r.guest.authenticated, false);
  assert.match(r.guest.key, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(r.guest.expiresIn > 3000e3, 'expiration as a Date on this clock');
  assert.equal(r.publicRead, 'hello, everyone');
  assert.equal(r.guestWrite.error.name, 'AccessDenied');
  assert.equal(r.guestDdb.error.name, 'AccessDeniedException');
  assert.deepEqual(r.stored, { v: 1, identityId: r.guest.id, principal: '' }, 'only the id is remembered, no keys');
  assert.equal(r.signedIn.id, r.guest.id, 'the guest keeps its identity id when signing in');
  assert.equal(r.signedIn.authenticated, true);
  assert.notEqual(r.signedIn.key, r.guest.key);
  assert.equal(r.mine, 'mine');
  assert.deepEqual(r.listed, [`private/${r.guest.id}/note.txt`]);
  assert.equal(r.listAll.error.name, 'AccessDenied', 'listing other prefixes is denied');
  assert.deepEqual(r.back, { pk: r.guest.id, sk: 'profile', n: 1 });
  assert.equal(r.storedAfter.identityId, r.guest.id);
  assert.ok(!r.keysInStorage.some((k) => k.startsWith('cognito-fetch.credentials')), 'credentials are not persisted by default');
  assert.equal(r.afterSignOut.authenticated, false);
  assert.notEqual(r.afterSignOut.id, r.guest.id, "after sign-out a guest never gets the user's identity");
});

test("user A cannot read user B's objects or items (AccessDenied)", TEST_TIMEOUT, async () => {
  const other = `other-${Date.now()}@example.com`;
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const poolA = t.userPool('memory');
    const poolB = t.userPool('memory');
    await poolB.signUp({ username: a.other, password: 'Other-Passw0rd!', options: { userAttributes: { email: a.other } } });
    await poolB.confirmSignUp({ username: a.other, confirmationCode: await t.outboxCode(a.other) });
    await poolA.signIn({ username: a.user.username, password: a.user.password });
    await poolB.signIn({ username: a.other, password: 'Other-Passw0rd!' });
    const idsA = t.identity({ userPool: poolA, storage: 'memory' });
    const idsB = t.identity({ userPool: poolB, storage: 'memory' });
    const [credsA, credsB] = await Promise.all([idsA.getCredentials(), idsB.getCredentials()]);
    const keyA = `private/${credsA.identityId}/secret.txt`;
    await t.s3(idsA).putObject(keyA, 'A only');
    await t.ddb(idsA).putItem({ TableName: t.s.table, Item: { pk: credsA.identityId, sk: 'secret', v: 'A only' } });
    const s3B = t.s3(idsB);
    const ddbB = t.ddb(idsB);
    return {
      ids: [credsA.identityId, credsB.identityId],
      read: await t.caught(s3B.getObject(keyA)),
      head: await t.caught(s3B.headObject(keyA)),
      overwrite: await t.caught(s3B.putObject(keyA, 'B was here')),
      remove: await t.caught(s3B.deleteObject(keyA)),
      list: await t.caught(s3B.listObjectsV2({ prefix: `private/${credsA.identityId}/` })),
      presign: await t.caught(s3B.presignGet(keyA).then((u) => fetch(u)).then((res) => res.status)),
      item: await t.caught(ddbB.getItem({ TableName: t.s.table, Key: { pk: credsA.identityId, sk: 'secret' } })),
      query: await t.caught(ddbB.query({ TableName: t.s.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': credsA.identityId } })),
      batch: await t.caught(ddbB.batchWriteItem({ RequestItems: { [t.s.table]: [{ PutRequest: { Item: { pk: credsB.identityId, sk: 'ok' } } }, { DeleteRequest: { Key: { pk: credsA.identityId, sk: 'secret' } } }] } })),
      stillThere: await (await t.s3(idsA).getObject(keyA)).text(),
    };
  }, { setup: setup.toString(), user: demo(), other });
  assert.notEqual(r.ids[0], r.ids[1]);
  assert.equal(r.read.error.name, 'AccessDenied');
  assert.equal(r.head.error.name, 'Forbidden');
  assert.equal(r.overwrite.error.name, 'AccessDenied');
  assert.equal(r.remove.error.name, 'AccessDenied');
  assert.equal(r.list.error.name, 'AccessDenied');
  assert.deepEqual(r.presign, { ok: 403 }, "B's presigned URL for A's object is refused");
  assert.equal(r.item.error.name, 'AccessDeniedException');
  assert.equal(r.query.error.name, 'AccessDeniedException');
  assert.equal(r.batch.error.name, 'AccessDeniedException');
  assert.equal(r.stillThere, 'A only');
});

test('round trips: first visit and returning visit to the first S3 byte; concurrent callers share one fetch', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.s3(t.s.credentials).putObject('public/first-byte.txt', 'x');
    t.log.length = 0;
    const users = t.userPool();
    await users.signIn({ username: a.user.username, password: a.user.password });
    const ids = t.identity({ userPool: users });
    const s3 = t.s3(ids);
    await (await s3.getObject('public/first-byte.txt')).text();
    const first = t.log.map((l) => l.what);
    // Returning visit: a new page would build new instances over the same storage.
    t.log.length = 0;
    const ids2 = t.identity({ userPool: t.userPool() });
    const s3b = t.s3(ids2);
    await Promise.all([s3b.getObject('public/first-byte.txt'), s3b.getObject('public/first-byte.txt'), ids2.getCredentials()]);
    const returning = t.log.map((l) => l.what);
    // persistCredentials: the credentials are kept too, so a returning visit goes straight to S3.
    const persisted = t.identity({ userPool: t.userPool(), persistCredentials: true });
    await persisted.getCredentials();
    t.log.length = 0;
    const ids3 = t.identity({ userPool: t.userPool(), persistCredentials: true });
    await (await t.s3(ids3).getObject('public/first-byte.txt')).text();
    const returningPersisted = t.log.map((l) => l.what);
    await users.signOut();
    await ids3.clear();
    return { first, returning, returningPersisted, leftover: Object.keys(localStorage).filter((k) => k.startsWith('cognito-fetch.credentials')) };
  }, { setup: setup.toString(), user: demo() });
  assert.deepEqual(r.first, ['InitiateAuth', 'RespondToAuthChallenge', 'GetId', 'GetCredentialsForIdentity', 'GET /cognito-fetch-local/public/first-byte.txt']);
  assert.deepEqual(r.returning.filter((w) => !w.startsWith('GET')), ['GetCredentialsForIdentity'], 'no GetId, one credentials fetch for three callers');
  assert.deepEqual(r.returningPersisted, ['GET /cognito-fetch-local/public/first-byte.txt']);
  assert.deepEqual(r.leftover, []);
});

test('a deleted identity id is replaced once, quietly; other providers (OIDC) and the basic flow work', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const ids = t.identity();
    const before = await ids.getCredentials();
    const del = await t.admin.fetch(`${t.s.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.DeleteIdentities' },
      body: JSON.stringify({ IdentityIdsToDelete: [before.identityId] }),
      aws: { service: 'cognito-identity', region: t.s.region },
    });
    t.log.length = 0;
    const fresh = await t.identity().getCredentials();
    const recovery = t.log.map((l) => l.what);
    // An OIDC provider's ID token in Logins.
    const oidc = await (await t.realFetch(t.s.oidcToken, { method: 'POST', body: JSON.stringify({ sub: `oidc-user-${Date.now()}` }) })).json();
    const viaOidc = t.identity({ logins: () => ({ [t.s.oidcProvider]: oidc.idToken }), storage: 'memory' });
    const oidcCreds = await viaOidc.getCredentials();
    const again = await t.identity({ logins: { [t.s.oidcProvider]: oidc.idToken }, storage: 'memory' }).getCredentials();
    const oidcS3 = await t.caught(t.s3(viaOidc).putObject(`private/${oidcCreds.identityId}/o.txt`, 'oidc'));
    const badToken = await t.caught(t.identity({ logins: { [t.s.oidcProvider]: oidc.idToken.slice(0, -4) + 'AAAA' }, storage: 'memory' }).getCredentials());
    const noGuests = await t.caught(t.identity({ allowGuest: false, storage: 'memory' }).getCredentials());
    // Basic flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with the guest role.
    const basic = t.identity({ storage: 'memory', basicFlow: { unauthenticatedRoleArn: t.s.unauthenticatedRoleArn, authenticatedRoleArn: t.s.authenticatedRoleArn, stsEndpoint: `${t.s.endpoint}/` } });
    t.log.length = 0;
    const basicCreds = await basic.getCredentials();
    const basicCalls = t.log.map((l) => l.what);
    await t.s3(t.s.credentials).putObject('public/hello-basic.txt', 'basic');
    const basicRead = await t.caught(t.s3(basic).getObject('public/hello-basic.txt').then((res) => res.text()));
    const basicWrite = await t.caught(t.s3(basic).putObject('public/nope.txt', 'x'));
    return { del: del.status, before: before.identityId, fresh: fresh.identityId, recovery, oidc: oidcCreds.authenticated, sameOidc: again.identityId === oidcCreds.identityId, oidcS3: !!oidcS3.ok, badToken, noGuests, basicKey: basicCreds.accessKeyId, basicCalls, basicRead, basicWrite };
  }, { setup: setup.toString() });
  assert.equal(r.del, 200);
  assert.notEqual(r.fresh, r.before);
  assert.deepEqual(r.recovery, ['GetCredentialsForIdentity', 'GetId', 'GetCredentialsForIdentity'], 'the stale id is dropped and replaced once');
  assert.equal(r.oidc, true);
  assert.ok(r.sameOidc, 'the same OIDC subject keeps its identity');
  assert.ok(r.oidcS3, 'OIDC users get the authenticated role');
  assert.equal(r.badToken.error.name, 'NotAuthorizedException');
  assert.equal(r.noGuests.error.name, 'NotAuthorizedException');
  assert.match(r.basicKey, /^ASIA/);
  assert.deepEqual(r.basicCalls, ['GetId', 'GetOpenIdToken', 'POST /']);
  assert.deepEqual(r.basicRead, { ok: 'basic' }, 'the guest role may read public/');
  assert.equal(r.basicWrite.error.name, 'AccessDenied', 'but not write');
});

test('a multipart upload survives credentials that expire half-way; an ExpiredToken answer refreshes once', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.settings({ credentialSeconds: 3 });
    try {
      const users = t.userPool('memory');
      await users.signIn({ username: a.user.username, password: a.user.password });
      const ids = t.identity({ userPool: users, storage: 'memory' });
      const creds = await ids.getCredentials();
      const s3 = t.s3(ids);
      const size = 24 * 1024 * 1024;
      const data = new Uint8Array(size);
      crypto.getRandomValues(data.subarray(0, 65536));
      const key = `private/${creds.identityId}/big.bin`;
      const progress = [];
      t.log.length = 0;
      const started = Date.now();
      // One part at a time, and a pause between parts so that the 3-second credentials expire mid-way.
      const slow = new Blob([data]);
      const out = await s3.upload(key, slow, { partSize: 5 * 1024 * 1024, concurrency: 1, onProgress: (p) => { progress.push(p.loaded); const until = Date.now() + 700; while (Date.now() < until); } });
      const took = Date.now() - started;
      const keys = new Set(t.log.filter((l) => l.key).map((l) => l.key));
      const head = await s3.headObject(key);
      // An AwsClient fed expired credentials first: ExpiredToken, one refresh, one retry. (A GET: the answer
      // to a HEAD has no body to say why it failed.)
      const stale = await ids.getCredentials();
      await new Promise((res) => setTimeout(res, stale.expiration.getTime() - Date.now() + 1500));
      let calls = 0;
      const client = new (await import('/pkg/index.js')).AwsClient({
        region: t.s.region,
        credentials: async ({ forceRefresh }) => { calls++; return forceRefresh ? ids.getCredentials({ forceRefresh: true }) : stale; },
      });
      const res = await client.fetch(`${t.s.endpoint}/${t.s.bucket}/${key}`, { headers: { range: 'bytes=0-0' }, aws: { service: 's3' } });
      return { etag: out.etag, took, keys: keys.size, progress, length: head.contentLength, status: res.status, calls };
    } finally {
      await t.settings({ credentialSeconds: 3600 });
    }
  }, { setup: setup.toString(), user: demo() });
  assert.match(r.etag, /-5"$/, '5 parts');
  assert.ok(r.took > 3000, `the upload outlived the credentials (${r.took} ms)`);
  assert.ok(r.keys >= 2, `parts were signed with ${r.keys} different keys`);
  assert.equal(r.progress.at(-1), 24 * 1024 * 1024);
  assert.equal(r.length, 24 * 1024 * 1024);
  assert.equal(r.status, 206);
  assert.equal(r.calls, 2, 'expired credentials, then one forced refresh');
});

test("presigned URLs made with a user's temporary credentials carry the session token and work from another page", TEST_TIMEOUT, async () => {
  const urls = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const users = t.userPool('memory');
    await users.signIn({ username: a.user.username, password: a.user.password });
    const ids = t.identity({ userPool: users, storage: 'memory' });
    const creds = await ids.getCredentials();
    const s3 = t.s3(ids);
    const key = `private/${creds.identityId}/shared ü.txt`;
    await s3.putObject(key, 'shared with a link');
    return { get: await s3.presignGet(key, { expiresIn: 300 }), put: await s3.presignPut(`private/${creds.identityId}/dropbox.txt`, { contentType: 'text/plain' }) };
  }, { setup: setup.toString(), user: demo() });
  assert.match(urls.get, /X-Amz-Security-Token=/);
  const r = await env.run('other', async (lib, a) => {
    const got = await fetch(a.urls.get);
    const range = await fetch(a.urls.get, { headers: { range: 'bytes=0-5' } });
    const put = await fetch(a.urls.put, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'dropped' });
    const tampered = await fetch(a.urls.get.replace('shared', 'Shared'));
    return { got: [got.status, await got.text()], range: [range.status, await range.text()], put: put.status, tampered: tampered.status };
  }, { urls });
  assert.deepEqual(r.got, [200, 'shared with a link']);
  assert.deepEqual(r.range, [206, 'shared']);
  assert.equal(r.put, 200);
  assert.equal(r.tampered, 403);
});
