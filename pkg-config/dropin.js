/*! cognito-fetch drop-in: <script src=".../cognito-fetch.js"></script> defines window.CognitoFetch.
    Wait for `await CognitoFetch.ready` (it loads cognito_fetch_bg.wasm from beside this script). */
// Bundled by scripts/package.mjs into one classic script (an IIFE) with the same glue and JS layer as index.js.
// The entries cognito-fetch/sigv4 and cognito-fetch/user-pool have their own (entries/*.dropin.js).
import { dropIn } from './drop-in.js';
import { signRequest, presignUrl } from './sigv4.js';
import { SrpSession } from './srp.js';
import { marshall, unmarshall, numberValue } from './dynamodb.js';
import { AwsClient, S3, DynamoDB } from './aws.js';
import { IdentityPool } from './identity-pool.js';
import { UserPool } from './user-pool.js';
import { iotMqttUrl, iotMqttUrls } from './iot.js';

// The public exports: the same as index.js's.
dropIn('cognito_fetch_bg.wasm', { signRequest, presignUrl, SrpSession, marshall, unmarshall, numberValue, AwsClient, S3, DynamoDB, IdentityPool, UserPool, iotMqttUrl, iotMqttUrls });
