// The ESM package in plain Node (no DOM, no browser): import, sign, and send with Node's fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e({ browser: false });
const prefix = runPrefix();
// The package as Node resolves it for `import` (the node export condition: package-exports.test.mjs checks it).
const pkg = () => import('../../pkg/node.js');

test('the package (pkg/node.js) imports in Node with no DOM and signs a request', TEST_TIMEOUT, async () => {
  assert.equal(globalThis.window, undefined);
  assert.equal(globalThis.document, undefined);
  const { signRequest } = await pkg();
  assert.equal(globalThis.window, undefined, 'importing the package defines no window');
  const s = env.state;
  const signed = signRequest({
    method: 'GET', url: `${s.endpoint}/${s.bucket}/a%20b.txt`, region: s.region, service: 's3',
    credentials: s.credentials, datetime: '20240102T030405Z',
  });
  assert.equal(typeof signed.then, 'undefined', 'signRequest is synchronous');
  assert.equal(signed.method, 'GET');
  assert.equal(typeof signed.url, 'string');
  assert.equal(signed.headers['x-amz-date'], '20240102T030405Z');
  assert.match(signed.headers['x-amz-content-sha256'], /^[0-9a-f]{64}$/);
  assert.match(signed.headers.authorization,
    new RegExp(`^AWS4-HMAC-SHA256 Credential=${s.credentials.accessKeyId}/20240102/${s.region}/s3/aws4_request,\\s*` +
      'SignedHeaders=[a-z0-9;-]+,\\s*Signature=[0-9a-f]{64}$'));
  for (const name of Object.keys(signed.headers)) assert.equal(name, name.toLowerCase());
  assert.ok(!JSON.stringify(signed).includes(s.credentials.secretAccessKey), 'the secret never appears');
});

test('a DynamoDB PutItem + GetItem signed in Node and sent with fetch succeed', TEST_TIMEOUT, async () => {
  const { signRequest } = await pkg();
  const s = env.state;
  const { partitionKey: pk, sortKey: sk } = s.tableKey;
  const Key = { [pk]: { S: 'node' }, [sk]: { S: prefix } };
  const Item = { ...Key, note: { S: 'signed in Node ✓' } };
  const call = async (op, payload) => {
    const body = JSON.stringify({ TableName: s.table, ...payload });
    const signed = await signRequest({
      method: 'POST', url: `${s.endpoint}/`, region: s.region, service: 'dynamodb', credentials: s.credentials, body,
      headers: { 'X-Amz-Target': `DynamoDB_20120810.${op}`, 'Content-Type': 'application/x-amz-json-1.0' },
    });
    const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body });
    return { status: res.status, text: await res.text() };
  };
  const put = await call('PutItem', { Item });
  assert.equal(put.status, 200, put.text);
  const get = await call('GetItem', { Key, ConsistentRead: true });
  assert.equal(get.status, 200, get.text);
  assert.deepEqual(JSON.parse(get.text).Item, Item);
});
