// npm run bench: cognito-fetch against the incumbents, side by side in one headless-Chromium run.
//
//   node scripts/bench.mjs            full run (~2 min): tables, then `ratio …` / `init delta …` lines
//   node scripts/bench.mjs --quick    smoke test (a few iterations): the same checks, rough numbers
//   node scripts/bench.mjs --json     one JSON object on stdout instead of the tables
//
// What is measured (bench/harness.mjs has the inputs and the timing method):
//   sigv4  cognito-fetch signRequest vs @smithy/signature-v4 (with @aws-crypto/sha256-browser, the
//          SDK's browser default, and with @aws-crypto/sha256-js) vs aws4fetch AwsV4Signer, on an S3
//          GET (session token, UNSIGNED-PAYLOAD) and a DynamoDB POST (~1 KB JSON); same credentials
//          and datetime, and the signatures are cross-checked first.
//   srp    one login's client compute: SrpSession + passwordClaim vs amazon-cognito-identity-js's
//          AuthenticationHelper + HKDF + HMAC claim, against a full-size 3072-bit B from
//          ../shared/conformance/srp/srp_vectors.json. Ours is first verified by an independent
//          server-side computation, and the amazon harness against the vector's expected signature.
//   init   cold `await import()` to a usable API, a fresh browser context per sample (at least 15 each,
//          round-robin, median and p90): each entry of the package (its JS + its wasm) beside the incumbents,
//          each bundled and minified as a page would load it: cognito-fetch/sigv4 vs aws4fetch (+5 ms is the
//          target) and @smithy/signature-v4; cognito-fetch/user-pool vs amazon-cognito-identity-js; the whole
//          package vs amazon-cognito-identity-js + aws4fetch.
//   size   gzip -9 bytes of what a page loads, per entry (scripts/size.mjs) and per incumbent.
//
// Exit status: non-zero when something could not run, or (in --quick mode) when a correctness
// cross-check fails. Timings are reported, never asserted: the targets are shown for information.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { serve } from './serve.mjs';
import { measure as measureEntries, verdict } from './size.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'target/bench');
const VECTORS = resolve(ROOT, '../shared/conformance/srp/srp_vectors.json');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: node scripts/bench.mjs [--quick] [--json]');
  process.exit(0);
}
for (const a of argv) {
  if (!['--quick', '--json'].includes(a)) { console.error(`unknown option ${a} (try --help)`); process.exit(2); }
}
const QUICK = argv.includes('--quick');
const JSON_OUT = argv.includes('--json');

// Targets (information only: a benchmark on a shared 2-core machine is not a test).
// The product's speed targets: SRP at most 8 ms per login in Chromium, and the signing entry ready at most 5 ms after
// aws4fetch. Signing-speed ratios are printed for information (no target).
const TARGET = { srpMs: 8, initDeltaMs: 5 };

const PLAN = QUICK
  ? { sigv4: { warmupMs: 30, batchMs: 2, samples: 5 }, srp: { warmupMs: 50, batchMs: 5, samples: 3 }, coldSamples: 3, watchdogMs: 120_000 }
  : { sigv4: { warmupMs: 300, batchMs: 10, samples: 30 }, srp: { warmupMs: 500, batchMs: 20, samples: 25 }, coldSamples: 20, watchdogMs: 420_000 };

const log = (...a) => { if (!JSON_OUT) console.log(...a); };
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const warnings = [];
const failures = [];
const warn = (msg) => { warnings.push(msg); };

const watchdog = setTimeout(() => {
  console.error(`[bench] gave up after ${PLAN.watchdogMs / 1000} s`);
  process.exit(1);
}, PLAN.watchdogMs);
watchdog.unref();

// ---------------------------------------------------------------------------------------------------
// the package, the incumbents' bundles, the sizes

function ensurePkg() {
  if (['index.js', 'cognito_fetch_bg.wasm', 'sigv4/index.js', 'user-pool/index.js'].every((f) => existsSync(join(ROOT, 'pkg', f)))) return;
  progress('pkg/ is not built: running scripts/build.sh');
  const r = spawnSync('bash', ['scripts/build.sh'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('scripts/build.sh failed');
}

const ESBUILD = { bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
  define: { global: 'globalThis' }, logLevel: 'silent', legalComments: 'none' };

async function bundle(contents, outfile) {
  const r = await build({ ...ESBUILD, stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.mjs', loader: 'js' }, write: false });
  const bytes = Buffer.from(r.outputFiles[0].contents);
  if (outfile) writeFileSync(outfile, bytes);
  return bytes;
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

async function buildAll() {
  mkdirSync(OUT_DIR, { recursive: true });
  await build({ ...ESBUILD, entryPoints: [join(ROOT, 'bench/competitors.mjs')], outfile: join(OUT_DIR, 'competitors.js') });
  // Each incumbent as a page loads it (one minified ES module; the cold-start pages import these files).
  const entries = {
    aws4fetch: ["export { AwsClient, AwsV4Signer } from 'aws4fetch';", join(OUT_DIR, 'aws4fetch.min.js')],
    amazonCognito: ["export { CognitoUserPool, CognitoUser, AuthenticationDetails } from 'amazon-cognito-identity-js';",
      join(OUT_DIR, 'amazon-cognito.min.js')],
    amazonCognitoAws4fetch: ["export { CognitoUserPool, CognitoUser, AuthenticationDetails } from 'amazon-cognito-identity-js';\n" +
      "export { AwsClient } from 'aws4fetch';", join(OUT_DIR, 'amazon-cognito-aws4fetch.min.js')],
    smithy: ["export { SignatureV4 } from '@smithy/signature-v4';\nexport { Sha256 } from '@aws-crypto/sha256-browser';"],
    smithyJs: ["export { SignatureV4 } from '@smithy/signature-v4';\nexport { Sha256 } from '@aws-crypto/sha256-js';",
      join(OUT_DIR, 'smithy-sha256-js.min.js')],
  };
  // Each entry of the package: its ES module + its wasm (scripts/size.mjs).
  const size = {};
  for (const e of measureEntries()) {
    size[OURS_KEY[e.name]] = { what: `${e.name} (its ES module + its wasm)`, raw: e.esm.raw, gzip: e.esm.gzip, budget: e.budget };
  }
  const what = {
    aws4fetch: 'aws4fetch (ESM, minified)',
    amazonCognito: 'amazon-cognito-identity-js (CognitoUserPool, CognitoUser, AuthenticationDetails; bundled, minified)',
    amazonCognitoAws4fetch: 'amazon-cognito-identity-js + aws4fetch (bundled, minified)',
    smithy: '@smithy/signature-v4 + @aws-crypto/sha256-browser (bundled, minified)',
    smithyJs: '@smithy/signature-v4 + @aws-crypto/sha256-js (bundled, minified)',
  };
  for (const [k, [src, out]] of Object.entries(entries)) {
    const b = await bundle(src, out);
    size[k] = { what: what[k], raw: b.length, gzip: gz(b) };
  }
  return size;
}

function loadVector() {
  if (!existsSync(VECTORS)) return null;
  const all = JSON.parse(readFileSync(VECTORS, 'utf8')).password_claim_signature ?? [];
  // The first case with a realistic full-size (3072-bit) B: case 2 of the file.
  return all.find((v) => (v.inputs?.SRP_B?.length ?? 0) >= 512 && v.expected_PASSWORD_CLAIM_SIGNATURE) ?? null;
}

function versions() {
  const v = (p) => {
    try { return JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version; } catch { return '?'; }
  };
  return {
    'cognito-fetch': JSON.parse(readFileSync(join(ROOT, 'pkg/package.json'), 'utf8')).version,
    '@smithy/signature-v4': v('@smithy/signature-v4'),
    '@aws-crypto/sha256-browser': v('@aws-crypto/sha256-browser'),
    '@aws-crypto/sha256-js': v('@aws-crypto/sha256-js'),
    aws4fetch: v('aws4fetch'),
    'amazon-cognito-identity-js': v('amazon-cognito-identity-js'),
  };
}

// ---------------------------------------------------------------------------------------------------
// the browser

async function openBench(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  await page.goto(`${base}/bench/bench.html`);
  await page.waitForFunction(() => window.bench || window.benchError, null, { timeout: 30_000 });
  const err = await page.evaluate(() => window.benchError ?? null);
  if (err) throw new Error(`the benchmark page failed to load: ${err}`);
  return { context, page, errors };
}

/** The key of each entry of the package in the results. */
const OURS_KEY = { 'cognito-fetch/sigv4': 'sigv4', 'cognito-fetch/user-pool': 'userPool', 'cognito-fetch': 'full' };

/** The cold-start contestants: what a page imports, and the comparisons made of them (ours first). */
const COLD = {
  sigv4: "cognito-fetch/sigv4: import('/pkg/sigv4/index.js')",
  aws4fetch: 'aws4fetch: import() + new AwsClient()',
  smithyJs: '@smithy/signature-v4 + sha256-js: import() + new SignatureV4()',
  userPool: "cognito-fetch/user-pool: import('/pkg/user-pool/index.js') + new UserPool()",
  amazonCognito: 'amazon-cognito-identity-js: import() + new CognitoUserPool()',
  full: "cognito-fetch: import('/pkg/index.js') + new UserPool()",
  amazonCognitoAws4fetch: 'amazon-cognito-identity-js + aws4fetch: import() + new CognitoUserPool(), new AwsClient()',
};
const COLD_PAIRS = [['sigv4', 'aws4fetch'], ['sigv4', 'smithyJs'], ['userPool', 'amazonCognito'], ['full', 'amazonCognitoAws4fetch']];

const CRED = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'token' };

// One cold sample in a fresh context: import() to a usable API, then the first signature. Also what
// the page fetched for it (Resource Timing): how many requests, and when the last one had arrived.
async function coldSample(browser, base, which) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/bench/blank.html`);
    return await page.evaluate(async ({ which, cred }) => {
      const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/k';
      const pool = { region: 'us-east-1', userPoolId: 'us-east-1_EXAMPLE1', clientId: 'exampleclientid', storage: 'memory' };
      const amazonPool = { UserPoolId: 'us-east-1_EXAMPLE1', ClientId: 'exampleclientid' };
      // [module, () => a usable API (after import), (api) => its first signature, or nothing to sign]
      const ours = (m) => { if (typeof m.signRequest !== 'function') throw new Error('signRequest is not a function'); return m; };
      const oursSign = (m) => m.signRequest({ method: 'GET', url, credentials: cred, unsignedPayload: true });
      const plan = {
        sigv4: ['/pkg/sigv4/index.js', ours, oursSign],
        full: ['/pkg/index.js', (m) => (new m.UserPool(pool), ours(m)), oursSign],
        userPool: ['/pkg/user-pool/index.js', (m) => new m.UserPool(pool), null],
        aws4fetch: ['/target/bench/aws4fetch.min.js', (m) => new m.AwsClient(cred), (c) => c.sign(url, { method: 'GET' })],
        smithyJs: ['/target/bench/smithy-sha256-js.min.js',
          (m) => new m.SignatureV4({ credentials: cred, region: 'us-east-1', service: 's3', sha256: m.Sha256 }),
          (s) => s.sign({ method: 'GET', protocol: 'https:', hostname: 'examplebucket.s3.us-east-1.amazonaws.com', path: '/k', query: {},
            headers: { host: 'examplebucket.s3.us-east-1.amazonaws.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })],
        amazonCognito: ['/target/bench/amazon-cognito.min.js', (m) => new m.CognitoUserPool(amazonPool), null],
        amazonCognitoAws4fetch: ['/target/bench/amazon-cognito-aws4fetch.min.js',
          (m) => (new m.CognitoUserPool(amazonPool), new m.AwsClient(cred)), (c) => c.sign(url, { method: 'GET' })],
      }[which];
      performance.clearResourceTimings();
      const t0 = performance.now();
      const api = plan[1](await import(plan[0]));
      const t1 = performance.now();
      if (plan[2]) await plan[2](api);
      const t2 = performance.now();
      const loaded = performance.getEntriesByType('resource').filter((e) => e.startTime >= t0 && e.responseEnd <= t1);
      return {
        initMs: t1 - t0,
        firstSignMs: plan[2] ? t2 - t1 : null,
        requests: loaded.length,
        fetchedMs: Math.max(0, ...loaded.map((e) => e.responseEnd - t0)),
      };
    }, { which, cred: CRED });
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p90 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)];
};
const round = (x) => Math.round(x * 1e4) / 1e4;
const RATIO_NAMES = { smithy: '@smithy/signature-v4', smithyJs: '@smithy/signature-v4 (sha256-js)', aws4fetch: 'aws4fetch' };

// ---------------------------------------------------------------------------------------------------
// formatting

const fmtMs = (x) => (x == null ? '—' : x < 0.01 ? x.toFixed(4) : x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1));
const fmtX = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + 'x';
const kib = (n) => (n / 1024).toFixed(1) + ' KiB';
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const met = (ok) => (ok ? 'met' : 'NOT met');

// ---------------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  ensurePkg();
  progress('bundling the incumbents (esbuild) and measuring sizes');
  const size = await buildAll();
  const vector = loadVector();
  if (!vector) warn(`SRP vectors not found at ${VECTORS}: SRP skipped`);

  const server = await serve({ root: ROOT, port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const result = { mode: QUICK ? 'quick' : 'full', versions: versions() };
  try {
    // --- SigV4: one page load
    progress('sigv4: cross-check, then timing');
    {
      const { context, page, errors } = await openBench(browser, server.url);
      result.browser = await page.evaluate(() => window.bench.info());
      result.browser.version = browser.version();
      result.sigv4Check = await page.evaluate(() => window.bench.sigv4Check());
      for (const [id, chk] of Object.entries(result.sigv4Check)) {
        if (chk.agree) continue;
        const detail = Object.entries(chk.results)
          .map(([n, r]) => `${n}=${r.error ? 'error: ' + r.error : (r.signature ?? 'none').slice(0, 16) + '… [' + r.signedHeaders + ']'}`)
          .join(' ');
        const msg = `sigv4-${id}: signatures differ: ${detail}`;
        warn(msg);
        failures.push(msg);
      }
      result.sigv4 = await page.evaluate((o) => window.bench.sigv4Bench(o), PLAN.sigv4);
      result.names = await page.evaluate(() => ({ sigv4: window.bench.SIGNER_NAMES, srp: window.bench.SRP_NAMES }));
      if (errors.length) warn(`sigv4 page errors: ${errors.join('; ')}`);
      await context.close();
    }

    // --- SRP: one page load
    if (vector) {
      progress('srp: checks, then timing');
      const { context, page, errors } = await openBench(browser, server.url);
      const chk = await page.evaluate((v) => window.bench.srpCheck(v), vector);
      result.srpCheck = { vector: vector.name, ...chk };
      if (!chk.harness) failures.push('srp: the amazon-cognito-identity-js harness does not reproduce the vector');
      if (!chk.available) warn('srp: SrpSession is not in pkg/ yet: only amazon-cognito-identity-js measured');
      else if (!chk.verified) failures.push('srp: our passwordClaim does not verify');
      for (const p of chk.problems) warn(`srp: ${p}`);
      result.srp = await page.evaluate(([v, o]) => window.bench.srpBench(v, o), [vector, PLAN.srp]);
      if (errors.length) warn(`srp page errors: ${errors.join('; ')}`);
      await context.close();
    }

    // --- cold import + init: a fresh context per sample, round-robin with a rotating start (so no contestant
    // always follows the same one)
    const names = Object.keys(COLD);
    progress(`init: ${PLAN.coldSamples} cold samples each of ${names.length} pages`);
    const cold = Object.fromEntries(names.map((k) => [k, []]));
    for (const which of names) await coldSample(browser, server.url, which); // discarded: first contexts
    for (let i = 0; i < PLAN.coldSamples; i++) {
      for (let j = 0; j < names.length; j++) {
        const which = names[(i + j) % names.length];
        cold[which].push(await coldSample(browser, server.url, which));
      }
    }
    result.init = {};
    for (const [k, xs] of Object.entries(cold)) {
      const signs = xs.map((x) => x.firstSignMs).filter((x) => x != null);
      result.init[k] = {
        initMs: median(xs.map((x) => x.initMs)),
        initP90Ms: p90(xs.map((x) => x.initMs)),
        firstSignMs: signs.length ? median(signs) : null,
        requests: median(xs.map((x) => x.requests)),
        fetchedMs: median(xs.map((x) => x.fetchedMs)),
        samples: xs.length,
        initSamplesMs: xs.map((x) => +x.initMs.toFixed(2)),
      };
    }
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
  result.size = size;

  // --- ratios: the incumbent's median over ours (> 1: ours is faster)
  const r = {};
  for (const id of Object.keys(result.sigv4)) {
    const res = result.sigv4[id].results;
    for (const [other, name] of Object.entries(RATIO_NAMES)) r[`sigv4-${id} vs ${name}`] = round(res[other].medianMs / res.ours.medianMs);
  }
  if (result.srp?.ours) r['srp vs amazon-cognito-identity-js'] = round(result.srp.amazon.medianMs / result.srp.ours.medianMs);
  result.ratios = r;
  result.initDeltaMs = Object.fromEntries(COLD_PAIRS.map(([a, b]) => [`${a} vs ${b}`, round(result.init[a].initMs - result.init[b].initMs)]));
  result.targets = TARGET;
  result.warnings = warnings;
  result.failures = failures;
  result.ok = QUICK ? failures.length === 0 : true;
  result.seconds = (Date.now() - t0) / 1000;

  if (JSON_OUT) console.log(JSON.stringify(result));
  else report(result);
  return result.ok ? 0 : 1;
}

function report(res) {
  const b = res.browser;
  log(`cognito-fetch benchmark (${res.mode}) — Chromium ${b.version}, ${b.hardwareConcurrency} cores, ${res.seconds.toFixed(0)} s`);
  log('versions: ' + Object.entries(res.versions).map(([k, v]) => `${k} ${v}`).join(', '));
  log('');

  log('SigV4 signing — median ms per signature (p25–p75), one page, same inputs, batches timed after warm-up');
  for (const [id, c] of Object.entries(res.sigv4)) {
    const chk = res.sigv4Check[id];
    log(`  ${id}: ${c.label} — signatures ${chk.agree ? 'identical across all four' : 'DIFFER (see warnings)'}`);
    for (const [name, m] of Object.entries(c.results)) {
      const ratio = name === 'ours' ? '' : fmtX(m.medianMs / c.results.ours.medianMs) + ' slower';
      log(`    ${pad(res.names.sigv4[name], 72)} ${lpad(fmtMs(m.medianMs), 8)} ms  (${fmtMs(m.p25Ms)}–${fmtMs(m.p75Ms)})  ${lpad(m.calls, 6)} calls  ${ratio}`);
    }
  }
  log('');

  if (res.srp) {
    log(`SRP login compute — median ms per login (p25–p75), B/salt/secret block from "${res.srpCheck.vector}"`);
    const chk = res.srpCheck;
    log(`  checks: amazon harness reproduces the vector: ${chk.harness ? 'yes' : 'NO'}; ` +
      `ours verified by an independent server computation: ${chk.available ? (chk.verified ? 'yes' : 'NO') : 'n/a (SrpSession not in pkg/)'}`);
    for (const [name, m] of Object.entries(res.srp)) {
      log(`    ${pad(res.names.srp[name], 72)} ${lpad(fmtMs(m.medianMs), 8)} ms  (${fmtMs(m.p25Ms)}–${fmtMs(m.p75Ms)})  ${lpad(m.calls, 6)} calls`);
    }
    log('');
  }

  log(`Cold import + init — ms over ${res.init.sigv4.samples} fresh browser contexts each (one Chromium run, round-robin)`);
  log(`    ${pad('', 100)} ${lpad('median', 8)} ${lpad('p90', 8)} ${lpad('first sign', 11)} ${lpad('requests', 9)} ${lpad('fetched at', 11)}`);
  for (const [k, name] of Object.entries(COLD)) {
    const i = res.init[k];
    log(`    ${pad(name, 100)} ${lpad(fmtMs(i.initMs), 8)} ${lpad(fmtMs(i.initP90Ms), 8)} ${lpad(fmtMs(i.firstSignMs), 11)} ${lpad(i.requests, 9)} ${lpad(fmtMs(i.fetchedMs), 11)}`);
  }
  log('');

  log('Size — what a page loads, gzip -9 (each entry: its ES module + its wasm)');
  for (const s of Object.values(res.size)) {
    log(`    ${pad(s.what, 100)} ${lpad(kib(s.gzip), 10)}  (${s.gzip} B; raw ${kib(s.raw)})${s.budget ? `  budget ${kib(s.budget)}: ${verdict(s.gzip, s.budget)}` : ''}`);
  }
  log('');

  for (const w of res.warnings) log(`warning: ${w}`);
  if (res.warnings.length) log('');

  for (const [k, v] of Object.entries(res.ratios)) log(`ratio ${k}: ${fmtX(v)}`);
  const srpMs = res.srp?.ours?.medianMs;
  if (srpMs != null) log(`srp per login: ${fmtMs(srpMs)} ms median  (target ≤ ${TARGET.srpMs} ms: ${met(srpMs <= TARGET.srpMs)})`);
  if (res.ratios['srp vs amazon-cognito-identity-js'] == null) log('ratio srp vs amazon-cognito-identity-js: n/a (SrpSession not in pkg/)');
  for (const [k, d] of Object.entries(res.initDeltaMs)) {
    const target = k === 'sigv4 vs aws4fetch' ? `  (target ≤ +${TARGET.initDeltaMs} ms: ${met(d <= TARGET.initDeltaMs)})` : '';
    log(`init delta ${k}: ${d >= 0 ? '+' : ''}${d.toFixed(1)} ms${target}`);
  }
  const s = res.size;
  const rel = (ours, theirs) => (ours <= theirs ? `${fmtX(theirs / ours)} smaller` : `${fmtX(ours / theirs)} larger`);
  for (const [o, k, name] of [['sigv4', 'aws4fetch', 'aws4fetch'], ['sigv4', 'smithyJs', '@smithy/signature-v4 + sha256-js'],
    ['sigv4', 'smithy', '@smithy/signature-v4 + sha256-browser'], ['userPool', 'amazonCognito', 'amazon-cognito-identity-js'],
    ['full', 'amazonCognitoAws4fetch', 'amazon-cognito-identity-js + aws4fetch']]) {
    log(`size ${s[o].what.split(' ')[0]} vs ${name}: ${kib(s[o].gzip)} vs ${kib(s[k].gzip)} gzip (ours ${rel(s[o].gzip, s[k].gzip)})`);
  }
  if (QUICK) log(res.failures.length ? `bench --quick: FAILED: ${res.failures.length} cross-check(s) (see the warnings above)` : 'bench --quick: cross-checks passed');
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`[bench] ${err?.stack ?? err}`); process.exitCode = 1; },
);
