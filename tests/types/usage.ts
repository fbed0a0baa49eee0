// Type-level tests of the published .d.ts (`tsc --strict`): what users write must compile, and misuse must not
// (each @ts-expect-error fails the check if the line stops being an error).
import { signRequest, presignUrl, SrpSession, UserPool, IdentityPool, AwsClient, S3, DynamoDB, marshall, unmarshall, numberValue, iotMqttUrl, iotMqttUrls } from 'cognito-fetch';
import * as sigv4Entry from 'cognito-fetch/sigv4';
import { signRequest as signOnly, AwsClient as SigV4AwsClient, iotMqttUrl as iotUrlOnly } from 'cognito-fetch/sigv4';
import type { SignedRequest as SigV4SignedRequest } from 'cognito-fetch/sigv4';
import { UserPool as PoolOnly, SrpSession as SrpOnly } from 'cognito-fetch/user-pool';
import type { SignInOutput as PoolSignInOutput } from 'cognito-fetch/user-pool';
// @ts-expect-error the sigv4 entry has no S3 (its wasm has no S3 steps)
import { S3 as NoS3 } from 'cognito-fetch/sigv4';
// @ts-expect-error the user-pool entry has no signRequest (its wasm cannot sign)
import { signRequest as noSign } from 'cognito-fetch/user-pool';
// @ts-expect-error nor an IdentityPool
import { IdentityPool as NoIdentityPool } from 'cognito-fetch/user-pool';
import type { SignedRequest, SignRequestInput, AwsCredentials, CognitoFetchError, PasswordClaim, SignInOutput, AuthSession, AuthEventPayload, StorageErrorPayload, IdentityCredentials, DeveloperIdentity, ListObjectsOutput, UploadProgress, AttributeValue, NumberValue, TotpSetupDetails, MfaType, OAuthOptions, RedirectSignInOutput, AuthDevice, WebAuthnCredential } from 'cognito-fetch';

const credentials: AwsCredentials = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' };

const input: SignRequestInput = {
  method: 'PUT',
  url: 'https://bucket.s3.eu-west-1.amazonaws.com/a b.txt',
  headers: [['content-type', 'text/plain'], ['x-amz-meta-a', '1']],
  body: new Uint8Array([1, 2, 3]),
  credentials,
};
const signed: SignedRequest = signRequest(input);
const url: string = signed.url;
const auth: string | undefined = signed.headers['authorization'];
void fetch(signed.url, { method: signed.method, headers: signed.headers });

signRequest({ method: 'GET', url, headers: new Headers({ range: 'bytes=0-9' }), credentials, region: 'us-east-1', service: 's3' });
signRequest({ method: 'POST', url, headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{}', credentials, datetime: '20150830T123600Z' });
signRequest({ method: 'PUT', url, body: new Blob(['x']), unsignedPayload: true, credentials, normalizePath: false, doubleEncodePath: false, signSessionToken: false, signPayloadHeader: true });

const presigned: string = presignUrl({ url, expiresIn: 900, credentials });
presignUrl({ method: 'PUT', url, expiresIn: 60, credentials, headers: { 'content-type': 'image/png' } });

try {
  signRequest(input);
} catch (e) {
  const err = e as CognitoFetchError;
  const code: string = err.code;
  void code;
}

// @ts-expect-error credentials are required
signRequest({ method: 'GET', url });
// @ts-expect-error expiresIn is required
presignUrl({ url, credentials });
// @ts-expect-error the result is a string, not a request
presignUrl({ url, expiresIn: 1, credentials }).headers;
// @ts-expect-error body must be a string, buffer, view, Blob or null
signRequest({ method: 'GET', url, credentials, body: 42 });
// @ts-expect-error header values are strings
signRequest({ method: 'GET', url, credentials, headers: { a: 1 } });

const srp = new SrpSession();
const srpA: string = srp.srpA;
const claim: PasswordClaim = srp.passwordClaim({ userPoolId: 'us-east-1_Abc', password: 'pw', challengeParameters: { SRP_B: 'ab', SALT: 'cd', SECRET_BLOCK: 'ef', USER_ID_FOR_SRP: 'u' } });
const signature: string = claim.PASSWORD_CLAIM_SIGNATURE;
srp.free();
// @ts-expect-error srpA is read-only
srp.srpA = 'x';
// @ts-expect-error the password is required
srp.passwordClaim({ userPoolId: 'us-east-1_Abc', challengeParameters: {} });

async function userPool(): Promise<void> {
  const pool = new UserPool({ region: 'us-east-1', userPoolId: 'us-east-1_Abc', clientId: 'c', storage: 'session' });
  new UserPool({ region: 'r', userPoolId: 'r_p', clientId: 'c', storage: { getItem: async () => null, setItem: () => {}, removeItem: () => {} } });
  const out: SignInOutput = await pool.signIn({ username: 'u', password: 'p', options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  if (out.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE') await pool.confirmSignIn({ challengeResponse: '123456' });
  const session: AuthSession | null = await pool.getSession({ forceRefresh: true });
  const idToken: string | undefined = session?.tokens.idToken;
  const up = await pool.signUp({ username: 'u', password: 'p', options: { userAttributes: { email: 'a@b.c' } } });
  const step: 'CONFIRM_SIGN_UP' | 'COMPLETE_AUTO_SIGN_IN' | 'DONE' = up.nextStep.signUpStep;
  const choice = await pool.signIn({ username: 'u', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
  const totp: TotpSetupDetails | undefined = choice.nextStep.totpSetupDetails;
  const attrs: Record<string, string> = await pool.fetchUserAttributes();
  await pool.updateMFAPreference({ totp: 'PREFERRED', email: 'DISABLED' });
  const mfa: MfaType | undefined = (await pool.fetchMFAPreference()).preferred;
  // @ts-expect-error not an MFA preference
  await pool.updateMFAPreference({ totp: 'yes' });
  void [totp, attrs, mfa];
  await pool.signIn({ username: 'u', password: 'p', options: { deviceName: 'Kitchen tablet' } });
  const deviceError: string | undefined = (await pool.signIn({ username: 'u', password: 'p' })).deviceError?.name;
  void deviceError;
  await pool.rememberDevice();
  const devices: AuthDevice[] = await pool.fetchDevices();
  const remembered: string | undefined = devices[0]?.attributes['dev:device_remembered_status'];
  const created: Date | undefined = devices[0]?.createDate;
  await pool.forgetDevice();
  await pool.forgetDevice({ deviceKey: devices[0]?.id ?? '' });
  // @ts-expect-error deviceKey is a string
  await pool.forgetDevice({ deviceKey: 1 });
  void [remembered, created];
  await pool.signIn({ username: 'u', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
  await pool.associateWebAuthnCredential();
  const page: { credentials: WebAuthnCredential[]; nextToken?: string } = await pool.listWebAuthnCredentials({ pageSize: 5 });
  await pool.deleteWebAuthnCredential({ credentialId: page.credentials[0]?.credentialId ?? '' });
  // @ts-expect-error credentialId is required
  await pool.deleteWebAuthnCredential({});
  // @ts-expect-error not a first factor
  await pool.signIn({ username: 'u', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSKEY' } });
  pool.on('signedIn', (p: AuthEventPayload) => void p.username);
  pool.on('storageError', (p: AuthEventPayload) => void [p.operation, p.key, p.error?.code]);
  await pool.signOut({ global: true });
  // @ts-expect-error unknown event
  pool.on('somethingElse', () => {});
  // @ts-expect-error region is required
  new UserPool({ userPoolId: 'r_p', clientId: 'c' });
  void [idToken, step];
}

async function hostedUi(): Promise<void> {
  const oauth: OAuthOptions = { domain: 'auth.example.com', redirectSignIn: ['https://app.example.com/'], redirectSignOut: 'https://app.example.com/bye', scopes: ['openid', 'email'], responseType: 'code' };
  const pool = new UserPool({ region: 'us-east-1', userPoolId: 'us-east-1_Abc', clientId: 'c', oauth });
  await pool.signInWithRedirect({ provider: 'Google', customState: '/photos', options: { loginHint: 'a@b.c', lang: 'fr', prompt: 'login' } });
  await pool.signInWithRedirect({ provider: { custom: 'MySAML' } });
  await pool.signInWithRedirect();
  const done: RedirectSignInOutput = await pool.signInWithPopup({ provider: 'COGNITO' });
  const state: string | undefined = done.customState;
  const back: RedirectSignInOutput | undefined = await pool.handleRedirect();
  const session = await pool.getSession();
  const how: 'signIn' | 'signInWithRedirect' | 'signInWithPopup' | undefined = session?.signInMethod;
  const provider: string | undefined = session?.identities?.[0]?.providerName;
  pool.on('signInWithRedirectFailure', (p: AuthEventPayload) => void p.error?.name);
  pool.on('signedIn', (p: AuthEventPayload) => void p.customState);
  await pool.signOut({ redirect: true });
  // @ts-expect-error not a provider Cognito knows by that name
  await pool.signInWithRedirect({ provider: 'Amazon' });
  // @ts-expect-error only the code flow
  new UserPool({ region: 'r', userPoolId: 'r_p', clientId: 'c', oauth: { domain: 'd', redirectSignIn: 'https://a/', responseType: 'token' } });
  void [state, back, how, provider];
}

async function aws(pool: UserPool): Promise<void> {
  const ids = new IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:1', userPool: pool, logins: async () => ({ 'accounts.google.com': 'jwt' }) });
  const creds: IdentityCredentials = await ids.getCredentials({ forceRefresh: true });
  const when: Date = creds.expiration;
  const id: string = await ids.getIdentityId();
  ids.on('storageError', (p: StorageErrorPayload) => void [p.error.code, p.operation, p.key]);
  // @ts-expect-error IdentityPool has one event
  ids.on('signedIn', () => {});
  const client = new AwsClient({ credentials: ids, region: 'us-east-1', maxAttempts: 5 });
  const res: Response = await client.fetch('https://example.execute-api.us-east-1.amazonaws.com/x', { method: 'POST', body: '{}', aws: { service: 'execute-api', idempotent: true } });
  new AwsClient({ credentials: async () => creds });
  const s3 = new S3({ bucket: 'b', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
  const list: ListObjectsOutput = await s3.listObjectsV2({ prefix: 'p/', all: true });
  const size: number = list.contents[0].size;
  await s3.upload('k', new Blob(['x']), { onProgress: (p: UploadProgress) => void p.loaded, signal: new AbortController().signal });
  const url: string = await s3.presignGet('k', { expiresIn: 60, range: 'bytes=0-1' });
  const ddb = new DynamoDB({ region: 'us-east-1', credentials: ids, marshallOptions: { removeUndefinedValues: true } });
  const got = await ddb.getItem({ TableName: 't', Key: { pk: 'a' } });
  const attrs: Record<string, AttributeValue> = marshall({ a: 1n, b: new Set(['x']), n: numberValue('1.5') });
  const n: NumberValue = numberValue('0.1234567890123456789');
  unmarshall(attrs, { wrapNumbers: true });
  // @ts-expect-error credentials are required
  new S3({ bucket: 'b', region: 'r' });
  // @ts-expect-error identityPoolId is required
  new IdentityPool({ region: 'r' });
  // A developer-authenticated identity (the app's backend called GetOpenIdTokenForDeveloperIdentity), a role choice.
  const fromBackend = async (): Promise<DeveloperIdentity> => (await fetch('/api/cognito-token')).json() as Promise<DeveloperIdentity>;
  new IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:1', developer: fromBackend, customRoleArn: 'arn:aws:iam::123456789012:role/editors' });
  new IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:1', developer: { identityId: 'us-east-1:ab', token: 'h.p.s' } });
  // @ts-expect-error developer needs a token
  new IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:1', developer: { identityId: 'us-east-1:ab' } });
  // @ts-expect-error customRoleArn is a string
  new IdentityPool({ region: 'us-east-1', identityPoolId: 'us-east-1:1', customRoleArn: ['arn'] });
  void [when, id, res, size, url, got, n];
}

void [auth, presigned, srpA, signature, userPool, aws];

async function iot(identity: IdentityPool): Promise<void> {
  const wss: string = await iotMqttUrl({ endpoint: 'abc-ats.iot.eu-west-1.amazonaws.com', credentials: identity });
  await iotMqttUrl({ endpoint: 'ws://127.0.0.1:4567', region: 'us-east-1', credentials, expiresIn: 60 });
  const urls = await iotMqttUrls({ endpoint: 'wss://mqtt.example.com', region: 'eu-west-1', credentials: () => credentials });
  const first: string = urls.url;
  const next: string = urls.transformWsUrl(first, {}, {});
  await urls.refresh();
  urls.stop();
  void wss; void next;
  // @ts-expect-error the endpoint is required
  await iotMqttUrl({ credentials });
  // @ts-expect-error expiresIn is a number of seconds
  await iotMqttUrl({ endpoint: 'x', credentials, expiresIn: '60' });
  // @ts-expect-error the URL is read-only
  urls.url = 'wss://x';
}
void iot;

// The entries: the same classes and functions, typed alike.
const onlySigned: SigV4SignedRequest = signOnly({ method: 'GET', url, credentials });
void onlySigned.headers['authorization'];
const onlyClient = new SigV4AwsClient({ credentials, region: 'us-east-1', service: 's3' });
void onlyClient.fetch(url);
void iotUrlOnly({ endpoint: 'abc-ats.iot.us-east-1.amazonaws.com', credentials }).then((u: string) => u);
void sigv4Entry.presignUrl({ url, expiresIn: 60, credentials });
void sigv4Entry.iotMqttUrls;
// @ts-expect-error UserPool is not in the sigv4 entry
void sigv4Entry.UserPool;
const onlyPool = new PoolOnly({ region: 'us-east-1', userPoolId: 'us-east-1_abc', clientId: 'client' });
void onlyPool.signIn({ username: 'u', password: 'p' }).then((o: PoolSignInOutput) => o.isSignedIn);
const onlySrp: string = new SrpOnly().srpA;
void [onlySrp, NoS3, noSign, NoIdentityPool];
