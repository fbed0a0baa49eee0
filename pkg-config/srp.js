// SrpSession: Cognito SRP for code that drives Cognito itself (UserPool uses it too). The arithmetic is the
// wasm's (steps `srpStart`, `srpClaim`: src/js/srp.rs over the Rust core's srp module).
import { invalid, isObject, optString, required, step, stepFields, randomHex } from './io.js';

/** One SRP sign-in (USER_SRP_AUTH): `srpA` goes into InitiateAuth, `passwordClaim` answers PASSWORD_VERIFIER. */
export class SrpSession {
  /** The private value and `A`, hex (never leave this object). */
  #secret;

  /** Starts with a fresh 256-bit random private value. */
  constructor() {
    this.#secret = stepFields('srpStart', [randomHex(32)]);
  }

  /** `SRP_A` (hex) for InitiateAuth's AuthParameters. */
  get srpA() {
    return this.#secret[1];
  }

  /** ChallengeResponses for the PASSWORD_VERIFIER challenge. */
  passwordClaim(input) {
    if (!isObject(input)) throw invalid('expected an options object');
    const poolId = required(input, 'userPoolId');
    const password = required(input, 'password');
    const params = input.challengeParameters;
    if (!isObject(params)) throw invalid("challengeParameters (the PASSWORD_VERIFIER challenge's) is required");
    const [userId, srpB, salt, secretBlock] = ['USER_ID_FOR_SRP', 'SRP_B', 'SALT', 'SECRET_BLOCK'].map((k) => required(params, k));
    const timestamp = optString(input, 'timestamp') ?? step('srpTimestamp', [new Date().toUTCString()]);
    const signature = step('srpClaim', [this.#secret, poolId, password, userId, srpB, salt, secretBlock, timestamp]);
    return {
      PASSWORD_CLAIM_SIGNATURE: signature,
      PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
      TIMESTAMP: timestamp,
      USERNAME: optString(params, 'USERNAME') ?? userId,
    };
  }

  /** PASSWORD_CLAIM_SIGNATURE for a remembered device's DEVICE_PASSWORD_VERIFIER challenge: the same SRP with the
   *  device group key in the pool name's place and the device key as the user id (`srpDeviceClaim`). */
  deviceClaim({ deviceGroupKey, deviceKey, password, challengeParameters: p, timestamp }) {
    const [srpB, salt, secretBlock] = ['SRP_B', 'SALT', 'SECRET_BLOCK'].map((k) => required(p, k));
    return step('srpDeviceClaim', [this.#secret, deviceGroupKey, deviceKey, password, srpB, salt, secretBlock, timestamp]);
  }

  /** Nothing to free (kept for code written against earlier versions, where the session lived in the wasm). */
  free() {}
}
