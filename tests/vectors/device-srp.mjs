// Generates tests/vectors/device_srp.json: DEVICE_PASSWORD_VERIFIER claims (PASSWORD_CLAIM_SIGNATURE) for fixed
// inputs, computed by AWS's own client, amazon-cognito-identity-js (a devDependency), through its real code path:
// CognitoUser.getDeviceResponse answering DEVICE_SRP_AUTH and then DEVICE_PASSWORD_VERIFIER against a stand-in
// client that gives fixed SRP_B / SALT / SECRET_BLOCK. Its random private value `a` (generateRandomSmallA) and its
// clock (DateHelper.getNowString) are fixed so the result is reproducible. Also the ConfirmDevice verifier it
// makes (generateHashDevice) for a fixed random password and salt. tests/device_srp_vectors.rs checks our Rust
// core against this file; run `node tests/vectors/device-srp.mjs > tests/vectors/device_srp.json` to remake it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = 'amazon-cognito-identity-js/lib';
const { CognitoUser, CognitoUserPool } = require('amazon-cognito-identity-js');
const AuthenticationHelper = require(`${lib}/AuthenticationHelper`).default;
const DateHelper = require(`${lib}/DateHelper`).default;
const BigInteger = require(`${lib}/BigInteger`).default;
const version = require('amazon-cognito-identity-js/package.json').version;

const inputs = [
  {
    a_hex: '5d2c1b0a99887766554433221100ffeeddccbbaa99887766554433221100ff01',
    deviceGroupKey: '-Xk3pQ9wZ',
    deviceKey: 'us-east-1_4f6c2a1e-8b7d-4c3a-9e2f-1a2b3c4d5e6f',
    randomPassword: 'f0zJ0mAvdD5cKx3o0HgqKh+0pYtB5Wc1Uu2b4Vx5WmZ2d3b9s6Jq1A==',
    SRP_B: 'a1b2c3d4e5f60718293a4b5c6d7e8f90'.repeat(24),
    SALT: '8e1f22c47a5b9d3e6f0a1b2c3d4e5f60',
    SECRET_BLOCK: Buffer.from('device secret block one, opaque to the client').toString('base64'),
    TIMESTAMP: 'Thu Dec 3 14:05:09 UTC 2026',
  },
  {
    a_hex: '01',
    deviceGroupKey: '-aB1cD2eF',
    deviceKey: 'eu-west-1_00000000-0000-4000-8000-000000000001',
    randomPassword: 'pw',
    SRP_B: '3',
    SALT: 'ff',
    SECRET_BLOCK: 'AAECAwQFBgcICQ==',
    TIMESTAMP: 'Mon Jan 1 00:00:00 UTC 2024',
  },
];

async function claim(v) {
  AuthenticationHelper.prototype.generateRandomSmallA = () => new BigInteger(v.a_hex, 16);
  DateHelper.prototype.getNowString = () => v.TIMESTAMP;
  const pool = new CognitoUserPool({ UserPoolId: 'us-east-1_Example', ClientId: 'client' });
  const user = new CognitoUser({ Username: 'user', Pool: pool });
  Object.assign(user, { deviceGroupKey: v.deviceGroupKey, deviceKey: v.deviceKey, randomPassword: v.randomPassword, Session: 's' });
  return new Promise((resolve, reject) => {
    user.client = {
      request(op, req, cb) {
        if (req.ChallengeName === 'DEVICE_SRP_AUTH') {
          cb(null, { ChallengeName: 'DEVICE_PASSWORD_VERIFIER', Session: 's2', ChallengeParameters: { SRP_B: v.SRP_B, SALT: v.SALT, SECRET_BLOCK: v.SECRET_BLOCK } });
        } else {
          resolve({ SRP_A: user.srpA, PASSWORD_CLAIM_SIGNATURE: req.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE, TIMESTAMP: req.ChallengeResponses.TIMESTAMP });
          cb(new Error('done'));
        }
      },
    };
    user.getDeviceResponse({ onFailure: (e) => e.message !== 'done' && reject(e), onSuccess: () => {} });
  });
}

function verifier(groupKey, deviceKey) {
  const helper = new AuthenticationHelper(groupKey);
  // generateHashDevice draws the random password (40 bytes) and the salt (16 bytes) itself: fixed here.
  return new Promise((resolve, reject) => {
    helper.generateHashDevice(groupKey, deviceKey, (err) => {
      if (err) return reject(err);
      resolve({ randomPassword: helper.getRandomPassword(), salt_hex: helper.getSaltDevices(), Salt: Buffer.from(helper.getSaltDevices(), 'hex').toString('base64'), PasswordVerifier: Buffer.from(helper.getVerifierDevices(), 'hex').toString('base64') });
    });
  });
}

const out = { _about: `DEVICE_PASSWORD_VERIFIER claims and a ConfirmDevice verifier computed by amazon-cognito-identity-js ${version} (see tests/vectors/device-srp.mjs)`, claims: [], verifiers: [] };
for (const v of inputs) out.claims.push({ inputs: v, expected: await claim(v) });
for (const [g, k] of [['-Xk3pQ9wZ', 'us-east-1_4f6c2a1e-8b7d-4c3a-9e2f-1a2b3c4d5e6f']]) out.verifiers.push({ inputs: { deviceGroupKey: g, deviceKey: k }, expected: await verifier(g, k) });
console.log(JSON.stringify(out, null, 2));
