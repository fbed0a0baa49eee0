// Types of SrpSession (srp.js).
import type { PasswordClaim, PasswordClaimInput } from './types.js';

/** One SRP sign-in (USER_SRP_AUTH): `srpA` goes into InitiateAuth, `passwordClaim` answers PASSWORD_VERIFIER. */
export class SrpSession {
  /** Starts with a fresh 256-bit random private value. */
  constructor();
  /** `SRP_A` (hex) for InitiateAuth's AuthParameters. */
  readonly srpA: string;
  /** ChallengeResponses for the PASSWORD_VERIFIER challenge. */
  passwordClaim(input: PasswordClaimInput): PasswordClaim;
  /** Nothing to free: kept for code written when the session lived in the wasm. */
  free(): void;
}
