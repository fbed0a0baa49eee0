// signRequest, presignUrl and SrpSession as a page calls them (Chromium, the built package): every input form a
// page passes, published signatures, coded errors, and the module still working after them. Expected signatures
// are from ../shared/conformance/sigv4/s3-and-dynamodb-cases.json (case names given), where botocore and
// @smithy/signature-v4 agree; the SRP challenge is case 2 of ../shared/conformance/srp/srp_vectors.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();

/** Runs `fn(m, arg)` in a fresh page, `m` being the package's exports. */
async function inPage(fn, arg = {}) {
  const page = await env.open('main');
  return page.evaluate(async ([src, a]) => {
    const m = await import('/pkg/index.js');
    return (0, eval)(`(${src})`)(m, a);
  }, [fn.toString(), arg]);
}

const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN==' };
const DDB_BODY = '{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}}}';
// Case `dynamodb-getitem-session-token`.
const DDB_SIGNATURE = 'e384778dc2eb9ea27055bd8fed4a85805acc1d47e98d6cbf5383815a66c9d21f';

test('headers as an object, a Headers and pairs, bodies as string, view and ArrayBuffer: all sign alike', TEST_TIMEOUT, async () => {
  const r = await inPage((m, a) => {
    const base = { method: 'POST', url: 'https://dynamodb.eu-west-1.amazonaws.com/', datetime: '20150830T123600Z', credentials: a.CREDS };
    const plain = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem' };
    const bytes = new TextEncoder().encode(a.DDB_BODY);
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    const forms = [
      { headers: plain, body: a.DDB_BODY },
      { headers: new Headers(plain), body: a.DDB_BODY },
      { headers: [['content-type', 'application/x-amz-json-1.0'], ['x-amz-target', 'DynamoDB_20120810.GetItem']], body: a.DDB_BODY },
      { headers: plain, body: new Uint8Array(big.buffer, 3, bytes.length) },
      { headers: plain, body: bytes.slice().buffer },
    ];
    return forms.map((f) => m.signRequest({ ...base, ...f }));
  }, { CREDS, DDB_BODY });
  for (const signed of r) {
    assert.equal(signed.headers.authorization.split('Signature=')[1], DDB_SIGNATURE);
    assert.equal(signed.method, 'POST');
    assert.equal(signed.url, 'https://dynamodb.eu-west-1.amazonaws.com/');
    assert.equal(signed.headers['x-amz-security-token'], CREDS.sessionToken);
    assert.equal(signed.headers['x-amz-date'], '20150830T123600Z');
    assert.equal(signed.headers.host, undefined, 'fetch cannot set Host: it is signed, not returned');
    assert.equal(signed.headers['x-amz-content-sha256'], undefined, 'not added for DynamoDB');
  }
});

test('an S3 key with any characters signs as published; Blob bodies are unsigned for S3 and refused elsewhere', TEST_TIMEOUT, async () => {
  const r = await inPage((m, a) => {
    // Case `s3-key-special-chars-unsigned-payload-session-token`, given the raw key as a page would.
    const key = m.signRequest({
      method: 'GET', url: "https://my-bucket.s3.eu-west-1.amazonaws.com/photos/a b/ü+%!'()*~.jpg", datetime: '20150830T123600Z', unsignedPayload: true, credentials: a.CREDS,
    });
    const blob = m.signRequest({ method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body: new Blob(['hello']), credentials: a.CREDS });
    let refused;
    try {
      m.signRequest({ method: 'POST', url: 'https://dynamodb.eu-west-1.amazonaws.com/', body: new Blob(['x']), credentials: a.CREDS });
    } catch (e) {
      refused = e.code;
    }
    return { key, blob: blob.headers['x-amz-content-sha256'], refused };
  }, { CREDS });
  assert.equal(r.key.headers.authorization.split('Signature=')[1], 'a331e11e7aed678a6865d3994e7a5b9c448c57d95cc8156f5c18228188b0dc12');
  assert.equal(r.key.url, 'https://my-bucket.s3.eu-west-1.amazonaws.com/photos/a%20b/%C3%BC%2B%25%21%27%28%29%2A~.jpg');
  assert.equal(r.key.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  assert.equal(r.blob, 'UNSIGNED-PAYLOAD');
  assert.equal(r.refused, 'InvalidBody');
});

test('repeated header names are joined; the range is signed; presigned PUT matches the published URL', TEST_TIMEOUT, async () => {
  const r = await inPage((m, a) => ({
    signed: m.signRequest({
      method: 'GET', url: 'https://b.s3.amazonaws.com/k', datetime: '20150830T123600Z', credentials: a.CREDS,
      headers: [['X-Amz-Meta-A', '1'], ['range', 'bytes=0-9'], ['x-amz-meta-a', ' 2  3 ']],
    }),
    // Case `s3-presigned-put-with-security-token`.
    presigned: m.presignUrl({
      method: 'PUT', url: 'https://my-bucket.s3.eu-west-1.amazonaws.com/uploads/résumé v2.pdf', expiresIn: 900, datetime: '20150830T123600Z', credentials: a.CREDS,
    }),
    now: m.signRequest({ method: 'GET', url: 'https://b.s3.amazonaws.com/k', credentials: a.CREDS }).headers['x-amz-date'],
    expect: new Date().toISOString().replace(/[-:]|\.\d+/g, ''),
  }), { CREDS });
  assert.equal(r.signed.headers['x-amz-meta-a'], '1,2 3');
  assert.equal(r.signed.headers.range, 'bytes=0-9');
  assert.match(r.signed.headers.authorization, /SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-security-token,/);
  assert.equal(
    r.presigned,
    'https://my-bucket.s3.eu-west-1.amazonaws.com/uploads/r%C3%A9sum%C3%A9%20v2.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FSESSION%2BTOKEN%3D%3D&X-Amz-Signature=5ae17f916d56f3d9155425f991a4776dc5fc7327f770148f58a6c94d2d347c98',
  );
  assert.equal(r.now.slice(0, 11), r.expect.slice(0, 11), 'no datetime: the current time (to the hour)');
});

test('bad input throws coded errors without secrets, and the module keeps working', TEST_TIMEOUT, async () => {
  const r = await inPage((m, a) => {
    const ab = { accessKeyId: 'a', secretAccessKey: 'b' };
    const cases = [
      [{ url: 'not a url', credentials: ab }, 'InvalidUrl'],
      [{ url: 'ftp://b.s3.amazonaws.com/k', credentials: ab }, 'InvalidUrl'],
      [{ url: 'https://u:p@b.s3.amazonaws.com/k', credentials: ab }, 'InvalidUrl'],
      [{ url: 'https://b.s3.amazonaws.com/k' }, 'MissingCredentials'],
      [{ url: 'https://b.s3.amazonaws.com/k', credentials: { accessKeyId: 'a' } }, 'MissingCredentials'],
      [{ url: 'https://b.s3.amazonaws.com/k', credentials: { accessKeyId: 'a', secretAccessKey: '' } }, 'MissingCredentials'],
      [{ url: 'https://b.s3.amazonaws.com/k', credentials: { accessKeyId: 7, secretAccessKey: 'b' } }, 'MissingCredentials'],
      [{ url: 'https://b.s3.amazonaws.com/k', datetime: '2015-08-30', credentials: ab }, 'InvalidDatetime'],
      [{ url: 'http://127.0.0.1:4566/b/k', credentials: ab }, 'UnknownService'],
      [{ url: 'http://127.0.0.1:4566/b/k', service: 's3', credentials: ab }, 'UnknownRegion'],
      [{ url: 'https://b.s3-accelerate.amazonaws.com/k', credentials: ab }, 'UnknownRegion'],
      [{ url: 'https://b.s3.amazonaws.com/k', headers: { 'bad name': 'x' }, credentials: ab }, 'InvalidHeader'],
      [{ url: 'https://b.s3.amazonaws.com/k', headers: [['x-a', 'b\0c']], credentials: ab }, 'InvalidHeader'],
      [{ url: 'https://b.s3.amazonaws.com/k', method: 7, credentials: ab }, 'InvalidArgument'],
      [{ url: 'https://b.s3.amazonaws.com/k', body: 42, credentials: ab }, 'InvalidBody'],
      [undefined, 'InvalidArgument'],
      ['x', 'InvalidArgument'],
    ];
    const codeOf = (f) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof Error && e.name === e.code && typeof e.message === 'string' ? e.code : 'not a coded Error';
      }
    };
    const signing = cases.map(([input, want]) => [codeOf(() => m.signRequest(input)), want]);
    const presigning = [0, 604801, 1.5, '60', undefined].map((expiresIn) => codeOf(() => m.presignUrl({ url: 'https://b.s3.amazonaws.com/k', expiresIn, credentials: ab })));
    let leaked;
    try {
      m.signRequest({ url: 'https://b.s3.amazonaws.com/k', datetime: 'bad', credentials: { accessKeyId: 'a', secretAccessKey: 'TOPSECRET' } });
    } catch (e) {
      leaked = e.message.includes('TOPSECRET');
    }
    const alive = m.signRequest({ url: 'https://dynamodb.us-east-1.amazonaws.com/', method: 'post', credentials: a.CREDS });
    return { signing, presigning, leaked, alive };
  }, { CREDS });
  for (const [got, want] of r.signing) assert.equal(got, want);
  assert.deepEqual(r.presigning, Array(5).fill('InvalidExpires'));
  assert.equal(r.leaked, false);
  assert.equal(r.alive.method, 'POST');
  assert.match(r.alive.headers.authorization, /\/us-east-1\/dynamodb\/aws4_request/);
});

test('SrpSession makes A and answers the PASSWORD_VERIFIER challenge; bad input gives coded errors', TEST_TIMEOUT, async () => {
  const r = await inPage((m) => {
    const params = {
      USER_ID_FOR_SRP: 'a2c2e290-6d0f-4a08-a5ca-f0162935f3a6',
      SRP_B: 'bc071b539bfaa44b26a4f4a917dcc4b90291f3fea737baa555c0dfc792f11849902859dd52976fd7367130d91969670e8a0beb66d044641709d7a9ea609e2cc5baac6837e1ee8f8d9ccdce535be1dee59d4c893d9c9a1f06ddacb9d927e29c0e8bb1b8dda315f297e82c6095570ae3ab28a9110dfc4367296d77898b1d69d029f76e16ffebed59fc568548a9fb54a1a462440b19b4e4d89ae414374654788d599d0635f9b8a7a5c6a8556e675c4e01690d5324eecd092d269b2be31fa2dc7192cb0bec8a390ca4ce791c8e8cc9ed7258929430a2802a2b9dadd985a004d584e883621ff3518e223a6dbab5071bc844e4ee7d12f6c29bd9197f0fefcee91020b0903596cf170efd27648eb5de5ab2961032cf759dbc48dadb6db0dd585bb9c1e9f73bbea67a7ca406e26d4333c63d5339fa8c0f51fc12df554737da39fc780c0a648e884600f1bf9398cedddaee7d6db6ace4e0007d97f7322d7270dc25c6e6ae000e54b62f8cb868b16e16eadb4c8c87f3baae1c1b8e59aabb73771e62c0b898',
      SALT: 'baf4431cdaa37c04c0d655a99f5e9b9b',
      SECRET_BLOCK: 'c2VjcmV0',
    };
    const a = new m.SrpSession();
    const b = new m.SrpSession();
    const input = { userPoolId: 'eu-west-2_eYpv1mFHB', password: 'Qwerty1!', timestamp: 'Tue Feb 1 03:04:05 UTC 2000', challengeParameters: params };
    const claim = a.passwordClaim(input);
    const codeOf = (input) => {
      try {
        a.passwordClaim(input);
        return 'no error';
      } catch (e) {
        return e.code;
      }
    };
    return {
      srpA: a.srpA,
      otherA: b.srpA,
      claim,
      again: a.passwordClaim(input).PASSWORD_CLAIM_SIGNATURE,
      other: b.passwordClaim(input).PASSWORD_CLAIM_SIGNATURE,
      defaultTimestamp: a.passwordClaim({ ...input, timestamp: undefined }).TIMESTAMP,
      errors: [
        codeOf({ userPoolId: 'nounderscore', password: 'x', challengeParameters: params }),
        codeOf({ userPoolId: 'r_p', password: 'x', challengeParameters: { USER_ID_FOR_SRP: 'u', SALT: 'ab', SECRET_BLOCK: 'AA==' } }),
        codeOf({ userPoolId: 'r_p', password: 'x', challengeParameters: { USER_ID_FOR_SRP: 'u', SRP_B: '0', SALT: 'ab', SECRET_BLOCK: 'AA==' } }),
        codeOf({ userPoolId: 'r_p', password: 'x', challengeParameters: { ...params, SRP_B: 'not hex' } }),
        codeOf(null),
      ],
    };
  });
  assert.ok(r.srpA.length > 700 && /^[0-9a-f]+$/.test(r.srpA), 'A is a 3072-bit hex number');
  assert.notEqual(r.srpA, r.otherA, 'fresh randomness per session');
  assert.equal(r.claim.PASSWORD_CLAIM_SECRET_BLOCK, 'c2VjcmV0');
  assert.equal(r.claim.TIMESTAMP, 'Tue Feb 1 03:04:05 UTC 2000');
  assert.equal(r.claim.USERNAME, 'a2c2e290-6d0f-4a08-a5ca-f0162935f3a6');
  assert.equal(r.claim.PASSWORD_CLAIM_SIGNATURE.length, 44, 'base64 of 32 bytes');
  assert.equal(r.again, r.claim.PASSWORD_CLAIM_SIGNATURE, 'same session and inputs: same signature');
  assert.notEqual(r.other, r.claim.PASSWORD_CLAIM_SIGNATURE, 'another private value: another signature');
  assert.match(r.defaultTimestamp, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d UTC \d{4}$/);
  assert.deepEqual(r.errors, ['InvalidArgument', 'InvalidArgument', 'InvalidSrpParameter', 'InvalidSrpParameter', 'InvalidArgument']);
});
