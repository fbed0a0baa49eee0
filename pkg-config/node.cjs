// cognito-fetch for Node and server bundles (the `node` export condition), bundled by scripts/package.mjs into
// pkg/node.cjs, which pkg/node.js re-exports for `import`. The wasm's bytes are embedded (esbuild's `binary`
// loader), so nothing is fetched or read from disk — a server bundle that moves files (Next.js) keeps working —
// and compiled synchronously: no top-level await, so `require()` works as well as `import`.
// CommonJS on purpose: `module.exports` is a plain object (no `__esModule` marker), so Node and every bundler agree
// that `import m from './node.cjs'` (pkg/node.js) is this object.
const { startSync } = require('./load.js');

startSync(require('./cognito_fetch_bg.wasm'));

const { signRequest, presignUrl } = require('./sigv4.js');
const { SrpSession } = require('./srp.js');
const { marshall, unmarshall, numberValue } = require('./dynamodb.js');
const { AwsClient, S3, DynamoDB } = require('./aws.js');
const { IdentityPool } = require('./identity-pool.js');
const { UserPool } = require('./user-pool.js');

module.exports = { signRequest, presignUrl, SrpSession, marshall, unmarshall, numberValue, AwsClient, S3, DynamoDB, IdentityPool, UserPool };
