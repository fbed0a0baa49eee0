// Runs in the benchmark page (bench/bench.html), driven by scripts/bench.mjs through playwright-core.
// Everything is measured in this one page, on the same inputs, with performance.now().
//
// Chromium clamps performance.now() to 0.1 ms in a page that is not cross-origin isolated, and a
// signature takes microseconds, so operations are timed in batches: the batch size is doubled until
// one batch takes at least `batchMs`, then `samples` batches are timed and the median of
// (batch time / batch size) is the figure reported.
import * as ours from '/pkg/index.js';
import * as c from '/target/bench/competitors.js';

// ---------------------------------------------------------------------------------------------------
// fixed inputs

export const CREDENTIALS = Object.freeze({
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken:
    'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampletokenvaluethatisaboutaslongas' +
    'arealcognitoidentitysessiontokenAiBexampleexampleexampleexampleexampleexampleexampleexample==',
});
const DATETIME = '20240115T120000Z';
const SIGNING_DATE = new Date('2024-01-15T12:00:00Z');
const REGION = 'us-east-1';

function dynamoBody() {
  // A PutItem of ~1 KB, as a page would send it.
  const item = {
    pk: { S: 'USER#a2c2e290-6d0f-4a08-a5ca-f0162935f3a6' },
    sk: { S: 'NOTE#2024-01-15T12:00:00.000Z' },
    title: { S: 'Benchmark note' },
    tags: { SS: ['bench', 'sigv4', 'dynamodb', 'browser'] },
    version: { N: '7' },
    body: { S: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(12) },
  };
  const text = JSON.stringify({ TableName: 'bench-notes', Item: item, ReturnValues: 'NONE' });
  return text;
}

// Each case: what the page asks each library to sign. Hosts are standard AWS endpoints, so the
// region and service come from the host where a library infers them; they are also passed explicitly.
export const CASES = {
  's3': {
    label: 'S3 GET, session token, UNSIGNED-PAYLOAD',
    service: 's3',
    method: 'GET',
    host: 'examplebucket.s3.us-east-1.amazonaws.com',
    path: '/photos/2024/cat-01.jpg',
    query: { versionId: '3HL4kqtJlcpXroDTDmJ' },
    headers: {},
    body: undefined,
    unsignedPayload: true,
  },
  'dynamodb': {
    label: 'DynamoDB POST, session token, ~1 KB JSON',
    service: 'dynamodb',
    method: 'POST',
    host: 'dynamodb.us-east-1.amazonaws.com',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: dynamoBody(),
    unsignedPayload: false,
  },
};
const urlOf = (k) => {
  const q = new URLSearchParams(k.query).toString();
  return `https://${k.host}${k.path}${q ? '?' + q : ''}`;
};

// ---------------------------------------------------------------------------------------------------
// the signers, one function per library: (case) => Promise<authorization header> | authorization header

function makeSigners() {
  const signers = {};

  // cognito-fetch: synchronous.
  signers.ours = (k) => ours.signRequest({
    method: k.method,
    url: urlOf(k),
    headers: k.headers,
    body: k.body,
    region: REGION,
    service: k.service,
    credentials: CREDENTIALS,
    datetime: DATETIME,
    unsignedPayload: k.unsignedPayload,
  }).headers.authorization;

  // @smithy/signature-v4: one signer per service, kept like an SDK client keeps it (it caches the
  // signing key). S3: no path escaping (the SDK's S3 setting) and the UNSIGNED-PAYLOAD header set by
  // the caller. DynamoDB: applyChecksum false, so no x-amz-content-sha256 header, like the others.
  const smithy = (Sha256) => {
    const bySvc = {
      s3: new c.SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false }),
      dynamodb: new c.SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 'dynamodb', sha256: Sha256, applyChecksum: false }),
    };
    return async (k) => {
      const headers = { host: k.host, ...k.headers };
      if (k.unsignedPayload) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      const signed = await bySvc[k.service].sign(
        { method: k.method, protocol: 'https:', hostname: k.host, path: k.path, query: { ...k.query }, headers, body: k.body },
        { signingDate: SIGNING_DATE },
      );
      return signed.headers.authorization;
    };
  };
  signers.smithy = smithy(c.Sha256Browser);
  signers.smithyJs = smithy(c.Sha256Js);

  // aws4fetch: AwsV4Signer.sign with one key cache shared across requests, as AwsClient.sign does.
  // It never signs content-type by default; allHeaders makes it sign the same headers as the others.
  const cache = new Map();
  signers.aws4fetch = async (k) => {
    const signer = new c.AwsV4Signer({
      method: k.method,
      url: urlOf(k),
      headers: k.unsignedPayload ? { ...k.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : k.headers,
      body: k.body,
      ...CREDENTIALS,
      service: k.service,
      region: REGION,
      datetime: DATETIME,
      cache,
      allHeaders: true,
    });
    const signed = await signer.sign();
    return signed.headers.get('authorization');
  };
  return signers;
}

export const SIGNER_NAMES = {
  ours: 'cognito-fetch signRequest',
  smithy: '@smithy/signature-v4 + @aws-crypto/sha256-browser (SDK browser default)',
  smithyJs: '@smithy/signature-v4 + @aws-crypto/sha256-js',
  aws4fetch: 'aws4fetch AwsV4Signer.sign (shared key cache)',
};

// ---------------------------------------------------------------------------------------------------
// timing

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};

async function runBatch(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return performance.now() - t0;
}
function runBatchSync(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - t0;
}

/**
 * Median ms per call for each of `fns` ({ name: { fn, sync } }), see the note at the top. Each function
 * is warmed up and its batch size calibrated on its own; the timed batches then go round-robin over
 * the functions, so a change in background load during the run hits them all alike.
 */
export async function measureAll(fns, { warmupMs = 200, batchMs = 5, samples = 25 } = {}) {
  const runs = {};
  for (const [name, { fn, sync }] of Object.entries(fns)) {
    const batch = sync ? (n) => runBatchSync(fn, n) : (n) => runBatch(fn, n);
    const wEnd = performance.now() + warmupMs;
    let warm = 0;
    do { await batch(1); warm++; } while (performance.now() < wEnd);
    let n = 1;
    while (await batch(n) < batchMs && n < 1 << 20) n *= 2;
    runs[name] = { batch, n, warm, per: [] };
  }
  for (let i = 0; i < samples; i++) {
    for (const r of Object.values(runs)) r.per.push((await r.batch(r.n)) / r.n);
  }
  const out = {};
  for (const [name, r] of Object.entries(runs)) {
    out[name] = {
      medianMs: median(r.per), p25Ms: quantile(r.per, 0.25), p75Ms: quantile(r.per, 0.75),
      batch: r.n, samples, calls: r.n * samples, warmupCalls: r.warm,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// SigV4

const sigOf = (auth) => /Signature=([0-9a-f]{64})/.exec(auth ?? '')?.[1] ?? null;
const signedHeadersOf = (auth) => /SignedHeaders=([^,]+)/.exec(auth ?? '')?.[1] ?? null;

/** Every library's Authorization for every case; `agree` is whether all signatures match ours. */
export async function sigv4Check() {
  const signers = makeSigners();
  const out = {};
  for (const [id, k] of Object.entries(CASES)) {
    const row = {};
    for (const [name, sign] of Object.entries(signers)) {
      try {
        const auth = await sign(k);
        row[name] = { signature: sigOf(auth), signedHeaders: signedHeadersOf(auth) };
      } catch (err) {
        row[name] = { error: String(err?.message ?? err) };
      }
    }
    const ref = row.ours.signature;
    out[id] = { label: k.label, agree: !!ref && Object.values(row).every((r) => r.signature === ref), results: row };
  }
  return out;
}

export async function sigv4Bench(opts) {
  const signers = makeSigners();
  const out = {};
  for (const [id, k] of Object.entries(CASES)) {
    const fns = {};
    for (const [name, sign] of Object.entries(signers)) fns[name] = { fn: () => sign(k), sync: name === 'ours' };
    out[id] = { label: k.label, results: await measureAll(fns, opts) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// SRP (USER_SRP_AUTH, PASSWORD_VERIFIER)

export const hasSrp = () => typeof ours.SrpSession === 'function';

// amazon-cognito-identity-js: what CognitoUser.authenticateUserDefaultAuth computes per login —
// AuthenticationHelper (random a, A = g^a), then on the challenge the HKDF key and the HMAC-SHA256 claim.
// Its "async" callbacks are called synchronously. `helper`/`timestamp` are only passed by the checks.
function amazonLogin(poolName, password, cp, helper, timestamp) {
  const h = helper ?? new c.AuthenticationHelper(poolName);
  let srpA, claim;
  h.getLargeAValue((err, A) => {
    if (err) throw err;
    srpA = A.toString(16);
  });
  const username = cp.USER_ID_FOR_SRP;
  h.getPasswordAuthenticationKey(username, password, new c.BigInteger(cp.SRP_B, 16), new c.BigInteger(cp.SALT, 16),
    (err, hkdf) => {
      if (err) throw err;
      const dateNow = timestamp ?? new c.DateHelper().getNowString();
      const msg = c.Buffer.concat([
        c.Buffer.from(poolName, 'utf8'),
        c.Buffer.from(username, 'utf8'),
        c.Buffer.from(cp.SECRET_BLOCK, 'base64'),
        c.Buffer.from(dateNow, 'utf8'),
      ]);
      const mac = new c.CognitoSha256(hkdf);
      mac.update(msg);
      claim = {
        USERNAME: username,
        PASSWORD_CLAIM_SECRET_BLOCK: cp.SECRET_BLOCK,
        TIMESTAMP: dateNow,
        PASSWORD_CLAIM_SIGNATURE: c.Buffer.from(mac.digestSync()).toString('base64'),
      };
    });
  if (!srpA || !claim) throw new Error('amazon-cognito-identity-js did not finish synchronously');
  return { srpA, claim };
}

// cognito-fetch: new SrpSession() (random a, A), srpA for InitiateAuth, passwordClaim on the challenge.
function oursLogin(userPoolId, password, cp) {
  const s = new ours.SrpSession();
  try {
    const srpA = s.srpA;
    const claim = s.passwordClaim({ userPoolId, password, challengeParameters: cp });
    return { srpA, claim };
  } finally {
    s.free();
  }
}

const bigHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const randomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));
const modPow = (base, e, m) => {
  let r;
  base.modPow(e, m, (err, v) => { if (err) throw err; r = v; });
  return r;
};
const TIMESTAMP_RE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d UTC \d{4}$/;

/**
 * Correctness, before any timing:
 *  - harness: the amazon-cognito-identity-js login above, with the vector's fixed a and timestamp,
 *    gives the vector's expected PASSWORD_CLAIM_SIGNATURE (so the timed code computes the real thing);
 *  - ours: a fresh SrpSession's claim is verified the way Cognito's server would: a server of our own
 *    (verifier v = g^x, random b, B = k·v + g^b, S = (A·v^u)^b, built from amazon-cognito-identity-js's
 *    N, g, k, H, x, u and HKDF) recomputes the signature from ours' A and must get ours'.
 */
export function srpCheck(vector) {
  const problems = [];
  const { inputs, expected_PASSWORD_CLAIM_SIGNATURE: expected } = vector;
  const cp = { USER_ID_FOR_SRP: inputs.idForHash, SRP_B: inputs.SRP_B, SALT: inputs.SALT, SECRET_BLOCK: inputs.SECRET_BLOCK };

  const h = new c.AuthenticationHelper(inputs.helperPoolName);
  h.smallAValue = new c.BigInteger(inputs.a_hex, 16);
  h.largeAValue = undefined;
  const fixed = amazonLogin(inputs.helperPoolName, inputs.password, cp, h, inputs.TIMESTAMP);
  const harness = fixed.claim.PASSWORD_CLAIM_SIGNATURE === expected;
  if (!harness) problems.push(`amazon-cognito-identity-js harness gave ${fixed.claim.PASSWORD_CLAIM_SIGNATURE}, vector expects ${expected}`);

  const result = { harness, available: hasSrp(), verified: null, problems };
  if (!result.available) return result;

  // A server of our own for a fresh user.
  const poolName = inputs.helperPoolName;
  const userPoolId = `${REGION}_${poolName}`;
  const userId = crypto.randomUUID();
  const password = 'Correct-Horse-9!';
  const srv = new c.AuthenticationHelper(poolName);
  const salt = (randomBytes(1)[0] % 0x60 + 0x10).toString(16) + bigHex(randomBytes(15)); // no leading zero
  const x = new c.BigInteger(srv.hexHash(srv.padHex(new c.BigInteger(salt, 16)) + srv.hash(`${poolName}${userId}:${password}`)), 16);
  const v = modPow(srv.g, x, srv.N);
  const b = new c.BigInteger(bigHex(randomBytes(32)), 16);
  const B = srv.k.multiply(v).add(modPow(srv.g, b, srv.N)).mod(srv.N);
  const secretBlock = c.Buffer.from(randomBytes(96)).toString('base64');
  const challenge = { USER_ID_FOR_SRP: userId, SRP_B: B.toString(16), SALT: salt, SECRET_BLOCK: secretBlock };

  let mine;
  try {
    mine = oursLogin(userPoolId, password, challenge);
  } catch (err) {
    problems.push(`SrpSession failed: ${err?.message ?? err}`);
    result.verified = false;
    return result;
  }
  const { srpA, claim } = mine;
  if (!/^[0-9a-f]+$/.test(srpA ?? '')) problems.push(`srpA is not lowercase hex: ${String(srpA).slice(0, 40)}`);
  const A = new c.BigInteger(srpA, 16);
  if (A.mod(srv.N).equals(c.BigInteger.ZERO)) problems.push('A mod N is 0');
  if (claim.USERNAME !== userId) problems.push(`USERNAME ${claim.USERNAME} is not USER_ID_FOR_SRP ${userId}`);
  if (claim.PASSWORD_CLAIM_SECRET_BLOCK !== secretBlock) problems.push('PASSWORD_CLAIM_SECRET_BLOCK is not SECRET_BLOCK');
  if (!TIMESTAMP_RE.test(claim.TIMESTAMP ?? '')) problems.push(`TIMESTAMP ${claim.TIMESTAMP} is not in Cognito's format`);
  const u = srv.calculateU(A, B);
  const S = modPow(A.multiply(modPow(v, u, srv.N)).mod(srv.N), b, srv.N);
  const key = srv.computehkdf(c.Buffer.from(srv.padHex(S), 'hex'), c.Buffer.from(srv.padHex(u), 'hex'));
  const mac = new c.CognitoSha256(key);
  mac.update(c.Buffer.concat([
    c.Buffer.from(poolName, 'utf8'), c.Buffer.from(userId, 'utf8'),
    c.Buffer.from(secretBlock, 'base64'), c.Buffer.from(String(claim.TIMESTAMP), 'utf8'),
  ]));
  const want = c.Buffer.from(mac.digestSync()).toString('base64');
  result.verified = claim.PASSWORD_CLAIM_SIGNATURE === want;
  if (!result.verified) problems.push(`PASSWORD_CLAIM_SIGNATURE ${claim.PASSWORD_CLAIM_SIGNATURE} does not verify (server computes ${want})`);
  result.verified = result.verified && problems.length === 0;
  return result;
}

/** Per-login compute, both libraries, against the vector's full-size (3072-bit) B. */
export async function srpBench(vector, opts) {
  const { inputs } = vector;
  const cp = { USER_ID_FOR_SRP: inputs.idForHash, SRP_B: inputs.SRP_B, SALT: inputs.SALT, SECRET_BLOCK: inputs.SECRET_BLOCK };
  const userPoolId = `${REGION}_${inputs.helperPoolName}`;
  const fns = {};
  if (hasSrp()) fns.ours = { fn: () => oursLogin(userPoolId, inputs.password, cp), sync: true };
  fns.amazon = { fn: () => amazonLogin(inputs.helperPoolName, inputs.password, cp), sync: true };
  return measureAll(fns, opts);
}

export const SRP_NAMES = {
  ours: 'cognito-fetch SrpSession + passwordClaim',
  amazon: 'amazon-cognito-identity-js AuthenticationHelper',
};

export const info = () => ({ userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated });
