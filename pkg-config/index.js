// cognito-fetch, ES module entry. The WebAssembly module is loaded once, here (top-level await), so every
// export is ready to call as soon as `import` resolves. Safe to import without `window` (Node >= 20, SSR).
import { start } from './load.js';

const wasmUrl = new URL('./cognito_fetch_bg.wasm', import.meta.url);
if (wasmUrl.protocol === 'file:') {
  // Node: fetch() cannot read file: URLs. The module name is in a variable so that bundlers leave it alone.
  const fsModule = 'node:fs/promises';
  const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ fsModule);
  await start(await readFile(wasmUrl));
} else {
  await start(wasmUrl);
}

export { signRequest, presignUrl } from './sigv4.js';
export { SrpSession } from './srp.js';
export { marshall, unmarshall, numberValue } from './dynamodb.js';
export { AwsClient, S3, DynamoDB } from './aws.js';
export { IdentityPool } from './identity-pool.js';
export { UserPool } from './user-pool.js';
export { iotMqttUrl, iotMqttUrls } from './iot.js';
