// cognito-fetch, ES module entry for pages (bundled or not). The WebAssembly module is fetched from beside this
// file and started once, here (top-level await), so every export is ready to call as soon as `import` resolves.
// `new URL('./cognito_fetch_bg.wasm', import.meta.url)` (index-wasm.js) is the pattern Vite, webpack, Parcel and
// Next.js's client bundles recognise: they copy the wasm and rewrite the URL. Node and server bundles take node.js instead (the
// `node` export condition: the wasm's bytes embedded, no fetch).
// Its download starts first (index-wasm.js: the first import is evaluated first).
import { wasm } from './index-wasm.js';
import { start } from './load.js';

// A 404 names the fix: Rollup and esbuild bundle this file without the wasm (README: "Bundlers").
await start(wasm, ' (Rollup, esbuild: copy it beside the bundle, README "Bundlers")');

export { signRequest, presignUrl } from './sigv4.js';
export { SrpSession } from './srp.js';
export { marshall, unmarshall, numberValue } from './dynamodb.js';
export { AwsClient, S3, DynamoDB } from './aws.js';
export { IdentityPool } from './identity-pool.js';
export { UserPool } from './user-pool.js';
export { iotMqttUrl, iotMqttUrls } from './iot.js';
