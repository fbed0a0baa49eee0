// The browser's UserPool (one per page), made on first use: never while the server renders a client component,
// where there is no localStorage to keep a session in. Settings are NEXT_PUBLIC_* (built into the page; none is
// a secret: the app client has no client secret).
import { UserPool } from 'cognito-fetch';

let pool;
export function userPool() {
  pool ??= new UserPool({
    region: process.env.NEXT_PUBLIC_REGION,
    userPoolId: process.env.NEXT_PUBLIC_USER_POOL_ID,
    clientId: process.env.NEXT_PUBLIC_CLIENT_ID,
    endpoint: process.env.NEXT_PUBLIC_AWS_ENDPOINT || undefined, // only for a stand-in such as local-aws
  });
  return pool;
}
