// The example apps (examples/vite-react, examples/nextjs), tested as a user runs them: a copy of each with the
// packed package installed (tests/matrix/node_modules, shared with the matrix), built for production with
// local-aws's settings, served on 127.0.0.1 and driven in Chromium against local-aws: sign up with the code from
// local-aws's outbox, sign in, upload a file, see it listed, download it, reload (still signed in).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { launchBrowser, startLocalAws } from '../e2e/harness.mjs';
import {
  ROOT, MATRIX, MODULES, runOk, tail, assertNoPackageWarning, installPackedPackage, copyFixture, freePort, startServer, table,
} from './lib.mjs';

const T = { timeout: 600_000 };
const results = table('example apps (production builds driven in Chromium against local-aws)');
let browser, aws, installMs = 0;

before(async () => {
  ({ ms: installMs } = await installPackedPackage());
  aws = await startLocalAws();
  browser = await launchBrowser();
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  await aws?.stop();
  results.print([{ name: 'npm pack + install of the tarball', result: 'pass', ms: installMs, note: 'shared with the matrix' }]);
});

/** The newest code local-aws "sent" to `to` for `purpose` (its outbox stands in for email). */
async function outboxCode(to, purpose) {
  const list = await (await fetch(`${aws.state.outbox}?to=${encodeURIComponent(to)}`)).json();
  const code = list.filter((m) => m.purpose === purpose).at(-1)?.code;
  assert.ok(code, `no ${purpose} code for ${to} in local-aws's outbox`);
  return code;
}

/**
 * Drives an example's UI at `url`: sign up, confirm with the outbox's code, sign in, upload a file, see it in the
 * list, download it through its link, reload and find the session and the file again. Page errors fail it.
 */
async function signUpSignInUpload(url) {
  const ctx = await browser.newContext();
  const problems = [];
  try {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // Failed requests by URL (the console's "Failed to load resource" names none); a missing favicon is no fault.
    page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`); });
    const check = () => assert.deepEqual(problems, [], 'the page logged errors');
    const alert = page.locator('p[role=alert]'); // the app's error line (Next.js has an empty role=alert of its own)
    /** Waits for `locator`, or fails with what the page shows in its alert. */
    const expectVisible = async (locator, what) => {
      await Promise.race([
        locator.first().waitFor({ timeout: 30_000 }),
        alert.first().waitFor({ timeout: 30_000 }).then(async () => { throw new Error(`${what}: the page says ${await alert.first().textContent()}`); }),
      ]).catch((e) => { throw new Error(`${e.message}\n${problems.join('\n')}`); });
    };
    const email = `example-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
    const password = `Example-Passw0rd!${Math.random().toString(36).slice(2, 8)}`;

    await page.goto(url);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('button:text("Sign up")');
    await expectVisible(page.locator('input[name=code]'), 'sign-up');
    await page.fill('input[name=code]', await outboxCode(email, 'SIGN_UP'));
    await page.click('button:text("Confirm")');
    await expectVisible(page.getByText('Email confirmed'), 'confirmation');
    await page.fill('input[name=password]', password);
    await page.click('button:text("Sign in")');
    await expectVisible(page.locator('#username'), 'sign-in');
    assert.equal(await page.locator('#username').textContent(), email);

    await expectVisible(page.getByText('No files yet.'), 'the empty file list');
    const name = 'hello ü (1).txt';
    const body = `uploaded by ${email}`;
    await page.setInputFiles('input[name=file]', { name, mimeType: 'text/plain', buffer: Buffer.from(body) });
    await expectVisible(page.locator('#files li', { hasText: name }), 'the upload');
    const href = await page.locator('#files li a', { hasText: name }).getAttribute('href');
    const downloaded = await page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, text: await r.text() }; }, href);
    assert.deepEqual(downloaded, { status: 200, text: body }, 'the listed link downloads the file');

    await page.reload();
    await expectVisible(page.locator('#files li', { hasText: name }), 'after a reload');
    assert.equal(await page.locator('#username').textContent(), email, 'still signed in after a reload');
    check();
  } finally {
    await ctx.close();
  }
}

/** Every file under `dir` (recursively) whose bytes contain one of `secrets`: [[file, which]]. */
function filesContaining(dir, secrets) {
  const found = [];
  for (const f of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(f));
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    for (const [which, value] of Object.entries(secrets)) if (bytes.includes(value)) found.push([String(f), which]);
  }
  return found;
}

test('examples/vite-react: vite build, served, sign-up / sign-in / upload / list in Chromium', T, () => results.time('examples/vite-react', async () => {
  const s = aws.state;
  const dir = copyFixture(join(ROOT, 'examples/vite-react'), 'example-vite-react');
  const built = await runOk(process.execPath, [join(MATRIX, 'fixtures/run-vite.mjs'), 'build', dir, join(dir, 'dist')], {
    env: {
      VITE_REGION: s.region, VITE_USER_POOL_ID: s.userPoolId, VITE_CLIENT_ID: s.clientId,
      VITE_IDENTITY_POOL_ID: s.identityPoolId, VITE_BUCKET: s.bucket, VITE_AWS_ENDPOINT: s.endpoint,
    },
  });
  assertNoPackageWarning(built.out, 'vite build');
  const server = await serve({ root: join(dir, 'dist') });
  try {
    await signUpSignInUpload(server.url + '/');
  } finally {
    await server.close();
  }
  return 'sign-up, confirm (outbox code), SRP sign-in, upload, list, download, reload';
}));

test('examples/nextjs: next build (no secret in the output), next start, sign-up / sign-in / upload / list', T, () => results.time('examples/nextjs', async () => {
  const s = aws.state;
  const dir = copyFixture(join(ROOT, 'examples/nextjs'), 'example-nextjs');
  const env = {
    NEXT_PUBLIC_REGION: s.region, NEXT_PUBLIC_USER_POOL_ID: s.userPoolId, NEXT_PUBLIC_CLIENT_ID: s.clientId,
    NEXT_PUBLIC_AWS_ENDPOINT: s.endpoint,
    // The server's: in the environment of the build too, as on a CI machine; none may end up in the output.
    AWS_REGION: s.region, S3_BUCKET: s.bucket, AWS_ENDPOINT_URL: s.endpoint,
    AWS_ACCESS_KEY_ID: s.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    // Not used by the example: a secret in the environment that a careless NEXT_PUBLIC_ or client import would leak.
    COGNITO_CLIENT_SECRET: s.clientSecret,
  };
  const next = join(MODULES, 'next/dist/bin/next');
  const built = await runOk(process.execPath, [next, 'build'], { cwd: dir, env });
  assertNoPackageWarning(built.out, 'next build');
  const leaks = filesContaining(join(dir, '.next'), { 'the secret access key': s.credentials.secretAccessKey, 'the client secret': s.clientSecret });
  assert.deepEqual(leaks, [], 'a secret is in the build output');
  // The scan sees what a build inlines: the public app client id is in the browser's chunks.
  assert.ok(filesContaining(join(dir, '.next/static'), { clientId: s.clientId }).length > 0, 'the scan finds the inlined NEXT_PUBLIC_CLIENT_ID');

  const port = await freePort();
  const server = await startServer(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: dir, env, ready: /Ready in/ });
  try {
    await signUpSignInUpload(`http://127.0.0.1:${port}/`);
    // The server route refuses a caller without a valid access token.
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/files`);
    assert.equal(anonymous.status, 401);
    const forged = await fetch(`http://127.0.0.1:${port}/api/files`, { headers: { authorization: 'Bearer e30.e30.e30' } });
    assert.equal(forged.status, 401);
  } catch (e) {
    e.message += `\n--- next start ---\n${tail(server.output())}`;
    throw e;
  } finally {
    await server.stop();
  }
  return 'no secret in .next/; sign-up, sign-in, server-presigned upload, server list, download, reload; 401 without a token';
}));
