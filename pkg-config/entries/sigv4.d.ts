// cognito-fetch/sigv4: the exports of entries/sigv4.js and their types.
export type * from '../types.js';
export { signRequest, presignUrl } from '../sigv4.js';
export { AwsClient } from '../aws.js';
export { iotMqttUrl, iotMqttUrls } from '../iot.js';
