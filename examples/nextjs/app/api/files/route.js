// The signed-in user's files, on the server: GET lists them (with presigned download links), POST { name, type }
// answers a presigned PUT for a new one. S3 requests are signed here with the server's own credentials, read
// from the environment at run time: they are never built into a bundle and never reach the browser. The caller
// proves who they are with their Cognito access token, which Cognito itself checks (GetUser).
import { S3 } from 'cognito-fetch';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw Object.assign(new Error(`${name} is not set on the server`), { name: 'ServerMisconfigured' });
  return value;
};
// Only for a stand-in such as the repository's local-aws (one endpoint for Cognito and S3); unset on AWS.
const endpoint = () => process.env.AWS_ENDPOINT_URL || undefined;

let s3;
function serverS3() {
  s3 ??= new S3({
    bucket: env('S3_BUCKET'),
    region: env('AWS_REGION'),
    endpoint: endpoint(),
    credentials: {
      accessKeyId: env('AWS_ACCESS_KEY_ID'),
      secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
      sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
    },
  });
  return s3;
}

/** The caller's user id (`sub`), or null. Cognito's GetUser checks the access token (signature, expiry, sign-out);
 *  then its claims say which pool and app client issued it, and they must be ours. */
async function caller(request) {
  const token = request.headers.get('authorization')?.match(/^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/)?.[1];
  if (!token) return null;
  const region = env('AWS_REGION');
  const res = await fetch(`${endpoint() ?? `https://cognito-idp.${region}.amazonaws.com`}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' },
    body: JSON.stringify({ AccessToken: token }),
  });
  if (!res.ok) return null;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  if (!claims.iss?.endsWith(`/${env('NEXT_PUBLIC_USER_POOL_ID')}`) || claims.client_id !== env('NEXT_PUBLIC_CLIENT_ID')) return null;
  const user = await res.json();
  return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? null;
}

const error = (status, code, message) => Response.json({ error: code, message }, { status });

async function handle(request, fn) {
  try {
    const sub = await caller(request);
    if (!sub) return error(401, 'NotAuthorized', 'sign in first');
    return await fn(`users/${sub}/`);
  } catch (e) {
    // cognito-fetch errors carry S3's code as their name; their messages never contain a secret.
    return error(500, e.name ?? 'Error', e.message ?? String(e));
  }
}

export function GET(request) {
  return handle(request, async (prefix) => {
    const { contents } = await serverS3().listObjectsV2({ prefix, all: true });
    const files = await Promise.all(contents.map(async (o) => ({
      name: o.key.slice(prefix.length), size: o.size, url: await serverS3().presignGet(o.key, { expiresIn: 900 }),
    })));
    return Response.json({ files });
  });
}

export function POST(request) {
  return handle(request, async (prefix) => {
    const { name, type } = await request.json().catch(() => ({}));
    if (typeof name !== 'string' || !/^[^/\\]{1,200}$/.test(name) || name === '.' || name === '..') {
      return error(400, 'InvalidName', 'a file name without slashes, 1 to 200 characters');
    }
    const url = await serverS3().presignPut(prefix + name, { contentType: typeof type === 'string' ? type : undefined, expiresIn: 300 });
    return Response.json({ url });
  });
}
