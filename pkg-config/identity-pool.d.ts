// Types of the JS layer's IdentityPool (identity-pool.js); its option and result types are in types.d.ts.
import type { IdentityCredentials, IdentityPoolOptions, StorageErrorPayload } from './types.js';

export class IdentityPool {
  /**
   * Forgets the credentials (memory and storage); `{ identityId: true }` also forgets the identity id. A storage
   * that refuses the removal emits `storageError` (this page forgets them all the same).
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
  off(event: 'storageError', listener: (payload: StorageErrorPayload) => void): void;
  /**
   * Listens to `storageError`: the storage refused a write (quota, private mode, a custom storage that
   * throws); the value is kept in memory for this page. The payload (`{ error, operation, key }`) holds no value.
   */
  on(event: 'storageError', listener: (payload: StorageErrorPayload) => void): void;
}
