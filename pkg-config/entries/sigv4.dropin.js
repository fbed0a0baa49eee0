/*! cognito-fetch/sigv4 drop-in: <script src=".../cognito-fetch-sigv4.js"></script> defines window.CognitoFetch
    (signRequest, presignUrl, AwsClient, iotMqttUrl, iotMqttUrls). Wait for `await CognitoFetch.ready` (it loads
    cognito_fetch_sigv4_bg.wasm from beside this script). */
import { dropIn } from '../drop-in.js';
import { signRequest, presignUrl } from '../sigv4.js';
import { AwsClient } from '../aws.js';
import { iotMqttUrl, iotMqttUrls } from '../iot.js';

dropIn('cognito_fetch_sigv4_bg.wasm', { signRequest, presignUrl, AwsClient, iotMqttUrl, iotMqttUrls });
