// Requests that local-aws must refuse, as AWS would, with the right error code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const prefix = runPrefix();

/** Asserts an AWS error response: status and code (and optionally a message part). */
function assertRejected(r, status, code, message) {
  const seen = `got ${r.status} ${r.code}: ${r.text}`;
  assert.equal(r.status, status, seen);
  assert.equal(r.code, code, seen);
  if (message) assert.match(r.message ?? '', message, seen);
}

test('S3: a wrong secret key gives 403 SignatureDoesNotMatch', TEST_TIMEOUT, async () => {
  const r = await env.run('main', (t, a) => t.s3(a.state, {
    method: 'PUT', key: a.key, body: 'x',
    credentials: { ...a.state.credentials, secretAccessKey: 'wrong' + a.state.credentials.secretAccessKey },
  }), { key: prefix + 'wrong-secret.txt' });
  assertRejected(r, 403, 'SignatureDoesNotMatch');
});

test('DynamoDB: a wrong secret key gives InvalidSignatureException', TEST_TIMEOUT, async () => {
  const r = await env.run('main', (t, a) => t.ddb(a.state, 'GetItem', {
    Key: { [a.state.tableKey.partitionKey]: { S: 'e2e' }, [a.state.tableKey.sortKey]: { S: 'nope' } },
  }, { credentials: { ...a.state.credentials, secretAccessKey: 'wrong' + a.state.credentials.secretAccessKey } }));
  assertRejected(r, 400, 'InvalidSignatureException');
});

test('S3: a body changed after signing gives XAmzContentSHA256Mismatch', TEST_TIMEOUT, async () => {
  // Same length, so only the payload hash can tell.
  const r = await env.run('main', (t, a) => t.s3(a.state, {
    method: 'PUT', key: a.key, body: 'hello world', sendBody: 'HELLO WORLD',
  }), { key: prefix + 'tampered.txt' });
  assertRejected(r, 400, 'XAmzContentSHA256Mismatch');
});

test('DynamoDB: a body changed after signing gives InvalidSignatureException', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (t, a) => {
    const { partitionKey: pk, sortKey: sk } = a.state.tableKey;
    const item = (v) => JSON.stringify({ TableName: a.state.table, Item: { [pk]: { S: 'e2e' }, [sk]: { S: v } } });
    return t.signedFetch(a.state, {
      method: 'POST', url: `${a.state.endpoint}/`, service: 'dynamodb', body: item('aaaa'), sendBody: item('bbbb'),
      headers: { 'X-Amz-Target': 'DynamoDB_20120810.PutItem', 'Content-Type': 'application/x-amz-json-1.0' },
    });
  });
  assertRejected(r, 400, 'InvalidSignatureException');
});

test('S3: a request signed 20 minutes ago gives 403 RequestTimeTooSkewed', TEST_TIMEOUT, async () => {
  const r = await env.run('main', (t, a) => t.s3(a.state, {
    key: a.key, datetime: t.amzDate(new Date(Date.now() - 20 * 60_000)),
  }), { key: prefix + 'skewed.txt' });
  assertRejected(r, 403, 'RequestTimeTooSkewed');
});

test('S3: an expired presigned URL gives 403 AccessDenied "Request has expired"', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (t, a) => {
    const put = await t.s3(a.state, { method: 'PUT', key: a.key, body: 'soon gone' });
    const url = await t.presignUrl({
      url: t.s3Url(a.state, a.key), expiresIn: 60, datetime: t.amzDate(new Date(Date.now() - 2 * 3600_000)),
      region: a.state.region, service: 's3', credentials: a.state.credentials,
    });
    return { put: put.status, ...(await t.summarize(await fetch(url))) };
  }, { key: prefix + 'expired.txt' });
  assert.equal(r.put, 200);
  assertRejected(r, 403, 'AccessDenied', /Request has expired/);
});
