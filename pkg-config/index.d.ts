// cognito-fetch: the exports of index.js and their types.
export type * from './types.js';
export { signRequest, presignUrl } from './sigv4.js';
export { SrpSession } from './srp.js';
export { marshall, unmarshall, numberValue } from './dynamodb.js';
export { AwsClient, S3, DynamoDB } from './aws.js';
export { IdentityPool } from './identity-pool.js';
export { UserPool } from './user-pool.js';
export { iotMqttUrl, iotMqttUrls } from './iot.js';
