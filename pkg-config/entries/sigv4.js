// cognito-fetch/sigv4: SigV4 signing, AwsClient and the AWS IoT MQTT URLs, with their own wasm
// (cognito_fetch_sigv4_bg.wasm: the crate's `sigv4` feature, no user-pool, S3, DynamoDB or identity-pool steps).
// As index.js: the wasm is fetched (as the module graph's first act: start() calls fetch synchronously) from
// beside the package root, and started once before `import` resolves.
import { start } from '../load.js';

await start(new URL('../cognito_fetch_sigv4_bg.wasm', import.meta.url), ' (Rollup, esbuild: copy it beside the bundle, README "Bundlers")');

export { signRequest, presignUrl } from '../sigv4.js';
export { AwsClient } from '../aws.js';
export { iotMqttUrl, iotMqttUrls } from '../iot.js';
