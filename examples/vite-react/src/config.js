// Where the user pool, identity pool and bucket are: build-time settings (VITE_* variables, e.g. in .env.local).
// None of them is a secret: a browser app has no secret to keep (the user pool's app client has none).
const env = import.meta.env;

export const config = {
  region: env.VITE_REGION,
  userPoolId: env.VITE_USER_POOL_ID,
  clientId: env.VITE_CLIENT_ID,
  identityPoolId: env.VITE_IDENTITY_POOL_ID,
  bucket: env.VITE_BUCKET,
  // Only for a stand-in such as the repository's local-aws; unset on AWS.
  endpoint: env.VITE_AWS_ENDPOINT || undefined,
};

export const missing = Object.entries(config).filter(([k, v]) => k !== 'endpoint' && !v).map(([k]) => k);
