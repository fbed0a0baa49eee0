// cognito-fetch for Node and server bundles (the `node` export condition; bundled by scripts/package.mjs into
// pkg/node.cjs, which pkg/node.js re-exports for `import`). The wasm's bytes are embedded (the `binary` loader),
// so nothing is fetched or read from disk — a server bundle that moves files (Next.js) keeps working — and they
// are compiled synchronously: no top-level await, so `require()` works as well as `import`.
import { startSync } from './load.js';
import wasm from './cognito_fetch_bg.wasm';

startSync(wasm);

export { signRequest, presignUrl } from './sigv4.js';
export { SrpSession } from './srp.js';
export { marshall, unmarshall, numberValue } from './dynamodb.js';
export { AwsClient, S3, DynamoDB } from './aws.js';
export { IdentityPool } from './identity-pool.js';
export { UserPool } from './user-pool.js';
