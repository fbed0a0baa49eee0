// cognito-fetch/user-pool: UserPool and SrpSession (SRP, MFA, USER_AUTH, hosted UI / OAuth, devices, passkeys),
// with their own wasm (cognito_fetch_user_pool_bg.wasm: the crate's `user-pool` feature, no SigV4, S3, DynamoDB,
// identity-pool or IoT steps). Loaded as index.js loads the whole package's.
// Its download starts first (./user-pool-wasm.js: the first import is evaluated first).
import { wasm } from './user-pool-wasm.js';
import { start } from '../load.js';

await start(wasm, ' (Rollup, esbuild: copy it beside the bundle, README "Bundlers")');

export { SrpSession } from '../srp.js';
export { UserPool } from '../user-pool.js';
