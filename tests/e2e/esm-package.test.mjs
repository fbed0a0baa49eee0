// The ESM package (pkg/index.js) imported by a page: signed S3 and DynamoDB requests against local-aws,
// and presigned URLs used from a second origin that has no credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const prefix = runPrefix();
const AWKWARD = "a b//ü+!'()*~ [x].txt"; // spaces, unicode, sub-delims, an empty path segment
test('pkg/index.js imports in a page and exports signRequest and presignUrl', TEST_TIMEOUT, async () => {
  const page = await env.open('main');
  const types = await page.evaluate(async () => {
    const m = await import('/pkg/index.js');
    return { signRequest: typeof m.signRequest, presignUrl: typeof m.presignUrl };
  });
  assert.deepEqual(types, { signRequest: 'function', presignUrl: 'function' });
});

test('a wasm the bundle left behind (404) rejects the import with LoadError naming the fix', TEST_TIMEOUT, async () => {
  const page = await env.open('main', '/tests/e2e/pages/blank.html', {
    beforeGoto: (p) => p.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'not found' })),
  });
  const err = await page.evaluate(() => import('/pkg/index.js').then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message })));
  assert.equal(err?.code, 'LoadError', JSON.stringify(err));
  assert.match(err.message, /\/pkg\/cognito_fetch_bg\.wasm: HTTP 404 \(Rollup, esbuild: copy it beside the bundle, README "Bundlers"\)$/);
});

test('PUT a binary object under an awkward key, GET it back byte-identical', TEST_TIMEOUT, async () => {
  const key = prefix + 'put-get/' + AWKWARD;
  const r = await env.run('main', async (t, a) => {
    const put = await t.putBytes256(a.state, a.key);
    const get = await t.s3(a.state, { key: a.key });
    return { put, get, want: t.toHex(t.bytes256()) };
  }, { key });
  assert.equal(r.put.status, 200, r.put.text);
  assert.match(r.put.headers.etag ?? '', /^"[0-9a-f]{32}"$/, 'ETag exposed to the page');
  assert.equal(r.get.status, 200, r.get.text);
  assert.equal(r.get.hex, r.want);
});

test('GET with a signed Range header returns 206 and exactly those bytes', TEST_TIMEOUT, async () => {
  const key = prefix + 'range/' + AWKWARD;
  const r = await env.run('main', async (t, a) => {
    const put = await t.putBytes256(a.state, a.key);
    const get = await t.s3(a.state, { key: a.key, headers: { Range: 'bytes=10-19' } });
    return { put: put.status, get, want: t.toHex(t.bytes256().slice(10, 20)) };
  }, { key });
  assert.equal(r.put, 200);
  assert.match(r.get.signed.headers.authorization, /SignedHeaders=[^,]*\brange\b/, 'range is signed');
  assert.equal(r.get.status, 206, r.get.text);
  assert.equal(r.get.hex, r.want);
});

test('ListObjectsV2 with a prefix lists the awkward key', TEST_TIMEOUT, async () => {
  const dir = prefix + 'list/';
  const key = dir + AWKWARD;
  const r = await env.run('main', async (t, a) => {
    const put = await t.putBytes256(a.state, a.key);
    const query = `list-type=2&prefix=${encodeURIComponent(a.dir)}`;
    const list = await t.s3(a.state, { query });
    return { put: put.status, list, keys: t.listedKeys(list.text) };
  }, { key, dir });
  assert.equal(r.put, 200);
  assert.equal(r.list.status, 200, r.list.text);
  assert.deepEqual(r.keys, [key]);
});

test('a presigned GET URL works from another origin with no credentials', TEST_TIMEOUT, async () => {
  const key = prefix + 'presigned-get/' + AWKWARD;
  const made = await env.run('main', async (t, a) => {
    const put = await t.putBytes256(a.state, a.key);
    const url = await t.presignUrl({
      url: t.s3Url(a.state, a.key), expiresIn: 300, region: a.state.region, service: 's3', credentials: a.state.credentials,
    });
    return { put: put.status, url, origin: location.origin };
  }, { key });
  assert.equal(made.put, 200);
  assert.equal(typeof made.url, 'string');
  assert.match(made.url, /X-Amz-Signature=[0-9a-f]{64}/);

  const page = await env.open('other');
  const got = await page.evaluate(async (url) => {
    const res = await fetch(url);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, origin: location.origin, ok: bytes.length === 256 && bytes.every((b, i) => b === i),
      text: new TextDecoder().decode(bytes) };
  }, made.url);
  assert.ok(!made.url.includes(env.state.credentials.secretAccessKey), 'no secret in the URL');
  assert.notEqual(got.origin, made.origin);
  assert.equal(got.status, 200, got.text);
  assert.ok(got.ok, 'the same 256 bytes');
});

test('a presigned PUT URL works from another origin; a signed GET then sees the new content', TEST_TIMEOUT, async () => {
  const key = prefix + 'presigned-put/' + AWKWARD;
  const content = `uploaded with a presigned URL ✓ ${Date.now()}`;
  const url = await env.run('main', (t, a) => t.presignUrl({
    method: 'PUT', url: t.s3Url(a.state, a.key), expiresIn: 300,
    region: a.state.region, service: 's3', credentials: a.state.credentials,
  }), { key });

  const page = await env.open('other');
  const put = await page.evaluate(async ([u, body]) => {
    const res = await fetch(u, { method: 'PUT', body });
    return { status: res.status, text: await res.text() };
  }, [url, content]);
  assert.equal(put.status, 200, put.text);

  const get = await env.run('main', (t, a) => t.s3(a.state, { key: a.key }), { key });
  assert.equal(get.status, 200, get.text);
  assert.equal(get.text, content);
});

test('DynamoDB PutItem then GetItem round-trips an item', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (t, a) => {
    const { partitionKey: pk, sortKey: sk } = a.state.tableKey;
    const Key = { [pk]: { S: 'e2e' }, [sk]: { S: a.id } };
    const Item = { ...Key, note: { S: 'héllo ✓ "quoted" +/=' }, n: { N: '42' } };
    const put = await t.ddb(a.state, 'PutItem', { Item });
    const get = await t.ddb(a.state, 'GetItem', { Key, ConsistentRead: true });
    return { put, get, Item };
  }, { id: prefix + 'ddb' });
  assert.equal(r.put.status, 200, r.put.text);
  assert.equal(r.get.status, 200, r.get.text);
  assert.deepEqual(r.get.json.Item, r.Item);
});

test('a Blob body with unsignedPayload: true is stored (x-amz-content-sha256: UNSIGNED-PAYLOAD)', TEST_TIMEOUT, async () => {
  const key = prefix + 'blob/' + AWKWARD;
  const r = await env.run('main', async (t, a) => {
    const body = new Blob([t.bytes256()], { type: 'application/octet-stream' });
    const put = await t.s3(a.state, { method: 'PUT', key: a.key, body, unsignedPayload: true });
    const get = await t.s3(a.state, { key: a.key });
    return { put, get, want: t.toHex(t.bytes256()) };
  }, { key });
  assert.equal(r.put.signed.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  assert.equal(r.put.status, 200, r.put.text);
  assert.equal(r.get.hex, r.want);
});

test('headers as a plain object, a Headers or [name, value] pairs sign the same', TEST_TIMEOUT, async () => {
  const r = await env.run('main', (t, a) => {
    const pairs = [['X-Amz-Target', 'DynamoDB_20120810.ListTables'], ['Content-Type', 'application/x-amz-json-1.0']];
    const sign = (headers) => t.signRequest({
      method: 'POST', url: `${a.state.endpoint}/`, body: '{}', headers, region: a.state.region, service: 'dynamodb',
      credentials: a.state.credentials, datetime: '20240102T030405Z', // fixed, so the three can be compared
    });
    return Promise.all([Object.fromEntries(pairs), new Headers(pairs), pairs].map(sign));
  });
  const [fromObject, fromHeaders, fromPairs] = r;
  assert.match(fromObject.headers.authorization, /SignedHeaders=[^,]*content-type;[^,]*x-amz-target/);
  assert.deepEqual(fromHeaders, fromObject);
  assert.deepEqual(fromPairs, fromObject);
});
