// S3 and DynamoDB helpers in a page against local-aws, signed with the dev key (full access): object
// operations, listing with pagination, presigned URLs from another origin, multipart uploads with progress,
// DynamoDB round trips of every marshalling case, typed errors, and retries of injected 5xx/429.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { e2e, ROOT, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();

/** Page helper: S3 and DynamoDB clients for the seeded bucket and table. */
async function setup(lib, a) {
  const { S3, DynamoDB, AwsClient } = await import('/pkg/index.js');
  const s = a.state;
  const opts = { region: s.region, credentials: s.credentials, endpoint: s.endpoint };
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message, retryable: e.retryable, isError: e instanceof Error } }));
  const faults = (f) => fetch(`${s.endpoint}/__local/faults`, { method: f ? 'POST' : 'DELETE', body: f ? JSON.stringify(f) : undefined });
  return { s3: new S3({ ...opts, bucket: s.bucket }), ddb: new DynamoDB({ ...opts, endpoint: `${s.endpoint}/` }), client: new AwsClient({ credentials: s.credentials, region: s.region }), caught, faults, s };
}

test('S3: put, head, get with Range, delete, NoSuchKey and NotFound as typed errors', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const key = `tests/s3 helpers/ü ${Date.now()}.txt`;
    const put = await t.s3.putObject(key, 'hello, range', { contentType: 'text/plain', metadata: { Note: 'x' } });
    const head = await t.s3.headObject(key);
    const whole = await (await t.s3.getObject(key)).text();
    const ranged = await t.s3.getObject(key, { range: 'bytes=7-11' });
    const bytes = await t.s3.putObject(`${key}.bin`, lib.bytes256());
    const back = new Uint8Array(await (await t.s3.getObject(`${key}.bin`)).arrayBuffer());
    const blob = await t.s3.putObject(`${key}.blob`, new Blob(['from a blob']));
    const blobBack = await (await t.s3.getObject(`${key}.blob`)).text();
    await t.s3.deleteObject(key);
    const missing = await t.caught(t.s3.getObject(key));
    const headMissing = await t.caught(t.s3.headObject(key));
    const badKey = await t.caught(t.s3.getObject('a/../b'));
    return { put, head, whole, ranged: { status: ranged.status, text: await ranged.text() }, bytes: bytes.etag, backOk: back.length === 256 && back.every((b, i) => b === i), blob: blob.etag, blobBack, missing, headMissing, badKey };
  }, { setup: setup.toString() });
  assert.match(r.put.etag, /^"[0-9a-f]{32}"$/);
  assert.equal(r.head.contentLength, 12);
  assert.equal(r.head.contentType, 'text/plain');
  assert.equal(r.head.etag, r.put.etag);
  assert.equal(r.whole, 'hello, range');
  assert.deepEqual(r.ranged, { status: 206, text: 'range' });
  assert.ok(r.backOk, 'all 256 byte values round-trip');
  assert.ok(r.blob);
  assert.equal(r.blobBack, 'from a blob');
  assert.equal(r.missing.error.name, 'NoSuchKey');
  assert.equal(r.missing.error.isError, true);
  assert.equal(r.headMissing.error.name, 'NotFound');
  assert.equal(r.badKey.error.name, 'InvalidArgument');
});

test('S3: listObjectsV2 pages with continuation tokens, or all at once', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const prefix = `tests/list-${Date.now()}/`;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'sub/f']) await t.s3.putObject(prefix + name, name);
    const pages = [];
    let token;
    do {
      const page = await t.s3.listObjectsV2({ prefix, maxKeys: 2, continuationToken: token });
      pages.push(page.contents.map((o) => o.key.slice(prefix.length)));
      token = page.nextContinuationToken;
    } while (token);
    const all = await t.s3.listObjectsV2({ prefix, maxKeys: 2, all: true });
    const folders = await t.s3.listObjectsV2({ prefix, delimiter: '/' });
    return { pages, all: all.contents.map((o) => o.key.slice(prefix.length)), keyCount: all.keyCount, truncated: all.isTruncated, size: all.contents[0].size, prefixes: folders.commonPrefixes.map((p) => p.slice(prefix.length)) };
  }, { setup: setup.toString() });
  assert.deepEqual(r.pages, [['a', 'b'], ['c', 'd'], ['e', 'sub/f']]);
  assert.deepEqual(r.all, ['a', 'b', 'c', 'd', 'e', 'sub/f']);
  assert.equal(r.keyCount, 6);
  assert.equal(r.truncated, false);
  assert.equal(r.size, 1);
  assert.deepEqual(r.prefixes, ['sub/']);
});

test('S3: presigned GET (with and without a signed Range) and PUT work from another origin with no credentials', TEST_TIMEOUT, async () => {
  const urls = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const key = `tests/presigned ${Date.now()}/ü.txt`;
    await t.s3.putObject(key, '0123456789');
    return {
      get: await t.s3.presignGet(key, { expiresIn: 600, responseContentType: 'text/x-demo' }),
      ranged: await t.s3.presignGet(key, { range: 'bytes=2-4' }),
      put: await t.s3.presignPut(`${key}.up`, { contentType: 'text/plain' }),
      check: await t.s3.presignGet(`${key}.up`),
      tooLong: await t.caught(t.s3.presignGet(key, { expiresIn: 604801 })),
    };
  }, { setup: setup.toString() });
  assert.match(urls.get, /X-Amz-Expires=600/);
  assert.equal(urls.tooLong.error.name, 'InvalidExpires');
  const r = await env.run('other', async (lib, a) => {
    const plain = await fetch(a.urls.get);
    const unsignedRange = await fetch(a.urls.get, { headers: { range: 'bytes=0-1' } });
    const signedRange = await fetch(a.urls.ranged, { headers: { range: 'bytes=2-4' } });
    const missingRange = await fetch(a.urls.ranged);
    const put = await fetch(a.urls.put, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'uploaded' });
    const back = await fetch(a.urls.check);
    return {
      plain: [plain.status, plain.headers.get('content-type'), await plain.text()],
      unsignedRange: [unsignedRange.status, await unsignedRange.text()],
      signedRange: [signedRange.status, await signedRange.text()],
      missingRange: missingRange.status,
      put: put.status, back: await back.text(),
    };
  }, { urls });
  assert.deepEqual(r.plain, [200, 'text/x-demo', '0123456789']);
  assert.deepEqual(r.unsignedRange, [206, '01']);
  assert.deepEqual(r.signedRange, [206, '234']);
  assert.equal(r.missingRange, 403, 'a signed Range must be sent');
  assert.equal(r.put, 200);
  assert.equal(r.back, 'uploaded');
});

test('S3: multipart upload of 12 MiB in parallel parts with progress, and a small upload in one PUT', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const size = 12 * 1024 * 1024 + 123;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) data[i] = (i / 4096) & 255;
    const key = `tests/multipart ${Date.now()}.bin`;
    const progress = [];
    const out = await t.s3.upload(key, new Blob([data]), { partSize: 5 * 1024 * 1024, concurrency: 3, contentType: 'application/octet-stream', onProgress: (p) => progress.push(p) });
    const back = new Uint8Array(await (await t.s3.getObject(key)).arrayBuffer());
    const same = back.length === size && back.every((b, i) => b === data[i]);
    const small = [];
    const one = await t.s3.upload(`${key}.small`, 'tiny', { onProgress: (p) => small.push(p) });
    return { etag: out.etag, progress, same, one: one.etag, small };
  }, { setup: setup.toString() });
  assert.match(r.etag, /^"[0-9a-f]{32}-3"$/, 'a multipart ETag with 3 parts');
  assert.ok(r.same, 'the object reads back byte for byte');
  const loaded = r.progress.map((p) => p.loaded);
  assert.equal(loaded.length, 4, 'progress at the start and after each of the 3 parts');
  assert.deepEqual([loaded[0], loaded.at(-1)], [0, 12583035]);
  // Parts finish in any order: each step adds one part's size.
  const steps = loaded.slice(1).map((l, i) => l - loaded[i]).sort((x, y) => x - y);
  assert.deepEqual(steps, [2097275, 5242880, 5242880]);
  assert.ok(r.progress.every((p) => p.total === 12583035));
  assert.deepEqual(r.small, [{ loaded: 4, total: 4 }]);
});

test('DynamoDB: every marshalling case round-trips through putItem/getItem', TEST_TIMEOUT, async () => {
  const vectors = JSON.parse(await readFile(`${ROOT}/../shared/conformance/dynamodb/marshall_vectors.json`, 'utf8'));
  const seen = new Set();
  const cases = vectors.js_util_dynamodb.filter((c) => c.convertToAttr?.attr && Object.keys(c.options).length === 0 && !seen.has(c.name) && seen.add(c.name));
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const { marshall, unmarshall, numberValue } = await import('/pkg/index.js');
    // The vectors' encoding of JS values ($bytes_b64, $set, $bigint ...) as real JS values.
    const toJs = (v) => {
      if (Array.isArray(v)) return v.map(toJs);
      if (v && typeof v === 'object') {
        if ('$bytes_b64' in v) return Uint8Array.from(atob(v.$bytes_b64), (c) => c.charCodeAt(0));
        if ('$set' in v) return new Set(v.$set.map(toJs));
        if ('$bigint' in v) return BigInt(v.$bigint);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJs(x)]));
      }
      return v;
    };
    const wire = (attr) => JSON.parse(JSON.stringify(attr, (k, v) => (v && typeof v === 'object' && '$bytes_b64' in v ? v.$bytes_b64 : v)));
    const show = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes:${btoa(String.fromCharCode(...x))}` : x instanceof Set ? { set: [...x].map((i) => (i instanceof Uint8Array ? btoa(String.fromCharCode(...i)) : typeof i === 'bigint' ? `${i}n` : i)) } : x));
    const out = [];
    for (const c of a.cases) {
      const value = toJs(c.input);
      const marshalled = marshall({ v: value }).v;
      const pk = `marshall-${c.name}-${Date.now()}`;
      await t.ddb.putItem({ TableName: t.s.table, Item: { pk, sk: 'v', v: value } });
      const got = await t.ddb.getItem({ TableName: t.s.table, Key: { pk, sk: 'v' }, ConsistentRead: true });
      out.push({ name: c.name, marshalled: JSON.stringify(marshalled) === JSON.stringify(wire(c.convertToAttr.attr)), sent: show(value), back: show(got.Item.v) });
    }
    const big = await t.ddb.putItem({ TableName: t.s.table, Item: { pk: 'precise', sk: 'v', n: numberValue('0.1234567890123456789'), i: 12345678901234567890n } })
      .then(() => t.ddb.getItem({ TableName: t.s.table, Key: { pk: 'precise', sk: 'v' } }));
    const unsafe = await t.caught(t.ddb.putItem({ TableName: t.s.table, Item: { pk: 'x', sk: 'y', n: 2 ** 60 } }));
    return { out, big: { n: big.Item.n.value, i: typeof big.Item.i === 'bigint' ? `${big.Item.i}` : 'not a bigint' }, unsafe, un: show(unmarshall({ a: { N: '42' }, b: { SS: ['x'] } })) };
  }, { setup: setup.toString(), cases });
  assert.ok(r.out.length >= 20, `${r.out.length} cases`);
  for (const c of r.out) {
    assert.ok(c.marshalled, `${c.name}: marshalled as util-dynamodb does`);
    assert.equal(c.back, c.sent, `${c.name}: read back as sent`);
  }
  assert.deepEqual(r.big, { n: '0.1234567890123456789', i: '12345678901234567890' }, 'no silent rounding');
  assert.equal(r.unsafe.error.name, 'MarshallError');
  assert.equal(r.un, JSON.stringify({ a: 42, b: { set: ['x'] } }));
});

test('DynamoDB: update, conditional failure as a typed error, query and scan pages, batches, transactions', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const T = t.s.table;
    const pk = `ops-${Date.now()}`;
    const batch = await t.ddb.batchWriteItem({ RequestItems: { [T]: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk, sk: `item#${i}`, n: i } } })) } });
    const updated = await t.ddb.updateItem({ TableName: T, Key: { pk, sk: 'item#0' }, UpdateExpression: 'SET n = n + :one, tags = :t', ExpressionAttributeValues: { ':one': 1, ':t': new Set(['a', 'b']) }, ReturnValues: 'ALL_NEW' });
    const conditional = await t.caught(t.ddb.putItem({ TableName: T, Item: { pk, sk: 'item#1' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    const pages = [];
    let start;
    do {
      const page = await t.ddb.query({ TableName: T, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, Limit: 2, ExclusiveStartKey: start });
      pages.push(page.Items.map((i) => i.sk));
      start = page.LastEvaluatedKey;
    } while (start);
    const scanned = [];
    start = undefined;
    do {
      const page = await t.ddb.scan({ TableName: T, FilterExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, Limit: 50, ExclusiveStartKey: start });
      scanned.push(...page.Items.map((i) => i.sk));
      start = page.LastEvaluatedKey;
    } while (start);
    const got = await t.ddb.batchGetItem({ RequestItems: { [T]: { Keys: [{ pk, sk: 'item#2' }, { pk, sk: 'item#3' }] } } });
    const tx = await t.ddb.transactWriteItems({ TransactItems: [
      { Put: { TableName: T, Item: { pk, sk: 'tx' } } },
      { Delete: { TableName: T, Key: { pk, sk: 'item#4' } } },
    ] });
    const txFail = await t.caught(t.ddb.transactWriteItems({ TransactItems: [{ ConditionCheck: { TableName: T, Key: { pk, sk: 'nope' }, ConditionExpression: 'attribute_exists(pk)' } }] }));
    const deleted = await t.ddb.deleteItem({ TableName: T, Key: { pk, sk: 'tx' }, ReturnValues: 'ALL_OLD' });
    const validation = await t.caught(t.ddb.getItem({ TableName: T, Key: { nope: 'x' } }));
    return { batch, updated: updated.Attributes, tagsIsSet: updated.Attributes.tags instanceof Set, conditional, pages, scanned: scanned.sort(), got: got.Responses[T].map((i) => i.sk).sort(), tx, txFail, deleted: deleted.Attributes };
  }, { setup: setup.toString() });
  assert.deepEqual(r.batch.UnprocessedItems, {});
  assert.equal(r.updated.n, 1);
  assert.ok(r.tagsIsSet, 'a string set reads back as a Set');
  assert.equal(r.conditional.error.name, 'ConditionalCheckFailedException');
  assert.equal(r.conditional.error.retryable, false);
  assert.deepEqual(r.pages.flat(), ['item#0', 'item#1', 'item#2', 'item#3', 'item#4']);
  assert.ok(r.pages.length >= 3, 'query paged with Limit 2');
  assert.deepEqual(r.scanned, ['item#0', 'item#1', 'item#2', 'item#3', 'item#4']);
  assert.deepEqual(r.got, ['item#2', 'item#3']);
  assert.equal(r.txFail.error.name, 'TransactionCanceledException');
  assert.deepEqual(r.deleted, { pk: r.deleted.pk, sk: 'tx' });
});

test('retries: injected 503 SlowDown and 429 are retried for idempotent requests; POST is not; 500 three times gives up', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const key = `tests/retry ${Date.now()}`;
    await t.s3.putObject(key, 'ok');
    await t.faults({ service: 's3', method: 'GET', status: 503, code: 'SlowDown', count: 2 });
    const afterTwo = await (await t.s3.getObject(key)).text();
    await t.faults({ service: 'dynamodb', status: 400, code: 'ThrottlingException', count: 1 });
    await t.faults({ service: 'dynamodb', status: 429, code: 'TooManyRequestsException', count: 1 });
    const ddb = await t.ddb.getItem({ TableName: t.s.table, Key: { pk: 'none', sk: 'none' } });
    const leftAfterDdb = await (await fetch(`${t.s.endpoint}/__local/faults`)).json();
    await t.faults({ service: 's3', method: 'GET', status: 500, code: 'InternalError', count: 3 });
    const gaveUp = await t.caught(t.s3.getObject(key));
    await t.faults();
    await t.faults({ service: 's3', method: 'POST', status: 503, code: 'SlowDown', count: 1 });
    const url = `${t.s.endpoint}/${t.s.bucket}/${encodeURIComponent(key)}?uploads`;
    const post = await t.client.fetch(url, { method: 'POST', aws: { service: 's3' } });
    await t.faults();
    return { afterTwo, ddb, leftAfterDdb, gaveUp, post: post.status };
  }, { setup: setup.toString() });
  assert.equal(r.afterTwo, 'ok');
  assert.equal(r.ddb.Item, undefined);
  assert.equal(JSON.stringify(r.leftAfterDdb).includes('TooManyRequests'), false, 'the 400 throttle and the 429 were both used up by retries');
  assert.equal(r.gaveUp.error.name, 'InternalError');
  assert.equal(r.gaveUp.error.retryable, true);
  assert.equal(r.post, 503, 'a POST is not retried');
});

test('AwsClient.fetch: signs any request, infers nothing it cannot, honours AbortSignal, fixes a clock an hour off', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const url = `${t.s.endpoint}/${t.s.bucket}/tests/client-${Date.now()}`;
    const put = await t.client.fetch(url, { method: 'PUT', body: new TextEncoder().encode('abc'), aws: { service: 's3' } });
    const get = await t.client.fetch(new URL(url), { aws: { service: 's3' } });
    const noService = await t.caught(t.client.fetch(url));
    const controller = new AbortController();
    controller.abort();
    const aborted = await t.caught(t.client.fetch(url, { signal: controller.signal, aws: { service: 's3' } }));
    const realNow = Date.now;
    const results = [];
    for (const shift of [3600e3, -3600e3]) {
      Date.now = () => realNow() + shift;
      try {
        const c = new (await import('/pkg/index.js')).AwsClient({ credentials: t.s.credentials, region: t.s.region });
        const res = await c.fetch(url, { aws: { service: 's3' } });
        results.push([res.status, await res.text()]);
      } finally {
        Date.now = realNow;
      }
    }
    return { put: put.status, get: [get.status, await get.text()], noService, aborted, results };
  }, { setup: setup.toString() });
  assert.equal(r.put, 200);
  assert.deepEqual(r.get, [200, 'abc']);
  assert.equal(r.noService.error.name, 'UnknownService');
  assert.equal(r.aborted.error.name, 'AbortError');
  assert.deepEqual(r.results, [[200, 'abc'], [200, 'abc']], 'a clock an hour off either way is corrected from the server');
});
