// www/index.html as a person uses it: PUT a text object, GET it back, list the bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e({ pkg: ['cognito-fetch.js', 'cognito_fetch_bg.wasm'] });

/** Waits until `locator` shows `hasText`; fails with what it shows instead. */
async function waitForText(locator, hasText, what) {
  try {
    await locator.filter({ hasText }).waitFor({ timeout: 15_000 });
  } catch {
    assert.fail(`${what}: expected ${hasText}, the page shows: ${await locator.textContent()}`);
  }
}

test('the demo page PUTs, GETs and lists an object, without showing secrets', TEST_TIMEOUT, async () => {
  const page = await env.open('main', '/www/');
  await waitForText(page.getByRole('status'), /^Ready/, 'status');
  const key = await page.getByLabel('Object key').inputValue();
  assert.match(key, / /, 'the default key has a space');
  assert.match(key, /[^\x00-\x7f]/, 'the default key has a non-ASCII character');
  const text = `typed in the demo ✓ ${Date.now()}`;
  await page.getByLabel('Text to store').fill(text);
  const response = page.locator('#response');

  await page.getByRole('button', { name: 'PUT object' }).click();
  await waitForText(response, /^200 OK/, 'PUT');
  const signed = await page.locator('#signed').textContent();
  assert.match(signed, /^PUT http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(signed, /^authorization: AWS4-HMAC-SHA256 .*Signature=[0-9a-f]{8}…$/m);
  assert.match(signed, /^x-amz-date: \d{8}T\d{6}Z$/m);

  await page.getByRole('button', { name: 'GET object' }).click();
  await waitForText(response, text, 'GET');
  assert.match(await response.textContent(), /^200 OK/);

  await page.getByRole('button', { name: 'List bucket' }).click();
  await page.getByRole('list', { name: 'Objects in the bucket' }).getByRole('button', { name: key, exact: true })
    .waitFor({ timeout: 10_000 });

  const all = await page.locator('body').innerText();
  assert.ok(!all.includes(env.state.credentials.secretAccessKey), 'the secret key is never shown');
  assert.doesNotMatch(all, /Signature=[0-9a-f]{64}/, 'the full signature is never shown');
});
