// Bad input to the ESM package throws a JS Error with `code` set, and the page (and its wasm) keeps
// working: after the throw, the same page signs a PUT, a GET and a presigned GET that local-aws accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, runPrefix, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();
const prefix = runPrefix();

const CASES = [
  ['signRequest with a bad url', 'InvalidUrl', { fn: 'signRequest', patch: { url: 'not a url' } }],
  ['signRequest without credentials', 'MissingCredentials', { fn: 'signRequest', patch: { credentials: null } }],
  ['signRequest with a bad datetime', 'InvalidDatetime', { fn: 'signRequest', patch: { datetime: '2024-01-01 12:00' } }],
  ['presignUrl with expiresIn 604801', 'InvalidExpires', { fn: 'presignUrl', patch: { expiresIn: 604801 } }],
];

for (const [title, code, bad] of CASES) {
  test(`${title} throws an Error with code ${code}; the page keeps working`, TEST_TIMEOUT, async () => {
    const r = await env.run('main', async (t, a) => {
      const s = a.state;
      const base = { method: 'GET', url: t.s3Url(s, 'x'), region: s.region, service: 's3', credentials: s.credentials };
      const args = { ...base, ...(a.bad.fn === 'presignUrl' && { expiresIn: 300 }), ...a.bad.patch };
      if (args.credentials === null) delete args.credentials;
      const error = await t.caught(() => t[a.bad.fn](args));
      // A trapped or poisoned wasm instance would fail the calls below.
      const put = await t.s3(s, { method: 'PUT', key: a.key, body: 'still working' });
      const get = await t.s3(s, { key: a.key });
      const url = await t.presignUrl({ ...base, url: t.s3Url(s, a.key), expiresIn: 604800 });
      const viaUrl = await fetch(url).then((res) => res.text());
      return { error, put: put.status, text: get.text, viaUrl };
    }, { bad, key: `${prefix}${code}.txt` });

    const e = r.error;
    assert.equal(e.threw, true, 'should throw');
    assert.equal(e.isError, true, 'instanceof Error');
    assert.ok(typeof e.name === 'string' && e.name, 'name is set');
    assert.ok(e.message, 'message is set');
    assert.equal(e.code, code, e.message);
    assert.equal(r.put, 200, 'a later PUT succeeds');
    assert.equal(r.text, 'still working');
    assert.equal(r.viaUrl, 'still working', 'a later presigned GET (expiresIn 604800) succeeds');
  });
}
