// The package as apps resolve it: pkg/ copied as node_modules/cognito-fetch of a scratch app, without its .wasm
// file (a server bundle may move or drop it), then Node's own resolution of its `exports` (the `node`
// condition): `import` from an ES module and `require()` from CommonJS both load with no top-level await and no
// file read, share one instance, and sign.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, requirePkg, TEST_TIMEOUT } from './harness.mjs';

requirePkg('index.js', 'node.js', 'node.cjs', 'cognito_fetch_bg.wasm');
const app = mkdtempSync(join(tmpdir(), 'cf-app-'));
after(() => rmSync(app, { recursive: true, force: true }));
const installed = join(app, 'node_modules/cognito-fetch');
cpSync(join(ROOT, 'pkg'), installed, { recursive: true });
rmSync(join(installed, 'cognito_fetch_bg.wasm'));
const SIGN = `signRequest({ method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/k', datetime: '20240102T030405Z',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }).headers.authorization`;
/** Runs `file` (written into the app with `source`) in a fresh Node process; its stdout parsed as JSON. */
const run = (file, source) => {
  writeFileSync(join(app, file), source);
  return JSON.parse(execFileSync(process.execPath, [join(app, file)], { cwd: app, encoding: 'utf8' }));
};

test("import resolves the node condition's ES module (node.js), which loads without the wasm file", TEST_TIMEOUT, async () => {
  const r = run('esm.mjs', `
    const { signRequest } = await import('cognito-fetch');
    console.log(JSON.stringify({ resolved: import.meta.resolve('cognito-fetch'), auth: ${SIGN} }));`);
  assert.equal(r.resolved, `file://${join(installed, 'node.js')}`);
  assert.match(r.auth, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240102\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
});

test('require() from CommonJS resolves node.cjs and shares its instance with import', TEST_TIMEOUT, async () => {
  const r = run('cjs.cjs', `
    const lib = require('cognito-fetch');
    const { signRequest } = lib;
    import('cognito-fetch').then((esm) => console.log(JSON.stringify({
      resolved: require.resolve('cognito-fetch'), auth: ${SIGN}, sameClasses: esm.S3 === lib.S3 && esm.UserPool === lib.UserPool,
      names: Object.keys(lib).sort(), esModuleFlag: '__esModule' in lib,
    })));`);
  assert.equal(r.resolved, join(installed, 'node.cjs'));
  assert.match(r.auth, /Signature=[0-9a-f]{64}$/);
  assert.equal(r.sameClasses, true, 'import and require give the same classes (one wasm instance)');
  // Bundlers would read node.js's `import m from './node.cjs'` as module.exports.default if this flag were set.
  assert.equal(r.esModuleFlag, false, 'module.exports of node.cjs is a plain object');
  assert.deepEqual(r.names, ['AwsClient', 'DynamoDB', 'IdentityPool', 'S3', 'SrpSession', 'UserPool', 'marshall',
    'numberValue', 'presignUrl', 'signRequest', 'unmarshall']);
});

test('the exports map: browser builds get index.js, Node node.js / node.cjs, types for each', () => {
  const { exports } = JSON.parse(readFileSync(join(ROOT, 'pkg/package.json'), 'utf8'));
  assert.deepEqual(exports['.'], {
    node: {
      import: { types: './index.d.ts', default: './node.js' },
      require: { types: './index.d.cts', default: './node.cjs' },
    },
    types: './index.d.ts',
    default: './index.js',
  });
  assert.ok(!readFileSync(join(ROOT, 'pkg/index.js'), 'utf8').includes('node:'), 'the browser entry imports no node: module');
});

test('TypeScript resolves the types under node16 (import and require), bundler and node10', { timeout: 180_000 }, () => {
  const usage = `import { signRequest, S3, UserPool } from 'cognito-fetch';
import type { SignedRequest, CognitoFetchError } from 'cognito-fetch';
const signed: SignedRequest = signRequest({ method: 'GET', url: 'https://b.s3.amazonaws.com/k', credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
const s3: S3 = new S3({ bucket: 'b', region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
// @ts-expect-error: the types are real (a number is not a url)
signRequest({ method: 'GET', url: 1, credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
export const used: [SignedRequest, S3, typeof UserPool, CognitoFetchError | undefined] = [signed, s3, UserPool, undefined];
`;
  for (const f of ['usage.cts', 'usage.mts', 'usage.ts']) writeFileSync(join(app, f), usage);
  const tsc = (module, resolution, ...files) => {
    const args = [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', 'false',
      '--lib', 'es2022,dom', '--module', module, '--moduleResolution', resolution, '--traceResolution', ...files];
    const out = execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });
    return [...out.matchAll(/Module name 'cognito-fetch' was successfully resolved to '([^']+)'/g)].map((m) => m[1].slice(installed.length + 1));
  };
  // node16: a .cts file requires (index.d.cts, for node.cjs), a .mts file imports (index.d.ts, for node.js).
  assert.deepEqual(tsc('node16', 'node16', 'usage.cts', 'usage.mts').sort(), ['index.d.cts', 'index.d.ts']);
  assert.deepEqual(tsc('esnext', 'bundler', 'usage.ts'), ['index.d.ts']);
  assert.deepEqual(tsc('commonjs', 'node10', 'usage.ts'), ['index.d.ts']);
});
