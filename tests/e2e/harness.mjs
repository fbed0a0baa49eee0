// Shared set-up for the browser end-to-end tests.
//
//   import { e2e } from './harness.mjs';
//   const env = e2e();                    // registers before/after hooks in this test file
//   test('…', async () => {
//     const page = await env.open('other', '/tests/e2e/pages/blank.html');   // a page on the second origin
//     const r = await env.run('main', (lib, a) => lib.s3(a.state, { key: 'k' })); // code run in a page
//   });
//
// before: local-aws on a free port (fresh temp state), the repo root served on two free ports
// (`main`, and `other` — a second origin), and headless Chromium. after: everything is stopped,
// even when a hook or a test failed. A failed test prints what local-aws and the page logged.
import { before, after, beforeEach, afterEach } from 'node:test';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const TEST_TIMEOUT = { timeout: 60_000 };
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Unref'd: a pending deadline must not keep the test process alive.
const sleep = (ms) => delay(ms, undefined, { ref: false });

/** Fails with a clear message when the package has not been built. */
export function requirePkg(...files) {
  for (const f of files) {
    if (!existsSync(join(ROOT, 'pkg', f))) throw new Error(`pkg/${f} is missing: run \`npm run build\` first`);
  }
}

/** Starts local-aws on a free port; resolves once it is seeded and its state file is written. */
export async function startLocalAws({ timeoutMs = 60_000 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'cf-e2e-'));
  const stateFile = join(dir, 'state.json');
  const python = join(ROOT, 'local-aws/.venv/bin/python');
  if (!existsSync(python)) throw new Error(`${python} is missing: run \`npm run setup\` first`);
  const child = spawn(python, [join(ROOT, 'local-aws/server.py'), '--port', '0', '--state', stateFile, '--verbose'], {
    cwd: ROOT, env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { log += d; });
  child.stdout.setEncoding('utf8').on('data', (d) => { log += d; });
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(`exited (${sig ?? code})`)));

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]) === false) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const ready = new Promise((ok) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        const m = buf.match(/^local-aws ready on (http:\/\/127\.0\.0\.1:\d+)\s*$/m);
        if (m) ok(m[1]);
      });
    });
    const deadline = sleep(timeoutMs).then(() => `not ready after ${timeoutMs / 1000} s`);
    const endpoint = await Promise.race([ready, exited, deadline]);
    if (!endpoint.startsWith('http')) throw new Error(`local-aws ${endpoint}`);
    // The state file is written right after the ready line: wait until it parses.
    let state;
    for (let i = 0; !state; i++) {
      state = await readFile(stateFile, 'utf8').then(JSON.parse, () => undefined);
      if (!state && i > 100) throw new Error(`local-aws printed its ready line but wrote no valid ${stateFile}`);
      if (!state) await sleep(50);
    }
    return { state, stateFile, endpoint, stop, log: () => log };
  } catch (err) {
    await stop();
    err.message += `\n--- local-aws output ---\n${log.slice(-4000)}`;
    throw err;
  }
}

/** Serves the repo root twice (two origins); `main` also answers /local-aws.json with the state. */
export async function startServers(state) {
  const json = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(state));
  };
  const main = await serve({ root: ROOT, routes: { '/local-aws.json': json } });
  try {
    const other = await serve({ root: ROOT });
    return { main, other };
  } catch (err) {
    await main.close();
    throw err;
  }
}

/** Headless Chromium; `extraArgs` e.g. `--host-resolver-rules=MAP app.test 127.0.0.1`. */
export async function launchBrowser(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Registers hooks for one test file and returns the environment they fill in:
 * { state, aws, main, other, localhost, browser, open(origin, path) }.
 * Options: { browser: false } for Node-only files (no page servers, no Chromium).
 */
export function e2e({ browser: wantBrowser = true, pkg = ['index.js'] } = {}) {
  const env = { pages: [] };
  const cleanups = [];
  let logMark = 0;
  let pageLog = [];

  before(async () => {
    requirePkg(...pkg);
    env.aws = await startLocalAws();
    cleanups.push(() => env.aws.stop());
    env.state = env.aws.state;
    if (!wantBrowser) return;
    const { main, other } = await startServers(env.state);
    cleanups.push(() => main.close(), () => other.close());
    // `localhost`: the main server under the name Cognito allows http callback URLs on (same port, other origin).
    Object.assign(env, { main, other, localhost: { ...main, url: main.url.replace('127.0.0.1', 'localhost') } });
    env.browser = await launchBrowser();
    cleanups.push(() => env.browser.close());
  }, { timeout: 120_000 });

  after(async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => console.error('teardown:', e));
  });

  beforeEach(() => {
    logMark = env.aws?.log().length ?? 0;
    pageLog = [];
  });

  afterEach(async (t) => {
    const pages = env.pages.splice(0);
    for (const ctx of pages) await ctx.close().catch(() => {});
    if (t.passed) return;
    const awsLog = env.aws?.log().slice(logMark).trim();
    if (awsLog) console.error(`--- local-aws output during "${t.name}" ---\n${awsLog.slice(-6000)}`);
    if (pageLog.length) console.error(`--- page console during "${t.name}" ---\n${pageLog.join('\n')}`);
  });

  /** Opens `path` in a fresh browser context on the `main` or `other` origin. */
  env.open = async (origin = 'main', path = '/tests/e2e/pages/blank.html', { beforeGoto, waitUntil = 'load' } = {}) => {
    const ctx = await env.browser.newContext();
    env.pages.push(ctx);
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') pageLog.push(`[${m.type()}] ${m.text()}`); });
    page.on('pageerror', (e) => pageLog.push(`[pageerror] ${e.message}`));
    if (beforeGoto) await beforeGoto(page);
    const res = await page.goto(env[origin].url + path, { waitUntil });
    if (!res?.ok()) throw new Error(`GET ${path} on ${origin}: ${res?.status()}`);
    return page;
  };

  /**
   * Opens a blank page on `origin` and runs `fn(lib, arg)` in it, where lib is tests/e2e/pages/lib.mjs
   * (which imports /pkg/index.js) and arg gets `state` added. Returns what fn returns (JSON-able).
   */
  env.run = async (origin, fn, arg = {}) => {
    const page = await env.open(origin);
    return page.evaluate(async ([src, a]) => {
      const lib = await import('/tests/e2e/pages/lib.mjs');
      return (0, eval)(`(${src})`)(lib, a); // fn's source, run in the page with lib and arg
    }, [fn.toString(), { state: env.state, ...arg }]);
  };

  return env;
}

/** A key prefix unique to this run, so tests never see each other's objects. */
export const runPrefix = () => `e2e/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`;
