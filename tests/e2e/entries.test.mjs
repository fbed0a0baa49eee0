// The package's entries (pay for what you use): cognito-fetch/sigv4 and cognito-fetch/user-pool, each with its
// own JS and wasm, in Chromium as an ES module and as a drop-in script, and in Node through the exports map
// (`import` and `require`). The sigv4 entry signs the S3 API Reference's GET Object example
// (../shared/conformance/sigv4/s3-and-dynamodb-cases.json) to its published signature; the user-pool entry signs
// a user in with SRP against local-aws; a page that imports only cognito-fetch/sigv4 fetches no other wasm or JS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, writeFileSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2e, ROOT, TEST_TIMEOUT } from './harness.mjs';
import { s3DocCase } from '../matrix/lib.mjs';

const WASM = { sigv4: 'sigv4/cognito_fetch_sigv4_bg.wasm', userPool: 'user-pool/cognito_fetch_user_pool_bg.wasm', full: 'cognito_fetch_bg.wasm' };
const DROPIN = { sigv4: 'sigv4/cognito-fetch-sigv4.js', userPool: 'user-pool/cognito-fetch-user-pool.js' };
const env = e2e({ pkg: ['sigv4/index.js', 'user-pool/index.js', DROPIN.sigv4, DROPIN.userPool, WASM.sigv4, WASM.userPool] });
const doc = s3DocCase();
const SIGV4_NAMES = ['AwsClient', 'iotMqttUrl', 'iotMqttUrls', 'presignUrl', 'signRequest'];
const USER_POOL_NAMES = ['SrpSession', 'UserPool'];

/** Opens a blank page that records every request it makes (paths on the main server). */
async function page() {
  const p = await env.open('main');
  const requests = [];
  p.on('request', (r) => requests.push(new URL(r.url()).pathname));
  return { p, requests };
}

/** In the page: signs the S3 doc case with `lib` (an entry's exports) and returns its Authorization header. */
const signDoc = (lib, input) => lib.signRequest(input).headers.authorization;

/** In the page: an SRP sign-in (UserPool's default flow) of the seeded user against local-aws. */
async function srpSignIn(lib, s) {
  localStorage.clear();
  const pool = new lib.UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/`, storage: 'memory' });
  const user = s.users.find((u) => !u.temporary);
  const out = await pool.signIn({ username: user.username, password: user.password });
  const session = await pool.getSession();
  return { out, signedIn: Boolean(session?.tokens?.idToken) };
}

test('cognito-fetch/sigv4 as an ES module: its exports only, the S3 doc signature, and no other wasm or JS fetched', TEST_TIMEOUT, async () => {
  const { p, requests } = await page();
  const r = await p.evaluate(async ([src, input]) => {
    const lib = await import('/pkg/sigv4/index.js');
    return { names: Object.keys(lib).sort(), auth: (0, eval)(`(${src})`)(lib, input) };
  }, [signDoc.toString(), doc.input]);
  assert.deepEqual(r.names, SIGV4_NAMES);
  assert.equal(r.auth, doc.authorization);
  const fetched = requests.filter((u) => u.startsWith('/pkg/'));
  assert.deepEqual(fetched, ['/pkg/sigv4/index.js', `/pkg/${WASM.sigv4}`], `the page fetched ${requests.join(', ')}`);
  assert.ok(!requests.some((u) => u.endsWith('.wasm') && !u.endsWith(WASM.sigv4)), 'no other wasm');
});

test('cognito-fetch/sigv4 as a drop-in (sigv4/cognito-fetch-sigv4.js): CognitoFetch with its exports, the S3 doc signature', TEST_TIMEOUT, async () => {
  const { p, requests } = await page();
  const r = await p.evaluate(async ([src, input, script]) => {
    // Called as soon as the script has run (its load event, in the same task): the wasm cannot be there yet.
    const early = await new Promise((resolve, reject) => {
      const el = Object.assign(document.createElement('script'), { src: script });
      el.onload = () => {
        try {
          CognitoFetch.signRequest(input);
          resolve('no error');
        } catch (e) {
          resolve(e.code);
        }
      };
      el.onerror = () => reject(new Error(`${script} did not load`));
      document.head.append(el);
    });
    const lib = await CognitoFetch.ready;
    return { early, names: Object.keys(lib).filter((k) => k !== 'ready').sort(), auth: (0, eval)(`(${src})`)(lib, input) };
  }, [signDoc.toString(), doc.input, `/pkg/${DROPIN.sigv4}`]);
  assert.equal(r.early, 'NotReady');
  assert.deepEqual(r.names, SIGV4_NAMES);
  assert.equal(r.auth, doc.authorization);
  assert.deepEqual(requests.filter((u) => u.startsWith('/pkg/')), [`/pkg/${DROPIN.sigv4}`, `/pkg/${WASM.sigv4}`]);
});

test('cognito-fetch/user-pool as an ES module: its exports only, its own wasm, an SRP sign-in against local-aws', TEST_TIMEOUT, async () => {
  const { p, requests } = await page();
  const r = await p.evaluate(async ([src, s]) => {
    const lib = await import('/pkg/user-pool/index.js');
    return { names: Object.keys(lib).sort(), ...(await (0, eval)(`(${src})`)(lib, s)) };
  }, [srpSignIn.toString(), env.state]);
  assert.deepEqual(r.names, USER_POOL_NAMES);
  assert.deepEqual(r.out, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal(r.signedIn, true);
  assert.deepEqual(requests.filter((u) => u.startsWith('/pkg/')), ['/pkg/user-pool/index.js', `/pkg/${WASM.userPool}`]);
});

test('cognito-fetch/user-pool as a drop-in (user-pool/cognito-fetch-user-pool.js): an SRP sign-in against local-aws', TEST_TIMEOUT, async () => {
  const { p, requests } = await page();
  await p.addScriptTag({ url: `/pkg/${DROPIN.userPool}` });
  const r = await p.evaluate(async ([src, s]) => {
    const lib = await CognitoFetch.ready;
    return { names: Object.keys(lib).filter((k) => k !== 'ready').sort(), ...(await (0, eval)(`(${src})`)(lib, s)) };
  }, [srpSignIn.toString(), env.state]);
  assert.deepEqual(r.names, USER_POOL_NAMES);
  assert.deepEqual(r.out, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.filter((u) => u.startsWith('/pkg/')), [`/pkg/${DROPIN.userPool}`, `/pkg/${WASM.userPool}`]);
});

test("each entry's wasm holds only its steps: the sigv4 wasm cannot sign users in, the user-pool wasm cannot sign requests", TEST_TIMEOUT, () => {
  const exportsOf = (f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(ROOT, 'pkg', f)))).map((e) => e.name);
  assert.ok(exportsOf(WASM.sigv4).includes('_sign'));
  assert.ok(!exportsOf(WASM.userPool).includes('_sign'), 'no SigV4 signing in the user-pool wasm');
  assert.ok(exportsOf(WASM.full).includes('_sign'));
  const size = (f) => readFileSync(join(ROOT, 'pkg', f)).length;
  assert.ok(size(WASM.sigv4) < size(WASM.full) && size(WASM.userPool) < size(WASM.full), 'each entry wasm is smaller than the whole');
});

// Node: the entries as an app resolves them (pkg/ as node_modules/cognito-fetch, without any .wasm file: the
// node condition embeds them).
const app = mkdtempSync(join(tmpdir(), 'cf-entries-'));
after(() => rmSync(app, { recursive: true, force: true }));
const installed = join(app, 'node_modules/cognito-fetch');
cpSync(join(ROOT, 'pkg'), installed, { recursive: true });
for (const f of readdirSync(installed, { recursive: true })) if (f.endsWith('.wasm')) rmSync(join(installed, f));
/** Runs `source` as `file` in the app in a fresh Node process; its stdout parsed as JSON. */
const run = (file, source) => {
  writeFileSync(join(app, file), source);
  return JSON.parse(execFileSync(process.execPath, [join(app, file)], { cwd: app, encoding: 'utf8' }));
};

test('Node: import of cognito-fetch/sigv4 and cognito-fetch/user-pool resolves each node.js, with its exports only', TEST_TIMEOUT, () => {
  const r = run('esm.mjs', `
    const sigv4 = await import('cognito-fetch/sigv4');
    const userPool = await import('cognito-fetch/user-pool');
    console.log(JSON.stringify({
      resolved: [import.meta.resolve('cognito-fetch/sigv4'), import.meta.resolve('cognito-fetch/user-pool')],
      names: [Object.keys(sigv4).sort(), Object.keys(userPool).sort()],
      auth: sigv4.signRequest(${JSON.stringify(doc.input)}).headers.authorization,
      srpA: new userPool.SrpSession().srpA,
    }));`);
  assert.deepEqual(r.resolved, [`file://${join(installed, 'sigv4/node.js')}`, `file://${join(installed, 'user-pool/node.js')}`]);
  assert.deepEqual(r.names, [SIGV4_NAMES, USER_POOL_NAMES]);
  assert.equal(r.auth, doc.authorization);
  assert.match(r.srpA, /^[0-9a-f]{700,}$/);
});

test('Node: require of cognito-fetch/sigv4 and cognito-fetch/user-pool resolves each node.cjs, one instance with import', TEST_TIMEOUT, () => {
  const r = run('cjs.cjs', `
    const sigv4 = require('cognito-fetch/sigv4');
    const userPool = require('cognito-fetch/user-pool');
    Promise.all([import('cognito-fetch/sigv4'), import('cognito-fetch/user-pool')]).then(([s, u]) => console.log(JSON.stringify({
      resolved: [require.resolve('cognito-fetch/sigv4'), require.resolve('cognito-fetch/user-pool')],
      names: [Object.keys(sigv4).sort(), Object.keys(userPool).sort()],
      esModuleFlag: '__esModule' in sigv4 || '__esModule' in userPool,
      same: s.AwsClient === sigv4.AwsClient && u.UserPool === userPool.UserPool,
      auth: sigv4.signRequest(${JSON.stringify(doc.input)}).headers.authorization,
      claim: typeof new userPool.SrpSession().passwordClaim,
    })));`);
  assert.deepEqual(r.resolved, [join(installed, 'sigv4/node.cjs'), join(installed, 'user-pool/node.cjs')]);
  assert.deepEqual(r.names, [SIGV4_NAMES, USER_POOL_NAMES]);
  assert.equal(r.esModuleFlag, false);
  assert.equal(r.same, true, 'import and require give the same classes');
  assert.equal(r.auth, doc.authorization);
  assert.equal(r.claim, 'function');
});

test('the exports map: each subpath with the main entry\'s node condition layout and types', () => {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'pkg/package.json'), 'utf8'));
  for (const dir of ['sigv4', 'user-pool']) {
    assert.deepEqual(exports[`./${dir}`], {
      node: {
        import: { types: `./${dir}/index.d.ts`, default: `./${dir}/node.js` },
        require: { types: `./${dir}/index.d.cts`, default: `./${dir}/node.cjs` },
      },
      types: `./${dir}/index.d.ts`,
      default: `./${dir}/index.js`,
    });
  }
  for (const f of [DROPIN.sigv4, DROPIN.userPool, WASM.sigv4, WASM.userPool]) assert.equal(exports[`./${f}`], `./${f}`);
});

test('TypeScript resolves each subpath\'s types under node16 (import and require), bundler and node10', { timeout: 180_000 }, () => {
  const usage = `import { signRequest, AwsClient } from 'cognito-fetch/sigv4';
import { UserPool, SrpSession } from 'cognito-fetch/user-pool';
import type { SignedRequest } from 'cognito-fetch/sigv4';
import type { SignInOutput } from 'cognito-fetch/user-pool';
const credentials = { accessKeyId: 'a', secretAccessKey: 's' };
const signed: SignedRequest = signRequest({ method: 'GET', url: 'https://b.s3.amazonaws.com/k', credentials });
const client = new AwsClient({ credentials });
const pool = new UserPool({ region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'c' });
// @ts-expect-error: the types are real (a number is not a url)
signRequest({ method: 'GET', url: 1, credentials });
export const used: [SignedRequest, AwsClient, UserPool, string, SignInOutput | undefined] = [signed, client, pool, new SrpSession().srpA, undefined];
`;
  for (const f of ['usage.cts', 'usage.mts', 'usage.ts']) writeFileSync(join(app, f), usage);
  const tsc = (module, resolution, ...files) => {
    const args = [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', 'false',
      '--lib', 'es2022,dom', '--module', module, '--moduleResolution', resolution, '--traceResolution', ...files];
    const out = execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });
    return [...out.matchAll(/Module name 'cognito-fetch\/([\w-]+)' was successfully resolved to '([^']+)'/g)]
      .map((m) => `${m[1]} ${m[2].slice(installed.length + 1)}`).sort();
  };
  // node16: a .cts file requires (index.d.cts, for node.cjs), a .mts file imports (index.d.ts, for node.js).
  assert.deepEqual(tsc('node16', 'node16', 'usage.cts', 'usage.mts'),
    ['sigv4 sigv4/index.d.cts', 'sigv4 sigv4/index.d.ts', 'user-pool user-pool/index.d.cts', 'user-pool user-pool/index.d.ts']);
  assert.deepEqual(tsc('esnext', 'bundler', 'usage.ts'), ['sigv4 sigv4/index.d.ts', 'user-pool user-pool/index.d.ts']);
  assert.deepEqual(tsc('commonjs', 'node10', 'usage.ts'), ['sigv4 sigv4/index.d.ts', 'user-pool user-pool/index.d.ts']);
});
