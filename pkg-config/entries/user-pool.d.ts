// cognito-fetch/user-pool: the exports of entries/user-pool.js and their types.
export type * from '../types.js';
export { SrpSession } from '../srp.js';
export { UserPool } from '../user-pool.js';
