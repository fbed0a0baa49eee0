// Property-based fuzz of the public JS API (the built package, pkg/node.js, the package's Node entry) with fast-check: random
// arguments, options and service answers (fetch is replaced by a stub that answers with random statuses,
// headers and bodies: hostile XML, JSON and text). Every call either returns or throws a coded `Error` whose
// `name` is its `code` (a non-empty string): never a TypeError, RangeError or SyntaxError from inside the
// library. Each test's name says how many cases it runs, and the count is checked and printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

const api = await import('../../pkg/node.js');
const SEED = 20261203;
const realFetch = globalThis.fetch;
after(() => {
  globalThis.fetch = realFetch;
});

/** How many of each coded error the current test saw (printed with its count: the inputs reach the checks). */
let codes = new Map();
/** Fails the property unless `e` is a coded Error (name === code, a string). */
function assertCoded(e, what) {
  codes.set(e?.code, (codes.get(e?.code) ?? 0) + 1);
  const ok = e instanceof Error && typeof e.code === 'string' && e.code !== '' && e.name === e.code &&
    !['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'Error'].includes(e.code);
  if (!ok) {
    const detail = e instanceof Error ? `${e.name} / code ${String(e.code)}: ${e.message}\n${e.stack}` : String(e);
    throw new Error(`${what} threw something that is not a coded error: ${detail}`);
  }
}
const sync = (what, f) => {
  try {
    f();
  } catch (e) {
    assertCoded(e, what);
  }
};
const async = async (what, f) => {
  try {
    await f();
  } catch (e) {
    assertCoded(e, what);
  }
};

/** Runs `property` `runs` times (seeded) and checks they all ran. */
async function check(runs, property) {
  let ran = 0;
  codes = new Map();
  const counted = (f) => (...a) => {
    ran++;
    return f(...a);
  };
  await fc.assert(property(counted), { numRuns: runs, seed: SEED });
  assert.equal(ran, runs);
  const seen = [...codes].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(`fuzz: ${runs} cases; errors thrown: ${seen || 'none'}`);
}

// --- arbitraries ------------------------------------------------------------------------------------------
const hostileChar = fc.constantFrom('\0', '\u0001', ':', '=', '!', '&', '<', '>', '"', '\\', '\n', '\uD800', '\uDC00', '😀', 'é', '\uFFFD', '1');
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(hostileChar, { maxLength: 10 }).map((a) => a.join('')),
  fc.constantFrom('', 'us-east-1', 'eu-west-2_abc', 'https://s3.us-east-1.amazonaws.com/b/k', 'http://127.0.0.1:1/x', 'GET', 's3', 'AKID'),
);
const anyValue = fc.oneof(
  { depthSize: 'small' },
  text,
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true }),
);
const credentials = fc.oneof(
  fc.record({ accessKeyId: text, secretAccessKey: text, sessionToken: fc.option(text, { nil: undefined }) }),
  fc.constant({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
  anyValue,
);
const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), text, fc.constant('https://b.s3.us-east-1.amazonaws.com/a b?x=1'));
const headers = fc.oneof(fc.dictionary(text, text, { maxKeys: 4 }), fc.array(fc.tuple(text, text), { maxLength: 3 }), anyValue);
const signInput = fc.record(
  {
    url, method: fc.oneof(fc.constantFrom('GET', 'PUT', 'post'), text), service: fc.oneof(text, anyValue), region: text,
    datetime: fc.oneof(fc.constant('20150830T123600Z'), text), credentials, headers, body: fc.oneof(text, fc.uint8Array({ maxLength: 16 }), anyValue),
    normalizePath: fc.oneof(fc.boolean(), anyValue), unsignedPayload: fc.boolean(), expiresIn: fc.oneof(fc.integer(), fc.double(), anyValue),
  },
  { requiredKeys: [] },
);

/** A service answer: status, headers and a body that is XML with random texts, JSON with random members, or text. */
const xmlText = fc.array(fc.oneof(hostileChar, fc.constantFrom('&#0;', '&#1;', '&amp;', '&#x1F600;', 'a', '7', ' ')), { maxLength: 8 }).map((a) => a.join(''));
const xmlBody = fc.tuple(fc.array(fc.tuple(fc.constantFrom('Key', 'Size', 'ETag', 'Code', 'Message', 'UploadId', 'KeyCount', 'IsTruncated', 'AccessKeyId', 'Expiration'), xmlText), { maxLength: 6 }), fc.boolean())
  .map(([els, wrap]) => {
    const inner = els.map(([n, t]) => `<${n}>${t}</${n}>`).join('');
    return wrap ? `<ListBucketResult><Contents>${inner}</Contents><Contents><Key>next</Key><Size>1</Size></Contents></ListBucketResult>` : `<Error>${inner}</Error>`;
  });
const jsonBody = fc.oneof(
  fc.record({ __type: text, message: text }, { requiredKeys: [] }),
  fc.record({
    ChallengeName: fc.oneof(text, fc.constantFrom('SMS_MFA', 'PASSWORD_VERIFIER', 'NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP')),
    Session: text, ChallengeParameters: fc.dictionary(text, fc.oneof(text, anyValue), { maxKeys: 3 }),
    AuthenticationResult: fc.oneof(fc.record({ IdToken: text, AccessToken: text, RefreshToken: text, ExpiresIn: fc.oneof(fc.integer(), anyValue) }, { requiredKeys: [] }), anyValue),
    IdentityId: text, Credentials: fc.oneof(fc.record({ AccessKeyId: text, SecretKey: text, SessionToken: text, Expiration: fc.oneof(fc.integer(), text) }, { requiredKeys: [] }), anyValue),
    Item: anyValue, Items: anyValue, Token: text,
  }, { requiredKeys: [] }),
  anyValue,
).map((v) => {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '{}';
  }
});
const answer = fc.record({
  status: fc.constantFrom(200, 200, 200, 400, 403, 404, 500),
  headers: fc.dictionary(fc.constantFrom('x-amzn-errortype', 'date', 'etag', 'content-type', 'x-amz-request-id', 'content-length'), fc.oneof(text, fc.date({ min: new Date(Date.UTC(2000, 0)), max: new Date(Date.UTC(2100, 0)), noInvalidDate: true }).map((d) => d.toUTCString())), { maxKeys: 3 }),
  body: fc.oneof(xmlBody, jsonBody, text),
});

/** Replaces fetch with one that answers `answers` in turn (the last one again after that). */
function stubFetch(answers) {
  let i = 0;
  globalThis.fetch = async () => {
    const a = answers[Math.min(i++, answers.length - 1)];
    const h = new Headers();
    for (const [k, v] of Object.entries(a.headers)) {
      try {
        h.set(k, v);
      } catch {} // a value no HTTP header can hold: the stub leaves it out (a server could not send it)
    }
    return new Response(a.body, { status: a.status, headers: h });
  };
}

// --- properties -------------------------------------------------------------------------------------------
test('signRequest: 2000 random inputs return or throw coded errors', async () => {
  await check(2000, (counted) => fc.property(fc.oneof(signInput, anyValue), counted((input) => sync('signRequest', () => api.signRequest(input)))));
});

test('presignUrl: 1000 random inputs return or throw coded errors', async () => {
  await check(1000, (counted) => fc.property(fc.oneof(signInput, anyValue), counted((input) => sync('presignUrl', () => api.presignUrl(input)))));
});

test('marshall / unmarshall / numberValue: 2000 random values return or throw coded errors', async () => {
  const options = fc.oneof(fc.record({ removeUndefinedValues: fc.boolean(), convertEmptyValues: fc.boolean(), convertClassInstanceToMap: fc.boolean(), allowImpreciseNumbers: fc.boolean() }, { requiredKeys: [] }), anyValue);
  await check(2000, (counted) => fc.property(anyValue, options, anyValue, counted((v, o, n) => {
    sync('marshall', () => {
      const m = api.marshall(v, o);
      // What was marshalled reads back without error (strings exactly, whatever they hold).
      api.unmarshall(m);
    });
    sync('unmarshall', () => api.unmarshall(v));
    sync('numberValue', () => api.numberValue(n));
  })));
});

test('DynamoDB strings holding the framing characters marshall exactly: 500 random strings', async () => {
  await check(500, (counted) => fc.property(fc.array(fc.oneof(hostileChar, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((a) => a.join('')), counted((s) => {
    const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    const m = api.marshall({ [s]: s, k: [s] });
    assert.deepEqual(m, { [wellFormed]: { S: wellFormed }, k: { L: [{ S: wellFormed }] } }, 'lone surrogates become U+FFFD, the rest is exact');
  })));
});

test('constructors: 1000 random options construct or throw coded errors', async () => {
  await check(1000, (counted) => fc.property(anyValue, fc.record({ region: text, userPoolId: text, clientId: text, identityPoolId: text, bucket: text, endpoint: url, storage: fc.oneof(fc.constantFrom('memory', 'local', 'bogus'), anyValue), credentials, maxAttempts: fc.oneof(fc.integer(), anyValue) }, { requiredKeys: [] }), counted((a, o) => {
    for (const C of [api.AwsClient, api.S3, api.DynamoDB, api.IdentityPool, api.UserPool]) {
      sync(`new ${C.name}`, () => new C(a));
      sync(`new ${C.name}`, () => new C(o));
    }
    sync('new SrpSession', () => new api.SrpSession(a));
  })));
});

test('SrpSession.passwordClaim: 200 random challenges return or throw coded errors', async () => {
  const srp = new api.SrpSession();
  const hex = fc.oneof(fc.constantFrom('0', '1', 'ff'.repeat(384), '00', 'ab'), fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')), text);
  const params = fc.record({ USER_ID_FOR_SRP: fc.oneof(fc.constant('user'), text), SRP_B: hex, SALT: hex, SECRET_BLOCK: fc.oneof(fc.constant('c2VjcmV0'), fc.base64String({ maxLength: 24 }), text), USERNAME: fc.oneof(text, anyValue) }, { requiredKeys: ['USER_ID_FOR_SRP', 'SRP_B', 'SALT', 'SECRET_BLOCK'] });
  const challenge = fc.record({ userPoolId: fc.oneof(fc.constant('us-east-1_abc'), text), password: fc.oneof(fc.constant('Passw0rd!'), text), challengeParameters: fc.oneof({ weight: 4, arbitrary: params }, { weight: 1, arbitrary: anyValue }), timestamp: fc.oneof(fc.constant('Tue Feb 1 03:04:05 UTC 2000'), text) }, { requiredKeys: ['userPoolId', 'password', 'challengeParameters'] });
  let claims = 0;
  await check(200, (counted) => fc.property(fc.oneof({ weight: 4, arbitrary: challenge }, { weight: 1, arbitrary: anyValue }), counted((c) => sync('passwordClaim', () => {
    const r = srp.passwordClaim(c);
    assert.match(r.PASSWORD_CLAIM_SIGNATURE, /^[A-Za-z0-9+/]{43}=$/);
    claims++;
  }))));
  console.log(`fuzz: ${claims} of them answered with a signature`);
  assert.ok(claims > 0, 'some random challenges reach the arithmetic');
});

test('S3 with hostile answers: 400 random calls resolve or reject with coded errors', async () => {
  const s3 = new api.S3({ region: 'us-east-1', bucket: 'b', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, maxAttempts: 1 });
  const call = fc.constantFrom('listObjectsV2', 'getObject', 'putObject', 'headObject', 'deleteObject', 'upload', 'presignGet');
  await check(400, (counted) => fc.asyncProperty(call, text, anyValue, fc.array(answer, { minLength: 1, maxLength: 4 }), counted(async (m, key, options, answers) => {
    stubFetch(answers);
    await async(`S3.${m}`, async () => {
      const r = await (m === 'putObject' || m === 'upload' ? s3[m](key, 'body', options) : s3[m](key, options));
      if (m === 'listObjectsV2' && r) for (const o of r.contents ?? []) assert.equal(typeof o.key, 'string');
    });
  })));
});

test('DynamoDB and AwsClient with hostile answers: 300 random calls resolve or reject with coded errors', async () => {
  const o = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, maxAttempts: 1 };
  const ddb = new api.DynamoDB(o);
  const aws = new api.AwsClient({ ...o, service: 's3' });
  await check(300, (counted) => fc.asyncProperty(fc.oneof(text, fc.constantFrom('GetItem', 'Query', 'PutItem')), anyValue, answer, url, counted(async (op, input, a, u) => {
    stubFetch([a]);
    await async('DynamoDB.send', () => ddb.send(op, input));
    await async('AwsClient.fetch', async () => (await aws.fetch(u, { method: 'POST', body: 'x' })).text());
  })));
});

test('UserPool with hostile answers: 400 random flows resolve or reject with coded errors', async () => {
  const flows = ['signIn', 'confirmSignIn', 'getSession', 'signUp', 'confirmSignUp', 'resetPassword', 'fetchUserAttributes', 'signOut', 'setUpTOTP'];
  await check(400, (counted) => fc.asyncProperty(fc.array(fc.constantFrom(...flows), { minLength: 1, maxLength: 3 }), fc.record({ username: text, password: text, challengeResponse: text, code: text, authFlow: fc.constantFrom('USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'CUSTOM_AUTH', 'bogus') }, { requiredKeys: [] }), fc.array(answer, { minLength: 1, maxLength: 4 }), counted(async (steps, input, answers) => {
    stubFetch(answers);
    const pool = new api.UserPool({ region: 'us-east-1', userPoolId: 'us-east-1_abc', clientId: 'client', endpoint: 'http://127.0.0.1:9', storage: 'memory' });
    for (const s of steps) await async(`UserPool.${s}`, () => pool[s](input));
  })));
});

test('IdentityPool with hostile answers: 300 random calls resolve or reject with coded errors', async () => {
  await check(300, (counted) => fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 4 }), fc.oneof(fc.constant(undefined), fc.record({ forceRefresh: fc.boolean() }), anyValue), counted(async (answers, options) => {
    stubFetch(answers);
    const ip = new api.IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:5f0c1c5e-0000-4000-8000-000000000000', endpoint: 'http://127.0.0.1:9', storage: 'memory' });
    await async('IdentityPool.getCredentials', () => ip.getCredentials(options));
    await async('IdentityPool.getIdentityId', () => ip.getIdentityId());
  })));
});
