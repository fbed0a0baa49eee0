// cognito-fetch/sigv4 for Node and server bundles (the `node` condition), as node.cjs for the whole package:
// the sigv4 wasm's bytes embedded, compiled synchronously; pkg/sigv4/node.js re-exports it for `import`.
const { startSync } = require('../load.js');

startSync(require('../cognito_fetch_sigv4_bg.wasm'));

const { signRequest, presignUrl } = require('../sigv4.js');
const { AwsClient } = require('../aws.js');
const { iotMqttUrl, iotMqttUrls } = require('../iot.js');

module.exports = { signRequest, presignUrl, AwsClient, iotMqttUrl, iotMqttUrls };
