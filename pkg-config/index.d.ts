// cognito-fetch: the exports of index.js, with the types generated from the Rust crate (cognito_fetch.d.ts).
export type { /*TYPES*/ } from './cognito_fetch.js';
export { /*EXPORTS*/ } from './cognito_fetch.js';
export { AwsClient, S3, DynamoDB } from './aws.js';
export { IdentityPool } from './identity-pool.js';
export { UserPool } from './user-pool.js';
