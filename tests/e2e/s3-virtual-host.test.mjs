// The package's S3 class with virtual-hosted addressing against local-aws: Chromium resolves
// <bucket>.s3.localhost to loopback, so `endpoint: 'http://s3.localhost:<port>'` with `forcePathStyle: false`
// sends every request to the bucket's own host name, signed for it, as the class does against AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const prefix = runPrefix();

test('S3 with forcePathStyle: false puts, reads, lists, presigns and deletes on <bucket>.s3.localhost', TEST_TIMEOUT, async () => {
  const page = await env.open('main');
  const hosts = new Set();
  page.on('request', (r) => { if (r.url().includes('.s3.localhost')) hosts.add(new URL(r.url()).host); });
  const r = await page.evaluate(async ({ state, key }) => {
    const { S3 } = await import('/pkg/index.js');
    const port = new URL(state.endpoint).port;
    const s3 = new S3({ bucket: state.bucket, region: state.region, credentials: state.credentials,
      endpoint: `http://s3.localhost:${port}`, forcePathStyle: false });
    await s3.putObject(key, 'virtual-hosted ✓', { contentType: 'text/plain' });
    const text = await (await s3.getObject(key)).text();
    const listed = (await s3.listObjectsV2({ prefix: key })).contents?.map((o) => o.key) ?? null;
    const link = await s3.presignGet(key, { expiresIn: 300 });
    const viaLink = await (await fetch(link)).text();
    await s3.deleteObject(key);
    const gone = await s3.headObject(key).then(() => 'still there', (e) => e.code);
    // The same object through path-style on 127.0.0.1 (what the bucket host maps to).
    const pathStyle = new S3({ bucket: state.bucket, region: state.region, credentials: state.credentials, endpoint: state.endpoint });
    await pathStyle.putObject(key, 'path-style');
    const crossRead = await (await s3.getObject(key)).text();
    return { text, listed, linkHost: new URL(link).host, viaLink, gone, crossRead };
  }, { state: env.state, key: prefix + 'virtual host/ü.txt' });
  const port = new URL(env.state.endpoint).port;
  const bucketHost = `${env.state.bucket}.s3.localhost:${port}`;
  assert.deepEqual(r, {
    text: 'virtual-hosted ✓', listed: [prefix + 'virtual host/ü.txt'], linkHost: bucketHost, viaLink: 'virtual-hosted ✓',
    gone: 'NotFound', crossRead: 'path-style',
  });
  assert.deepEqual([...hosts], [bucketHost], 'every S3 request went to the bucket host');
});
