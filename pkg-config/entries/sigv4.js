// cognito-fetch/sigv4: SigV4 signing, AwsClient and the AWS IoT MQTT URLs, with their own wasm
// (cognito_fetch_sigv4_bg.wasm: the crate's `sigv4` feature, no user-pool, S3, DynamoDB or identity-pool steps).
// Loaded as index.js loads the whole package's.
// Its download starts first (./sigv4-wasm.js: the first import is evaluated first).
import { wasm } from './sigv4-wasm.js';
import { start } from '../load.js';

await start(wasm, ' (Rollup, esbuild: copy it beside the bundle, README "Bundlers")');

export { signRequest, presignUrl } from '../sigv4.js';
export { AwsClient } from '../aws.js';
export { iotMqttUrl, iotMqttUrls } from '../iot.js';
