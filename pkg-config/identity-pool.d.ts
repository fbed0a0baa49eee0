// Types of the JS layer's IdentityPool (identity-pool.js); its option and result types are in types.d.ts.
import type { IdentityCredentials, IdentityPoolOptions } from './types.js';

export class IdentityPool {
  /**
   * Forgets the credentials (memory and storage); `{ identityId: true }` also forgets the identity id.
   */
  clear(options?: { identityId?: boolean }): Promise<void>;
  /**
   * Credentials for whoever is signed in now (or a guest), fetched or refreshed as needed.
   */
  getCredentials(options?: { forceRefresh?: boolean }): Promise<IdentityCredentials>;
  /**
   * The identity id (fetching credentials first if there is none yet).
   */
  getIdentityId(): Promise<string>;
  constructor(options: IdentityPoolOptions);
}
