// Storage that refuses writes, in a page against local-aws: localStorage whose setItem throws
// QuotaExceededError (a full quota, Safari's private mode) and a custom storage that rejects. The user stays
// signed in for this page, a coded `storageError` event says so (no token in it), and nothing that was
// already stored is lost or changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const demo = () => env.state.users.find((u) => !u.temporary);

/** Page helper: pools on local-aws with the given storage, and an event log. */
async function setup(lib, a) {
  const { UserPool, IdentityPool } = await import('/pkg/index.js');
  const s = a.state;
  const events = [];
  const userPool = (storage) => {
    const pool = new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/`, storage });
    for (const e of ['signedIn', 'signedOut', 'tokenRefresh', 'storageError']) pool.on(e, (p) => events.push([e, JSON.stringify(p)]));
    return pool;
  };
  const identity = (extra) => {
    const ids = new IdentityPool({ region: s.region, identityPoolId: s.identityPoolId, endpoint: `${s.endpoint}/`, ...extra });
    ids.on('storageError', (p) => events.push(['ids:storageError', JSON.stringify(p)]));
    return ids;
  };
  localStorage.clear();
  return { s, events, userPool, identity, key: `cognito-fetch.${s.clientId}` };
}

test('localStorage.setItem throwing QuotaExceededError: signed in for this page, storageError emitted, stored data kept', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    localStorage.setItem('app-data', 'kept');
    localStorage.setItem(t.key, 'an old record of another format');
    const realSet = Storage.prototype.setItem;
    const realRemove = Storage.prototype.removeItem;
    Storage.prototype.setItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    Storage.prototype.removeItem = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const pool = t.userPool('local');
    const out = await pool.signIn({ username: a.user.username, password: a.user.password });
    const session = await pool.getSession();
    const refreshed = await pool.getSession({ forceRefresh: true });
    const attributes = await pool.fetchUserAttributes();
    const stored = { app: localStorage.getItem('app-data'), record: localStorage.getItem(t.key), keys: Object.keys(localStorage).sort() };
    await pool.signOut();
    const after = await pool.getSession();
    Storage.prototype.setItem = realSet;
    Storage.prototype.removeItem = realRemove;
    return { out, session: session?.username, refreshed: refreshed?.username, sub: attributes.sub, stored, after, events: t.events, keysAfter: Object.keys(localStorage).sort() };
  }, { user: demo(), setup: setup.toString() });
  assert.deepEqual(r.out, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal(r.session, demo().username, 'signed in for this page');
  assert.equal(r.refreshed, demo().username, 'a refresh works and is kept in memory too');
  assert.equal(typeof r.sub, 'string', 'calls authorised by the in-memory session work');
  assert.deepEqual(r.stored, { app: 'kept', record: 'an old record of another format', keys: ['app-data', `cognito-fetch.${env.state.clientId}`] }, 'nothing stored was lost or changed');
  assert.equal(r.after, null, 'signed out for this page even though the removal failed');
  assert.deepEqual(r.keysAfter, ['app-data', `cognito-fetch.${env.state.clientId}`]);
  const kinds = r.events.map((e) => e[0]);
  assert.deepEqual(kinds.filter((k) => k !== 'storageError'), ['signedIn', 'tokenRefresh', 'signedOut']);
  const errors = r.events.filter((e) => e[0] === 'storageError').map((e) => JSON.parse(e[1]));
  assert.ok(errors.length >= 3, 'one per refused write (sign-in, refresh, sign-out)');
  for (const e of errors) {
    assert.equal(e.error.name, 'StorageError');
    assert.equal(e.error.code, 'StorageError');
    assert.ok(['setItem', 'removeItem'].includes(e.operation));
    assert.equal(e.key, `cognito-fetch.${env.state.clientId}`);
  }
  assert.deepEqual([...new Set(errors.map((e) => e.operation))].sort(), ['removeItem', 'setItem']);
  for (const [, payload] of r.events) assert.doesNotMatch(payload, /eyJ|Passw0rd|quota/i, 'no token, password or storage message in events');
});

test('a custom storage that rejects: the user pool and the identity pool keep working for this page', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const held = new Map([['other', 'x']]);
    const storage = {
      getItem: async (k) => (held.has(k) ? held.get(k) : null),
      setItem: async () => { throw new Error('disk full'); },
      removeItem: async () => { throw new Error('read-only'); },
    };
    const pool = t.userPool(storage);
    await pool.signIn({ username: a.user.username, password: a.user.password });
    const ids = t.identity({ userPool: pool, storage, persistCredentials: true });
    const creds = await ids.getCredentials();
    const again = await ids.getCredentials();
    const id = await ids.getIdentityId();
    await ids.clear({ identityId: true });
    return { session: (await pool.getSession())?.username, creds: { id: creds.identityId, key: typeof creds.accessKeyId }, same: again.accessKeyId === creds.accessKeyId, id, held: [...held], events: t.events };
  }, { user: demo(), setup: setup.toString() });
  assert.equal(r.session, demo().username);
  assert.equal(r.creds.key, 'string');
  assert.equal(r.id, r.creds.id);
  assert.ok(r.same, 'the credentials are held in memory');
  assert.deepEqual(r.held, [['other', 'x']], 'what the storage held is untouched');
  const kinds = r.events.map((e) => e[0]);
  assert.ok(kinds.includes('storageError') && kinds.includes('ids:storageError'), kinds.join());
  for (const [, payload] of r.events) assert.doesNotMatch(payload, /eyJ|Passw0rd|disk full|read-only|ASIA|secret/i, 'no token, key or storage message in events');
});
