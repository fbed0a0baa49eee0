// cognito-fetch/user-pool for Node and server bundles (the `node` condition), as node.cjs for the whole package:
// the user-pool wasm's bytes embedded, compiled synchronously; pkg/user-pool/node.js re-exports it for `import`.
const { startSync } = require('../load.js');

startSync(require('../cognito_fetch_user_pool_bg.wasm'));

const { SrpSession } = require('../srp.js');
const { UserPool } = require('../user-pool.js');

module.exports = { SrpSession, UserPool };
