// npm run bench: cognito-fetch against the incumbents, side by side in one headless-Chromium run.
//
//   node scripts/bench.mjs            full run (~1 min): tables, then `ratio …` / `init delta …` lines
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
//   init   cold `await import()` to a usable API, a fresh browser context per sample: ours
//          (index.js + glue + wasm) vs aws4fetch (its ESM, minified) to `new AwsClient(...)`.
//   size   gzip -9 bytes of what a page loads.
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
const TARGET = { sigv4Ratio: 20, srpRatio: 20, initDeltaMs: 5 };

const PLAN = QUICK
  ? { sigv4: { warmupMs: 30, batchMs: 2, samples: 5 }, srp: { warmupMs: 50, batchMs: 5, samples: 3 }, coldSamples: 3, watchdogMs: 120_000 }
  : { sigv4: { warmupMs: 300, batchMs: 10, samples: 30 }, srp: { warmupMs: 500, batchMs: 20, samples: 25 }, coldSamples: 25, watchdogMs: 300_000 };

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
  if (existsSync(join(ROOT, 'pkg/index.js')) && existsSync(join(ROOT, 'pkg/cognito_fetch_bg.wasm'))) return;
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
  const entries = {
    aws4fetch: ["export { AwsClient, AwsV4Signer } from 'aws4fetch';", join(OUT_DIR, 'aws4fetch.min.js')],
    amazonCognito: ["export { CognitoUserPool, CognitoUser, AuthenticationDetails } from 'amazon-cognito-identity-js';"],
    amazonCognitoAws4fetch: ["export { CognitoUserPool, CognitoUser, AuthenticationDetails } from 'amazon-cognito-identity-js';\n" +
      "export { AwsClient } from 'aws4fetch';"],
    smithy: ["export { SignatureV4 } from '@smithy/signature-v4';\nexport { Sha256 } from '@aws-crypto/sha256-browser';"],
    smithyJs: ["export { SignatureV4 } from '@smithy/signature-v4';\nexport { Sha256 } from '@aws-crypto/sha256-js';"],
  };
  const pkgFiles = ['cognito_fetch_bg.wasm', 'index.js'];
  const size = {
    ours: {
      what: 'pkg/: cognito_fetch_bg.wasm + index.js',
      raw: 0, gzip: 0,
    },
  };
  for (const f of pkgFiles) {
    const b = readFileSync(join(ROOT, 'pkg', f));
    size.ours.raw += b.length;
    size.ours.gzip += gz(b);
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
      performance.clearResourceTimings();
      let t0, t1, t2;
      if (which === 'ours') {
        t0 = performance.now();
        const m = await import('/pkg/index.js');
        if (typeof m.signRequest !== 'function') throw new Error('signRequest is not a function');
        t1 = performance.now();
        m.signRequest({ method: 'GET', url, credentials: cred, unsignedPayload: true });
        t2 = performance.now();
      } else {
        t0 = performance.now();
        const m = await import('/target/bench/aws4fetch.min.js');
        const client = new m.AwsClient(cred);
        t1 = performance.now();
        await client.sign(url, { method: 'GET' });
        t2 = performance.now();
      }
      const loaded = performance.getEntriesByType('resource').filter((e) => e.startTime >= t0 && e.responseEnd <= t1);
      return {
        initMs: t1 - t0,
        firstSignMs: t2 - t1,
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

    // --- cold import + init: a fresh context per sample, alternating which goes first
    progress(`init: ${PLAN.coldSamples} cold samples each`);
    const cold = { ours: [], aws4fetch: [] };
    for (const which of ['ours', 'aws4fetch']) await coldSample(browser, server.url, which); // discarded: first contexts
    for (let i = 0; i < PLAN.coldSamples; i++) {
      const order = i % 2 ? ['aws4fetch', 'ours'] : ['ours', 'aws4fetch'];
      for (const which of order) cold[which].push(await coldSample(browser, server.url, which));
    }
    result.init = {};
    for (const [k, xs] of Object.entries(cold)) {
      result.init[k] = {
        initMs: median(xs.map((x) => x.initMs)),
        firstSignMs: median(xs.map((x) => x.firstSignMs)),
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
  result.initDeltaMs = round(result.init.ours.initMs - result.init.aws4fetch.initMs);
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

  log(`Cold import + init — median ms over ${res.init.ours.samples} fresh browser contexts each`);
  log(`    ${pad('', 44)} ${lpad('import→ready', 12)} ${lpad('first sign', 11)} ${lpad('requests', 9)} ${lpad('all fetched at', 15)}`);
  for (const [k, name] of [['ours', "cognito-fetch: import('/pkg/index.js')"], ['aws4fetch', 'aws4fetch: import() + new AwsClient()']]) {
    const i = res.init[k];
    log(`    ${pad(name, 44)} ${lpad(fmtMs(i.initMs), 12)} ${lpad(fmtMs(i.firstSignMs), 11)} ${lpad(i.requests, 9)} ${lpad(fmtMs(i.fetchedMs), 15)}`);
  }
  log('');

  log('Size — what a page loads, gzip -9');
  for (const s of Object.values(res.size)) log(`    ${pad(s.what, 100)} ${lpad(kib(s.gzip), 10)}  (raw ${kib(s.raw)})`);
  log('');

  for (const w of res.warnings) log(`warning: ${w}`);
  if (res.warnings.length) log('');

  for (const [k, v] of Object.entries(res.ratios)) {
    const target = k.startsWith('srp') ? TARGET.srpRatio : TARGET.sigv4Ratio;
    log(`ratio ${k}: ${fmtX(v)}  (target ≥ ${target}x: ${met(v >= target)})`);
  }
  if (res.ratios['srp vs amazon-cognito-identity-js'] == null) log('ratio srp vs amazon-cognito-identity-js: n/a (SrpSession not in pkg/)');
  const d = res.initDeltaMs;
  log(`init delta vs aws4fetch: ${d >= 0 ? '+' : ''}${d.toFixed(1)} ms  (target ≤ +${TARGET.initDeltaMs} ms: ${met(d <= TARGET.initDeltaMs)})`);
  const s = res.size;
  const rel = (theirs) => (s.ours.gzip <= theirs ? `${fmtX(theirs / s.ours.gzip)} smaller` : `${fmtX(s.ours.gzip / theirs)} larger`);
  for (const [k, name] of [['amazonCognitoAws4fetch', 'amazon-cognito-identity-js + aws4fetch'], ['aws4fetch', 'aws4fetch'],
    ['smithy', '@smithy/signature-v4 + sha256-browser']]) {
    log(`size ours vs ${name}: ${kib(s.ours.gzip)} vs ${kib(s[k].gzip)} gzip (ours ${rel(s[k].gzip)})`);
  }
  if (QUICK) log(res.failures.length ? `bench --quick: FAILED: ${res.failures.length} cross-check(s) (see the warnings above)` : 'bench --quick: cross-checks passed');
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`[bench] ${err?.stack ?? err}`); process.exitCode = 1; },
);
