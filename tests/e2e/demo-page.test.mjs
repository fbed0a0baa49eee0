// www/index.html driven like a person would, by role and label: sign up with the code from local-aws's outbox,
// sign in, upload a file with progress, download it through its presigned link, keep a note, reload (the
// session is restored), sign out; a temporary password's NEW_PASSWORD_REQUIRED step; errors as `name: message`.
// Secrets seen on the wire (password, tokens, secret key, session token) must never be on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { e2e } from './harness.mjs';

const env = e2e({ pkg: ['cognito-fetch.js', 'cognito_fetch_bg.wasm'] });
const TIMEOUT = { timeout: 120_000 };

/** Waits until `locator` shows `hasText`; fails with what it shows instead (and the page's error, if any). */
async function waitForText(locator, hasText, what, timeout = 15_000) {
  try {
    await locator.filter({ hasText }).waitFor({ timeout });
  } catch {
    const page = locator.page();
    const error = await page.locator('#error').isVisible() ? ` (error shown: ${await page.locator('#error').textContent()})` : '';
    assert.fail(`${what}: expected ${hasText}, the page shows: ${await locator.textContent()}${error}`);
  }
}

/** Collects every secret the page receives from Cognito (tokens, temporary credentials). */
function watchSecrets(page) {
  const secrets = { passwords: [], tokens: [], secretKeys: [], sessionTokens: [] };
  const pending = [];
  page.on('response', (res) => {
    const target = res.request().headers()['x-amz-target'] ?? '';
    if (!target.startsWith('AWSCognito')) return;
    pending.push(res.json().then((body) => {
      const auth = body.AuthenticationResult;
      if (auth) secrets.tokens.push(auth.IdToken, auth.AccessToken, auth.RefreshToken);
      if (body.Credentials) {
        secrets.secretKeys.push(body.Credentials.SecretKey);
        secrets.sessionTokens.push(body.Credentials.SessionToken);
      }
    }, () => {}));
  });
  secrets.settled = () => Promise.all(pending);
  return secrets;
}

/** The page shows none of the secrets: not in its text, not in its HTML (where a presigned link's href
 * carries the session token, as every presigned URL made with temporary credentials does), not in storage. */
async function assertNoSecrets(page, secrets, when) {
  await secrets.settled();
  const text = await page.locator('body').innerText();
  const html = await page.content();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  const check = (list, where, haystack, kind) => {
    for (const s of list.filter(Boolean)) assert.ok(!haystack.includes(s), `${when}: the ${where} contains a ${kind}`);
  };
  for (const [kind, list] of Object.entries({ password: secrets.passwords, 'secret key': secrets.secretKeys, token: secrets.tokens, 'session token': secrets.sessionTokens })) {
    check(list, 'page text', text, kind);
  }
  check(secrets.passwords, 'HTML', html, 'password');
  check(secrets.secretKeys, 'HTML', html, 'secret key');
  check(secrets.tokens, 'HTML', html, 'token');
  check(secrets.secretKeys, 'web storage', stored, 'secret key');
  check(secrets.sessionTokens, 'web storage', stored, 'session token');
  check(secrets.passwords, 'web storage', stored, 'password');
  assert.doesNotMatch(text, /Signature=[0-9a-f]{64}|X-Amz-Signature/i, `${when}: no signature in the page text`);
}

async function openDemo() {
  const page = await env.open('main', '/www/');
  const secrets = watchSecrets(page);
  return { page, secrets, status: page.getByRole('status'), alert: page.getByRole('alert') };
}

test('sign up, confirm with the outbox code, sign in, upload, share, keep a note, reload, sign out', TIMEOUT, async () => {
  const { page, secrets, status } = await openDemo();
  await waitForText(status, /^Ready/, 'status');
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false, 'no Sign out button while signed out');
  const email = `demo-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `Demo-${randomBytes(6).toString('hex')}-9!`;
  secrets.passwords.push(password);

  // 1. Sign up, read the code from the local outbox, confirm, sign in.
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await waitForText(status, 'confirm your email', 'after sign-up');
  await page.getByRole('button', { name: 'Get code from local outbox' }).click();
  await waitForText(status, 'Code filled in', 'after the outbox button');
  assert.match(await page.getByLabel('Confirmation code').inputValue(), /^\d{6}$/);
  await page.getByRole('button', { name: 'Confirm sign-up' }).click(); // then signed in at once (autoSignIn)
  await waitForText(page.locator('#who'), `Signed in as ${email}.`, 'who is signed in after confirming');

  // 2. Identity-pool credentials: the identity id is shown, and the user's prefix is built from it.
  const identityId = page.locator('#identity-id');
  await waitForText(identityId, /^[\w-]+:[0-9a-f-]{36}$/, 'identity id', 20_000);
  const id = await identityId.textContent();
  assert.equal(await page.locator('#prefix').textContent(), `private/${id}/`);
  await waitForText(page.getByRole('list', { name: 'Files' }), 'No files yet.', 'files of a new user');
  await waitForText(page.getByRole('list', { name: 'Notes' }), 'No notes yet.', 'notes of a new user');

  // 3. Upload ~100 KB with progress, see it listed, download it through its presigned link.
  const bytes = randomBytes(100 * 1024 + 7);
  const fileName = `report ü (1) ${Date.now()}.bin`;
  await page.getByLabel('File to upload').setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: bytes });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await waitForText(status, `Uploaded ${fileName}`, 'after the upload', 30_000);
  const progress = page.getByRole('progressbar', { name: 'Upload progress' });
  assert.deepEqual(await progress.evaluate((p) => [p.value, p.max]), [bytes.length, bytes.length], 'the progress bar is full');
  assert.equal(await page.locator('#percent').textContent(), '100%');
  const link = page.getByRole('list', { name: 'Files' }).getByRole('link', { name: fileName, exact: true });
  await link.waitFor({ timeout: 10_000 });
  const href = await link.getAttribute('href');
  assert.match(href, /X-Amz-Signature=/);
  assert.ok(href.includes(`/private/${encodeURIComponent(id)}/`) || href.includes(`/private/${id}/`), `the object is under the user's prefix: ${href}`);
  const res = await fetch(href); // from Node: no cookies, no credentials, just the URL
  assert.equal(res.status, 200, await res.clone().text());
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), 'the presigned link returns the uploaded bytes');

  // 4. A note in DynamoDB, listed.
  const note = `remember the milk ✓ ${Date.now()}`;
  await page.getByLabel('New note').fill(note);
  await page.getByRole('button', { name: 'Save note' }).click();
  await waitForText(page.getByRole('list', { name: 'Notes' }), note, 'notes after saving');
  assert.equal(await page.getByLabel('New note').inputValue(), '');
  assert.equal(await page.getByRole('alert').isVisible(), false, 'no error shown');
  await assertNoSecrets(page, secrets, 'after the flows');
  assert.ok(secrets.tokens.length >= 3 && secrets.secretKeys.length >= 1 && secrets.sessionTokens.length >= 1,
    'the test saw the tokens and credentials it looks for on the page');

  // Reload: the session is restored, with the same identity, file and note.
  await page.reload();
  await waitForText(status, 'session was restored', 'after reload');
  await waitForText(page.locator('#who'), `Signed in as ${email}.`, 'who after reload');
  await waitForText(identityId, id, 'identity id after reload', 20_000);
  await page.getByRole('list', { name: 'Files' }).getByRole('link', { name: fileName, exact: true }).waitFor({ timeout: 10_000 });
  await waitForText(page.getByRole('list', { name: 'Notes' }), note, 'notes after reload');
  await assertNoSecrets(page, secrets, 'after reload');

  // Sign out: back to the sign-in form; signing in again (SRP) gives the same identity, file and note.
  const signOut = async (when) => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitForText(status, 'Signed out.', `after sign-out ${when}`);
    await waitForText(page.locator('#who'), 'Not signed in.', `who after sign-out ${when}`);
    assert.equal(await page.getByRole('button', { name: 'Upload', exact: true }).isVisible(), false, 'the AWS sections are hidden');
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false, 'no Sign out button once signed out');
  };
  await signOut('(first)');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(page.locator('#who'), `Signed in as ${email}.`, 'who after signing in again');
  assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password field is cleared');
  await waitForText(identityId, id, 'identity id after signing in again', 20_000);
  await page.getByRole('list', { name: 'Files' }).getByRole('link', { name: fileName, exact: true }).waitFor({ timeout: 10_000 });
  await waitForText(page.getByRole('list', { name: 'Notes' }), note, 'notes after signing in again');

  // Signed out, and still signed out after another reload.
  await signOut('(second)');
  await page.reload();
  await waitForText(status, /^Ready/, 'after sign-out and reload');
  await waitForText(page.locator('#who'), 'Not signed in.', 'who after sign-out and reload');
  await assertNoSecrets(page, secrets, 'after sign-out');
});

test('a sign-up confirmed after a reload: sign-in asks for the code, then the password', TIMEOUT, async () => {
  const { page, secrets, status } = await openDemo();
  await waitForText(status, /^Ready/, 'status');
  const email = `later-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `Later-${randomBytes(6).toString('hex')}-5!`;
  secrets.passwords.push(password);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await waitForText(status, 'confirm your email', 'after sign-up');

  await page.reload(); // the pending confirmation (and auto sign-in) is forgotten
  await waitForText(status, /^Ready/, 'after reload');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(status, 'not confirmed yet', 'signing in unconfirmed');
  await page.getByRole('button', { name: 'Get code from local outbox' }).click();
  await waitForText(status, 'Code filled in', 'after the outbox button');
  await page.getByRole('button', { name: 'Confirm sign-up' }).click();
  await waitForText(status, 'Email confirmed: sign in', 'after confirming');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(page.locator('#who'), `Signed in as ${email}.`, 'who is signed in');
  await assertNoSecrets(page, secrets, 'after signing in');
});

test('a wrong password shows `name: message`; a temporary password asks for a new one through the answer field', TIMEOUT, async () => {
  const { page, secrets, status, alert } = await openDemo();
  await waitForText(status, /^Ready/, 'status');
  const user = env.state.users.find((u) => u.temporary);
  assert.ok(user, 'local-aws seeds a user with a temporary password');
  const newPassword = `Fresh-${randomBytes(6).toString('hex')}-7!`;
  secrets.passwords.push(user.password, newPassword, 'Wrong-Passw0rd!');

  await page.getByLabel('Email').fill(user.username);
  await page.getByLabel('Password').fill('Wrong-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(alert, 'NotAuthorizedException: Incorrect username or password.', 'error for a wrong password');

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForText(page.locator('#challenge-what'), 'choose a new one', 'the NEW_PASSWORD_REQUIRED step');
  assert.equal(await alert.isVisible(), false, 'the earlier error is cleared');
  const answer = page.getByLabel('Answer');
  assert.equal(await answer.getAttribute('type'), 'password', 'a new password is typed into a password field');
  await answer.fill(newPassword);
  await page.getByRole('button', { name: 'Continue sign-in' }).click();
  await waitForText(page.locator('#who'), `Signed in as ${user.username}.`, 'who is signed in');
  await waitForText(page.locator('#identity-id'), /:/, 'identity id', 20_000);
  await assertNoSecrets(page, secrets, 'after the new password');
});
