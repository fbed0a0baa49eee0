/*! cognito-fetch drop-in: <script src=".../cognito-fetch.js"></script> defines window.CognitoFetch.
    Wait for `await CognitoFetch.ready` (it loads cognito_fetch_bg.wasm from beside this script). */
// Bundled by scripts/package.mjs into one classic script (an IIFE) with the same glue and JS layer as index.js.
import { start } from './load.js';
import { fail } from './io.js';
import { signRequest, presignUrl } from './sigv4.js';
import { SrpSession } from './srp.js';
import { marshall, unmarshall, numberValue } from './dynamodb.js';
import { AwsClient, S3, DynamoDB } from './aws.js';
import { IdentityPool } from './identity-pool.js';
import { UserPool } from './user-pool.js';

const scriptUrl = document.currentScript?.src || location.href;
// The public exports: the same as index.js's (named one by one: a namespace import would keep every internal
// export of the modules, and its name, in the bundle).
const real = { signRequest, presignUrl, SrpSession, marshall, unmarshall, numberValue, AwsClient, S3, DynamoDB, IdentityPool, UserPool };
let loaded = false;
const api = {};
for (const name of Object.keys(real)) {
  api[name] = function (...args) {
    if (!loaded) throw fail('NotReady', `CognitoFetch is still loading: call ${name} after \`await CognitoFetch.ready\``);
    // A stub kept from before `ready` still works, as a function or with `new` (UserPool, S3 ... are classes).
    return new.target ? Reflect.construct(real[name], args) : real[name](...args);
  };
}
api.ready = start(new URL('cognito_fetch_bg.wasm', scriptUrl)).then(() => {
  loaded = true;
  // The real exports from now on: `new CognitoFetch.S3(...)`, `instanceof CognitoFetch.UserPool` work.
  Object.assign(api, real);
  return api;
});
window.CognitoFetch = api;
