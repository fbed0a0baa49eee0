// AWS IoT Core from a page: iotMqttUrl / iotMqttUrls with mqtt.js (the browser build from node_modules) against
// local-aws's IoT endpoint, which verifies the presigned URL before the WebSocket opens and authorizes every
// CONNECT, SUBSCRIBE, PUBLISH and delivery as IoT does (the identity's role policy, plus the IoT policy attached
// to a signed-in identity), with a simulated device publishing telemetry and acknowledging commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e({ pkg: ['index.js', 'cognito-fetch.js', 'cognito_fetch_bg.wasm'] });
const demo = () => env.state.users.find((u) => !u.temporary);
const LONG = { timeout: 120_000 };

/** Page helper: pools, an mqtt.js connection with events, AttachPolicy with the dev key. */
async function setup(lib, a) {
  const { UserPool, IdentityPool, AwsClient, iotMqttUrl, iotMqttUrls } = await import('/pkg/index.js');
  const { default: mqtt } = await import('/node_modules/mqtt/dist/mqtt.esm.js');
  const s = a.state;
  const thing = s.iotThings[0];
  localStorage.clear();
  const userPool = () => new UserPool({ region: s.region, userPoolId: s.userPoolId, clientId: s.clientId, endpoint: `${s.endpoint}/` });
  const identity = (extra = {}) => new IdentityPool({ region: s.region, identityPoolId: s.identityPoolId, endpoint: `${s.endpoint}/`, ...extra });
  const admin = new AwsClient({ credentials: s.credentials, region: s.region, service: 'iot' });
  /** What an app's backend does for a signed-in user: AttachPolicy (signed for the service iot). */
  const attachPolicy = async (target) => {
    const r = await admin.fetch(`${s.endpoint}/target-policies/${s.iotPolicyName}`, { method: 'PUT', body: JSON.stringify({ target }) });
    if (r.status !== 200) throw new Error(`AttachPolicy: ${r.status} ${await r.text()}`);
  };
  const until = (what, ms = 10000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what.name ?? 'an event'}`)), ms);
    what((v) => { clearTimeout(t); resolve(v); });
  });
  /** mqtt.js connected with a URL source; events recorded in order. */
  const connect = (url, clientId, options = {}) => {
    const client = mqtt.connect(url, { clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const log = [];
    const messages = [];
    client.on('connect', () => log.push('connect'));
    client.on('close', () => log.push('close'));
    client.on('message', (topic, payload) => messages.push({ topic, body: JSON.parse(new TextDecoder().decode(payload)) }));
    const next = (topic, pred = () => true) => until((done) => {
      const look = () => {
        const m = messages.find((x) => x.topic === topic && pred(x.body));
        if (m) return done(m.body);
        setTimeout(look, 50);
      };
      look();
    });
    const event = (name) => until((done) => client.once(name, () => done(name)));
    return { client, log, messages, next, event };
  };
  /** Whether a WebSocket opens with this URL (no MQTT sent). */
  const opens = (url) => new Promise((resolve) => {
    const ws = new WebSocket(url, 'mqtt');
    ws.onopen = () => { ws.close(); resolve(true); };
    ws.onerror = () => resolve(false);
  });
  const settings = (body) => fetch(`${s.endpoint}/__local/settings`, { method: 'POST', body: JSON.stringify(body) });
  const caught = async (p) => p.then((v) => ({ ok: v }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
  return { s, thing, userPool, identity, attachPolicy, connect, opens, settings, caught, until, iotMqttUrl, iotMqttUrls };
}

test('signed in: connect, receive the device telemetry, send a command the device acknowledges, own topic only', LONG, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const users = t.userPool();
    await users.signIn({ username: a.user.username, password: a.user.password });
    const ids = t.identity({ userPool: users });
    const { identityId } = await ids.getCredentials();
    // Without the IoT policy attached to the identity, the role alone is not enough: CONNECT is refused.
    const before = t.connect(await t.iotMqttUrl({ endpoint: t.s.iotEndpoint, region: t.s.region, credentials: ids }), identityId);
    await before.event('close');
    before.client.end(true);
    await t.attachPolicy(identityId);
    const urls = await t.iotMqttUrls({ endpoint: t.s.iotEndpoint, region: t.s.region, credentials: ids });
    const c = t.connect(urls.url, identityId, { transformWsUrl: urls.transformWsUrl });
    await c.event('connect');
    c.client.subscribe([t.thing.telemetryTopic, t.thing.acksTopic, `users/${identityId}/#`], { qos: 1 });
    const reading = await c.next(t.thing.telemetryTopic);
    const nonce = Math.random().toString(36).slice(2);
    c.client.publish(t.thing.commandsTopic, JSON.stringify({ command: 'setpoint', value: 22, nonce }), { qos: 1 });
    const ack = await c.next(t.thing.acksTopic, (b) => b.command?.nonce === nonce);
    c.client.publish(`users/${identityId}/notes`, JSON.stringify({ note: 'mine' }), { qos: 1 });
    const own = await c.next(`users/${identityId}/notes`);
    const connectedBefore = c.log.slice();
    // Another identity's topic: the SUBSCRIBE is refused by closing the connection.
    c.client.subscribe('users/us-east-1:00000000-0000-0000-0000-000000000000/#', { qos: 1 });
    await c.event('close');
    c.client.end(true);
    urls.stop();
    return { beforeLog: before.log, reading, ack, own, connectedBefore, after: c.log, url: urls.url.replace(/Signature=\w+/, '') };
  }, { setup: setup.toString(), user: demo() });
  assert.deepEqual(r.beforeLog, ['close'], 'no CONNACK without the attached IoT policy');
  assert.equal(r.reading.thing, 'demo-thermostat');
  assert.equal(typeof r.reading.temperature, 'number');
  assert.equal(r.ack.status, 'done');
  assert.equal(r.ack.command.command, 'setpoint');
  assert.deepEqual(r.own, { note: 'mine' });
  assert.deepEqual(r.connectedBefore, ['connect']);
  assert.deepEqual(r.after, ['connect', 'close']);
  assert.match(r.url, /^ws:\/\/127\.0\.0\.1:\d+\/mqtt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA[A-Z0-9]{16}%2F\d{8}%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&/);
  assert.match(r.url, /X-Amz-SignedHeaders=host&X-Amz-Security-Token=/);
});

test('a guest gets what the guest role allows: telemetry, but no command', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const ids = t.identity({ storage: 'memory' });
    const { identityId, authenticated } = await ids.getCredentials();
    const url = () => t.iotMqttUrl({ endpoint: t.s.iotEndpoint, region: t.s.region, credentials: ids });
    const c = t.connect(await url(), identityId);
    await c.event('connect');
    c.client.subscribe(t.thing.telemetryTopic, { qos: 0 });
    const reading = await c.next(t.thing.telemetryTopic);
    c.client.publish(t.thing.commandsTopic, JSON.stringify({ command: 'reboot' }), { qos: 1 });
    await c.event('close');
    c.client.end(true);
    const acks = t.connect(await url(), identityId);
    await acks.event('connect');
    acks.client.subscribe(t.thing.acksTopic, { qos: 1 });
    await acks.event('close');
    acks.client.end(true);
    const otherClient = t.connect(await url(), 'not-my-identity');
    await otherClient.event('close');
    otherClient.client.end(true);
    return { authenticated, reading, log: c.log, acksLog: acks.log, otherLog: otherClient.log };
  }, { setup: setup.toString() });
  assert.equal(r.authenticated, false);
  assert.equal(r.reading.thing, 'demo-thermostat');
  assert.deepEqual(r.log, ['connect', 'close'], 'the denied PUBLISH closes the connection');
  assert.deepEqual(r.acksLog, ['connect', 'close'], 'the denied SUBSCRIBE closes the connection');
  assert.deepEqual(r.otherLog, ['close'], 'iot:Connect only for the identity id as client id');
});

test('a tampered, expired or wrongly signed URL is refused before the WebSocket opens; bad options are coded errors', TEST_TIMEOUT, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    const ids = t.identity({ storage: 'memory' });
    const creds = await ids.getCredentials();
    const opts = { endpoint: t.s.iotEndpoint, region: t.s.region, credentials: ids };
    const good = await t.iotMqttUrl(opts);
    const short = await t.iotMqttUrl({ ...opts, expiresIn: 1 });
    const tampered = good.replace(/X-Amz-Signature=(.)/, (m, c) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`);
    const noToken = good.replace(/&X-Amz-Security-Token=[^&]*/, '');
    const wrongRegion = await t.iotMqttUrl({ ...opts, region: 'eu-west-1' });
    const result = { good: await t.opens(good), tampered: await t.opens(tampered), noToken: await t.opens(noToken), wrongRegion: await t.opens(wrongRegion) };
    await new Promise((ok) => setTimeout(ok, 2100));
    result.expired = await t.opens(short);
    // mqtt.js with the expired URL never connects.
    const c = t.connect(short, creds.identityId);
    await c.event('close');
    c.client.end(true);
    result.mqttLog = c.log;
    result.errors = {
      notIot: await t.caught(t.iotMqttUrl({ ...opts, endpoint: 's3.us-east-1.amazonaws.com' })),
      plainWs: await t.caught(t.iotMqttUrl({ ...opts, endpoint: 'ws://example.com' })),
      noRegion: await t.caught(t.iotMqttUrl({ ...opts, region: undefined })),
      expires: await t.caught(t.iotMqttUrl({ ...opts, expiresIn: 604801 })),
      noCreds: await t.caught(t.iotMqttUrl({ ...opts, credentials: {} })),
      noEndpoint: await t.caught(t.iotMqttUrl({ credentials: ids })),
    };
    result.inferred = (await t.iotMqttUrl({ endpoint: 'abc123-ats.iot.eu-central-1.amazonaws.com', credentials: creds })).split('?')[0]
      + ' ' + /X-Amz-Credential=[^&]+/.exec(await t.iotMqttUrl({ endpoint: 'abc123-ats.iot.eu-central-1.amazonaws.com', credentials: creds }))[0].split('%2F').slice(2).join('/');
    return result;
  }, { setup: setup.toString() });
  assert.equal(r.good, true);
  assert.equal(r.tampered, false);
  assert.equal(r.noToken, false);
  assert.equal(r.wrongRegion, false);
  assert.equal(r.expired, false);
  assert.deepEqual(r.mqttLog, ['close']);
  assert.equal(r.errors.notIot.error.code, 'InvalidUrl');
  assert.equal(r.errors.plainWs.error.code, 'InvalidUrl');
  assert.equal(r.errors.noRegion.error.code, 'UnknownRegion');
  assert.equal(r.errors.expires.error.code, 'InvalidExpires');
  assert.equal(r.errors.noCreds.error.code, 'MissingCredentials');
  assert.equal(r.errors.noEndpoint.error.code, 'InvalidArgument');
  assert.equal(r.inferred, 'wss://abc123-ats.iot.eu-central-1.amazonaws.com/mqtt eu-central-1/iotdevicegateway/aws4_request');
});

test('a reconnection after the credentials expired signs a new URL with fresh credentials and resumes', { timeout: 150_000 }, async () => {
  const r = await env.run('main', async (lib, a) => {
    const t = await (0, eval)(`(${a.setup})`)(lib, a);
    await t.settings({ credentialSeconds: 20 });
    try {
      const users = t.userPool();
      await users.signIn({ username: a.user.username, password: a.user.password });
      const ids = t.identity({ userPool: users });
      const first = await ids.getCredentials();
      await t.attachPolicy(first.identityId);
      const urls = await t.iotMqttUrls({ endpoint: t.s.iotEndpoint, region: t.s.region, credentials: ids });
      const signedWith = [];
      const transformWsUrl = (...args) => {
        const url = urls.transformWsUrl(...args);
        signedWith.push(/X-Amz-Credential=(ASIA[A-Z0-9]+)/.exec(url)[1]);
        return url;
      };
      const firstUrl = urls.url;
      const c = t.connect(firstUrl, first.identityId, { transformWsUrl, reconnectPeriod: 500 });
      await c.event('connect');
      c.client.subscribe(t.thing.telemetryTopic, { qos: 0 });
      const seqBefore = (await c.next(t.thing.telemetryTopic)).seq;
      // Wait past the first credentials' expiry: the connection stays up (IoT keeps it), the old URL is dead.
      await new Promise((ok) => setTimeout(ok, Math.max(0, first.expiration.getTime() - Date.now()) + 1500));
      const stillUp = c.client.connected;
      const oldUrlOpens = await t.opens(firstUrl);
      // Force a reconnection (the network drops): mqtt.js asks transformWsUrl for the URL again.
      c.client.stream.destroy();
      await c.event('connect');
      const seqAfter = (await c.next(t.thing.telemetryTopic, (b) => b.seq > seqBefore + 2)).seq;
      const now = await ids.getCredentials();
      const log = c.log.slice();
      c.client.end(true);
      urls.stop();
      return {
        stillUp, oldUrlOpens, log, signedWith, firstKey: first.accessKeyId, nowKey: now.accessKeyId, seqBefore, seqAfter,
        expiredAt: first.expiration.getTime(),
      };
    } finally {
      await t.settings({ credentialSeconds: a.state.credentialSeconds });
    }
  }, { setup: setup.toString(), user: demo() });
  assert.equal(r.stillUp, true, 'expired credentials do not end an open connection');
  assert.equal(r.oldUrlOpens, false, 'the first URL is refused once its credentials expired');
  assert.deepEqual(r.log, ['connect', 'close', 'connect']);
  assert.ok(r.signedWith.length >= 1);
  assert.notEqual(r.signedWith.at(-1), r.firstKey, 'the reconnection was signed with new credentials');
  assert.equal(r.signedWith.at(-1), r.nowKey);
  assert.ok(r.seqAfter > r.seqBefore + 2, 'telemetry resumes after the reconnection');
});

test('demo page: the Devices panel shows live telemetry, a command\'s ack, and stays up through new credentials', LONG, async () => {
  const page = await env.open('main', '/www/');
  const user = demo();
  await page.getByText('Ready: sign up, or sign in.').waitFor({ timeout: 15_000 });
  await page.getByLabel('Email').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const status = page.locator('#iot-status');
  await status.filter({ hasText: /^connected$/ }).waitFor({ timeout: 15_000 });
  const telemetry = page.locator('#iot-telemetry');
  await telemetry.filter({ hasText: /°C \(reading \d+/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Send “blink” command' }).click();
  await page.locator('#iot-ack').filter({ hasText: /^blink: done at / }).waitFor({ timeout: 15_000 });
  const reading = async () => Number(/reading (\d+)/.exec(await telemetry.textContent())[1]);
  const before = await reading();
  await page.getByRole('button', { name: 'New credentials, reconnect' }).click();
  await status.filter({ hasText: 'connected again (connection 2)' }).waitFor({ timeout: 15_000 });
  await page.waitForFunction((n) => Number(/reading (\d+)/.exec(document.querySelector('#iot-telemetry').textContent)?.[1]) > n + 1, before, { timeout: 15_000 });
  assert.equal(await page.locator('#error').isVisible(), false);
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await status.filter({ hasText: 'not connected' }).waitFor({ timeout: 5_000 });
});
