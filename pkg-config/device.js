// Remembered devices for UserPool: the device record (one JSON record per user, written in one `setItem`, kept
// across sign-outs), the device's SRP proof when Cognito asks for it (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER),
// ConfirmDevice after a sign-in that returned NewDeviceMetadata, and the device keys amazon-cognito-identity-js /
// Amplify left, adopted once. The protocol steps are the wasm's (`dvConfirm`, `dvCall`, `dvRecord`, `dvKey`,
// `srpDeviceClaim`: src/js/device.rs over src/user_pool/device.rs); this file sends and stores.
import { fail, isObject, nonEmpty, parseObject, step, stepFields, randomHex } from './io.js';
import { SrpSession } from './srp.js';

const RECORD_VERSION = 1;
const LEGACY = ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'];


async function save(storage, sessionKey, clientId, username, d, remembered) {
  const [key, record] = stepFields('dvRecord', [sessionKey, clientId, username, d.deviceKey, d.deviceGroupKey, d.devicePassword, remembered]);
  await storage.set(key, record);
  return { deviceKey: d.deviceKey, deviceGroupKey: d.deviceGroupKey, devicePassword: d.devicePassword, remembered, username };
}

/** The device `username` signs in with from here, or undefined. A record gone bad is removed; device keys left by
 *  amazon-cognito-identity-js or Amplify (`CognitoIdentityServiceProvider.<clientId>.<username>.deviceKey`,
 *  `.deviceGroupKey`, `.randomPasswordKey`) become our record once and theirs are removed. */
export async function loadDevice(storage, sessionKey, clientId, username) {
  if (!username) return undefined;
  const key = step('dvKey', [sessionKey, username]);
  const t = await storage.get(key);
  if (t !== null) {
    const r = parseObject(t);
    const ok = r && r.v === RECORD_VERSION && r.clientId === clientId && r.username === username
      && ['deviceKey', 'deviceGroupKey', 'devicePassword'].every((k) => nonEmpty(r, k));
    if (ok) return { deviceKey: r.deviceKey, deviceGroupKey: r.deviceGroupKey, devicePassword: r.devicePassword, remembered: r.remembered === true, username };
    await storage.remove(key);
    return undefined;
  }
  const legacy = (k) => `CognitoIdentityServiceProvider.${clientId}.${username}.${k}`;
  const values = [];
  for (const k of LEGACY) values.push(await storage.get(legacy(k)));
  if (values.every((v) => v === null)) return undefined;
  for (const k of LEGACY) await storage.remove(legacy(k));
  const [deviceKey, deviceGroupKey, devicePassword] = values;
  if (!deviceKey || !deviceGroupKey || !devicePassword) return undefined;
  // Those libraries keep the keys only after a successful ConfirmDevice.
  return save(storage, sessionKey, clientId, username, { deviceKey, deviceGroupKey, devicePassword }, true);
}

/** Answers DEVICE_SRP_AUTH and then DEVICE_PASSWORD_VERIFIER with the device's password; resolves to Cognito's
 *  answer to the proof (tokens, or the next challenge). `call(operation, strings)` sends; `timestamp()` is SRP's
 *  TIMESTAMP on the server's clock. */
export async function answerDeviceSrp(call, readReply, reply, device, username, timestamp) {
  if (!device) throw fail('DeviceNotTracked', 'Cognito asked for a remembered device, but none is stored here for this user');
  const srp = new SrpSession();
  const user = reply.params.USERNAME ?? username;
  const next = readReply(await call('RespondToAuthChallenge', ['DEVICE_SRP_AUTH', user, reply.session ?? '', 'DEVICE_KEY', device.deviceKey, 'SRP_A', srp.srpA]));
  if (next.challenge !== 'DEVICE_PASSWORD_VERIFIER') return next;
  const p = next.params;
  for (const k of ['SRP_B', 'SALT', 'SECRET_BLOCK']) {
    if (p[k] === undefined) throw fail('InvalidSrpParameter', `the DEVICE_PASSWORD_VERIFIER challenge has no ${k}`);
  }
  const ts = timestamp();
  const claim = srp.deviceClaim({ deviceGroupKey: device.deviceGroupKey, deviceKey: device.deviceKey, password: device.devicePassword, challengeParameters: p, timestamp: ts });
  const responses = ['PASSWORD_CLAIM_SECRET_BLOCK', p.SECRET_BLOCK, 'PASSWORD_CLAIM_SIGNATURE', claim, 'TIMESTAMP', ts, 'DEVICE_KEY', device.deviceKey];
  return readReply(await call('RespondToAuthChallenge', ['DEVICE_PASSWORD_VERIFIER', p.USERNAME ?? user, next.session ?? '', ...responses]));
}

/** After a sign-in whose tokens carry NewDeviceMetadata: ConfirmDevice with a fresh random device password (its
 *  SRP verifier goes to Cognito, the password stays here), then the device record. `UserConfirmationNecessary`
 *  leaves the device not remembered until `rememberDevice`. */
export async function confirmNewDevice(send, storage, sessionKey, clientId, username, metadata, accessToken, deviceName) {
  if (!isObject(metadata) || !nonEmpty(metadata, 'DeviceKey') || !nonEmpty(metadata, 'DeviceGroupKey')) return undefined;
  const [target, body, devicePassword] = stepFields('dvConfirm', [accessToken, metadata.DeviceKey, metadata.DeviceGroupKey, deviceName ?? '', randomHex(40, 'device password'), randomHex(16, 'device password')]);
  const answer = await send(target, body);
  const d = { deviceKey: metadata.DeviceKey, deviceGroupKey: metadata.DeviceGroupKey, devicePassword };
  return save(storage, sessionKey, clientId, username, d, answer.UserConfirmationNecessary !== true);
}

/** Marks the stored device remembered (UpdateDeviceStatus) and keeps that in its record. */
export async function rememberDevice(send, storage, sessionKey, clientId, device, accessToken) {
  if (!device) throw fail('DeviceNotTracked', 'no device is stored here for the signed-in user');
  const [target, body] = stepFields('dvCall', ['remember', accessToken, device.deviceKey]);
  await send(target, body);
  await save(storage, sessionKey, clientId, device.username, device, true);
}

/** ForgetDevice for `deviceKey` (default: this device); forgetting this device removes its record. */
export async function forgetDevice(send, storage, sessionKey, device, accessToken, deviceKey) {
  const key = deviceKey ?? device?.deviceKey;
  if (!key) throw fail('DeviceNotTracked', 'no device is stored here for the signed-in user');
  const [target, body] = stepFields('dvCall', ['ForgetDevice', accessToken, key]);
  await send(target, body);
  if (device && key === device.deviceKey) await storage.remove(step('dvKey', [sessionKey, device.username]));
}

/** Every device Cognito tracks for the signed-in user (ListDevices, all pages). */
export async function fetchDevices(send, accessToken) {
  const out = [];
  const seen = new Set();
  let token = '';
  do {
    // A service that hands back a token it gave before would loop forever: that is a bad answer.
    if (seen.has(token)) throw fail('InvalidResponse', 'ListDevices repeated a PaginationToken');
    seen.add(token);
    const [target, body] = stepFields('dvCall', ['ListDevices', accessToken, token]);
    const answer = await send(target, body);
    for (const d of Array.isArray(answer.Devices) ? answer.Devices : []) {
      if (!nonEmpty(d, 'DeviceKey')) continue;
      const attributes = {};
      for (const a of Array.isArray(d.DeviceAttributes) ? d.DeviceAttributes : []) {
        if (typeof a?.Name === 'string' && typeof a?.Value === 'string') attributes[a.Name] = a.Value;
      }
      const device = { id: d.DeviceKey, attributes };
      if (attributes.device_name !== undefined) device.name = attributes.device_name;
      for (const [from, to] of [['DeviceCreateDate', 'createDate'], ['DeviceLastModifiedDate', 'lastModifiedDate'], ['DeviceLastAuthenticatedDate', 'lastAuthenticatedDate']]) {
        if (typeof d[from] === 'number' && Number.isFinite(d[from])) device[to] = new Date(d[from] * 1000);
      }
      out.push(device);
    }
    token = nonEmpty(answer, 'PaginationToken') ?? '';
  } while (token);
  return out;
}
