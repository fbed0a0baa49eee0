// The option and result types of cognito-fetch (the JS layer's classes and functions take and return these).
/** Every error this library throws: `name` and `code` are the error code (AWS's where there is one). */
export interface CognitoFetchError extends Error {
  name: string;
  code: string;
  /** Whether trying again later can help (throttling, server errors, `NetworkError`). */
  retryable: boolean;
}
/** AWS credentials; temporary credentials carry a session token. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
/** A plain object, a `Headers`, or `[name, value]` pairs (a name may repeat). */
export type HeadersInput = Record<string, string> | Headers | Iterable<readonly [string, string]>;
/** A `Blob` can only be sent unsigned (`unsignedPayload`, S3): its hash cannot be computed synchronously. */
export type BodyInput = string | ArrayBuffer | ArrayBufferView | Blob | null;
export interface SigningOptions {
  credentials: AwsCredentials;
  /** Inferred from standard AWS hostnames; required for custom endpoints. */
  region?: string;
  /** Signing name (`s3`, `dynamodb`, ...). Inferred from standard AWS hostnames; required for custom endpoints. */
  service?: string;
  /** `YYYYMMDDTHHMMSSZ` (UTC); defaults to now. */
  datetime?: string;
  /** Sign `UNSIGNED-PAYLOAD` instead of the body's SHA-256 (S3 only accepts this). */
  unsignedPayload?: boolean;
  /** Remove dot segments and empty segments from the path. Default: true, except for S3. */
  normalizePath?: boolean;
  /** Encode the path a second time. Default: true, except for S3 (which signs the object key encoded once). */
  doubleEncodePath?: boolean;
  /** Sign the session token; when false it is added after signing. Default: true. */
  signSessionToken?: boolean;
}
export interface SignRequestInput extends SigningOptions {
  method: string;
  url: string;
  headers?: HeadersInput;
  body?: BodyInput;
  /** Send and sign `x-amz-content-sha256`. Default: true for S3, false otherwise. */
  signPayloadHeader?: boolean;
}
/** Ready for `fetch(url, { method, headers, body })`. Header names are lowercase. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}
export interface PresignUrlInput extends SigningOptions {
  /** Default `GET`. */
  method?: string;
  url: string;
  /** Seconds the URL stays valid: 1 to 604800 (7 days). */
  expiresIn: number;
  /** Headers to sign into the URL (e.g. `range`, `content-type`); whoever uses the URL must send them. */
  headers?: HeadersInput;
}
/** What `SrpSession.passwordClaim` needs: the PASSWORD_VERIFIER challenge and who signs in. */
export interface PasswordClaimInput {
  /** e.g. `us-east-1_AbCdEf` (the part after `_` is hashed). */
  userPoolId: string;
  password: string;
  /** The challenge's ChallengeParameters: USER_ID_FOR_SRP, SRP_B, SALT, SECRET_BLOCK. */
  challengeParameters: Record<string, string>;
  /** Cognito's TIMESTAMP format; defaults to now. */
  timestamp?: string;
}
/** ChallengeResponses for RespondToAuthChallenge (PASSWORD_VERIFIER). */
export interface PasswordClaim {
  PASSWORD_CLAIM_SIGNATURE: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  TIMESTAMP: string;
  USERNAME: string;
}
/** A number kept as its exact decimal text (DynamoDB numbers have up to 38 digits). */
export interface NumberValue {
  readonly value: string;
}
/** What a DynamoDB attribute can be, as plain JS. */
export type NativeValue =
  | string | number | bigint | boolean | null | undefined | NumberValue
  | Uint8Array | ArrayBuffer | ArrayBufferView
  | NativeValue[] | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array>
  | Map<string, NativeValue> | { [key: string]: NativeValue };
export type AttributeValue =
  | { S: string } | { N: string } | { B: string } | { BOOL: boolean } | { NULL: true }
  | { L: AttributeValue[] } | { M: Record<string, AttributeValue> }
  | { SS: string[] } | { NS: string[] } | { BS: string[] };
export interface MarshallOptions {
  /** Leave out undefined values in maps, lists and sets instead of failing. */
  removeUndefinedValues?: boolean;
  /** Write empty strings, binaries and sets as NULL. */
  convertEmptyValues?: boolean;
  /** Write class instances (Date ...) as maps of their own properties instead of failing. */
  convertClassInstanceToMap?: boolean;
  /** Accept numbers beyond Number.MAX_SAFE_INTEGER (they may not be what was meant). */
  allowImpreciseNumbers?: boolean;
}
export interface UnmarshallOptions {
  /** Every number as a NumberValue. Default: numbers when exact, bigint for long integers, NumberValue otherwise. */
  wrapNumbers?: boolean;
}
export interface DynamoDBOptions {
  region: string;
  credentials: CredentialsSource;
  /** Overrides `https://dynamodb.<region>.amazonaws.com/`. */
  endpoint?: string;
  maxAttempts?: number;
  marshallOptions?: MarshallOptions;
  unmarshallOptions?: UnmarshallOptions;
  /** Take and return AttributeValues as they are on the wire. */
  raw?: boolean;
}
/** DynamoDB's own input and output shapes, with plain values where it has AttributeValues. */
export type DynamoDBInput = Record<string, any>;
export type DynamoDBOutput = Record<string, any>;
/** Temporary credentials as providers return them. */
export interface TemporaryCredentials extends AwsCredentials {
  /** When they stop working (this device's clock). */
  expiration?: Date;
}
/** Where signed requests get their credentials: fixed ones, an `IdentityPool`, or a function. */
export type CredentialsSource =
  | AwsCredentials
  | { getCredentials(options?: { forceRefresh?: boolean }): Promise<TemporaryCredentials> }
  | ((options: { forceRefresh: boolean }) => TemporaryCredentials | Promise<TemporaryCredentials>);
/** `iotMqttUrl` / `iotMqttUrls`: AWS IoT Core's MQTT over WebSocket. */
export interface IotMqttUrlInput {
  /** The account's IoT data endpoint (`<prefix>-ats.iot.<region>.amazonaws.com`, bare or as `wss://...`), a
   *  custom domain, or a local stand-in (`ws://127.0.0.1:PORT`: plain `ws:` only on loopback). */
  endpoint: string;
  /** Inferred from `*.iot.<region>.amazonaws.com`; required for other endpoints. */
  region?: string;
  credentials: CredentialsSource;
  /** Seconds the URL can be used to open a connection (1 to 604800; default 300). */
  expiresIn?: number;
  /** `YYYYMMDDTHHMMSSZ`, for reproducible URLs; default now. */
  datetime?: string;
}
/** `iotMqttUrls`: URLs for an MQTT client that reconnects (mqtt.js: `mqtt.connect(urls.url, { transformWsUrl: urls.transformWsUrl })`). */
export interface IotMqttUrls {
  /** A URL signed now with the latest credentials. */
  readonly url: string;
  /** mqtt.js's `transformWsUrl` option: a new URL, signed with the latest credentials, for each (re)connection. */
  transformWsUrl(url: string, options: unknown, client: unknown): string;
  /** Asks the credentials source now (e.g. after `identityPool.getCredentials({ forceRefresh: true })`): later URLs use what it gives. */
  refresh(): Promise<void>;
  /** Stops asking for credentials ahead of their expiry (done too when the mqtt.js client emits `end`). */
  stop(): void;
}
export interface AwsClientOptions {
  credentials: CredentialsSource;
  /** Default region, when the host does not say (custom endpoints). */
  region?: string;
  /** Default signing name (`s3`, `dynamodb`, `execute-api` ...), when the host does not say. */
  service?: string;
  /** Attempts for transient errors (5xx, 429, throttling), idempotent requests only. Default 3. */
  maxAttempts?: number;
}
export interface AwsRequestInit extends RequestInit {
  aws?: {
    service?: string;
    region?: string;
    /** Sign `UNSIGNED-PAYLOAD` (S3 only). Blobs sent to S3 are always unsigned. */
    unsignedPayload?: boolean;
    /** Retry transient errors even for POST (safe for AWS JSON APIs like DynamoDB). Default: by method. */
    idempotent?: boolean;
  };
}
export interface S3Options {
  bucket: string;
  region: string;
  credentials: CredentialsSource;
  /** e.g. `http://127.0.0.1:4566`; default AWS's regional endpoint. */
  endpoint?: string;
  /** Default: path-style for custom endpoints and bucket names with dots, virtual-hosted otherwise. */
  forcePathStyle?: boolean;
  /** Attempts for transient errors. Default 3. */
  maxAttempts?: number;
}
export interface S3Object {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  storageClass?: string;
}
export interface ListObjectsInput {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  continuationToken?: string;
  startAfter?: string;
  /** Follow continuation tokens and return every page's objects at once. */
  all?: boolean;
  signal?: AbortSignal;
}
export interface ListObjectsOutput {
  contents: S3Object[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
  keyCount: number;
}
export interface HeadObjectOutput {
  contentLength: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** `x-amz-meta-*` headers, without the prefix. */
  metadata: Record<string, string>;
}
export interface PutObjectOptions {
  contentType?: string;
  /** Stored as `x-amz-meta-<name>`. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}
export interface UploadProgress {
  loaded: number;
  total: number;
}
export interface UploadOptions extends PutObjectOptions {
  /** Bytes per part (at least 5 MiB). Default 8 MiB; larger files use multipart upload. */
  partSize?: number;
  /** Parts sent at once. Default 4. */
  concurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
}
export interface PresignGetOptions {
  /** Seconds, 1 to 604800 (7 days). Default 900. Temporary credentials stop it working when they expire. */
  expiresIn?: number;
  /** Sign a `Range` (e.g. `bytes=0-99`) that whoever uses the URL must send. Unsigned ranges work anyway. */
  range?: string;
  responseContentType?: string;
  responseContentDisposition?: string;
}
export interface PresignPutOptions {
  expiresIn?: number;
  /** Sign a `Content-Type` that the upload must send. */
  contentType?: string;
}
export interface IdentityPoolOptions {
  region: string;
  /** e.g. `us-east-1:0000-1111-...` */
  identityPoolId: string;
  /** The signed-in user's ID token goes into `Logins` (kept current across refreshes). */
  userPool?: { getSession(): Promise<AuthSession | null> };
  /** Tokens of other providers as `Logins` entries, keyed as Cognito names them: `accounts.google.com`,
   *  `appleid.apple.com` (ID tokens), `graph.facebook.com`, `www.amazon.com` (access tokens), an OIDC issuer
   *  without `https://` (`login.example.com/path`), a SAML provider ARN (base64 SAML response). A malformed key
   *  or value is refused with `InvalidArgument` before anything is sent. */
  logins?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** A developer-authenticated identity: the identity id and OpenID token your backend got from
   *  GetOpenIdTokenForDeveloperIdentity (sent as `cognito-identity.amazonaws.com`). A function is asked again
   *  whenever credentials are fetched or refreshed (the token lasts 15 minutes unless the backend asked for more). */
  developer?: DeveloperIdentity | (() => DeveloperIdentity | Promise<DeveloperIdentity>);
  /** Ask GetCredentialsForIdentity for this role: one of those the pool's role mapping allows the login
   *  (a role of `cognito:roles`, or of a matching rule). Enhanced flow only. */
  customRoleArn?: string;
  /** Hand out guest credentials when nobody is signed in (the pool must allow them). Default true. */
  allowGuest?: boolean;
  /** Overrides `https://cognito-identity.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** The basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with these roles. */
  basicFlow?: { authenticatedRoleArn?: string; unauthenticatedRoleArn?: string; durationSeconds?: number; stsEndpoint?: string };
  /** Where the identity id is remembered. Default `'local'`. */
  storage?: 'local' | 'session' | 'memory' | SessionStorage;
  /** Also keep the credentials in `storage` (off by default: they are secrets). */
  persistCredentials?: boolean;
}
/** What the app's backend hands the page for a developer-authenticated identity. */
export interface DeveloperIdentity {
  identityId: string;
  token: string;
}
export interface IdentityCredentials extends TemporaryCredentials {
  sessionToken: string;
  expiration: Date;
  identityId: string;
  authenticated: boolean;
}
export interface UserPoolOptions {
  region: string;
  /** e.g. `us-east-1_AbCdEf` */
  userPoolId: string;
  clientId: string;
  /** Only for app clients with a secret (then SECRET_HASH is sent). Avoid secrets in public pages. */
  clientSecret?: string;
  /** Overrides `https://cognito-idp.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** Where the session is kept: one record per app client. Default `'local'`. */
  storage?: 'local' | 'session' | 'memory' | SessionStorage;
  /** The issuer shown in authenticator apps for TOTP set-up. Default `'Cognito'`. */
  appName?: string;
  /** The user pool's domain for the hosted UI and federated sign-in (`signInWithRedirect`, `signInWithPopup`). */
  oauth?: OAuthOptions;
}
/** OAuth 2.0 (authorization code + PKCE) against the user pool's domain. */
export interface OAuthOptions {
  /** As Amplify takes it: a host (`auth.example.com`, `<prefix>.auth.<region>.amazoncognito.com`; https), or an
   *  origin; `http://` only for `localhost` names (local development). Anything else is `InvalidOAuthConfig`. */
  domain: string;
  /** The app client's callback URL(s); the one on this page's origin is used (else the first). */
  redirectSignIn: string | string[];
  /** The app client's sign-out URL(s), for `signOut({ redirect: true })`. */
  redirectSignOut?: string | string[];
  /** Must include `'openid'`. Default `['openid']`. */
  scopes?: string[];
  /** Only `'code'` (the implicit grant is not supported). */
  responseType?: 'code';
}
/** Where `signInWithRedirect` / `signInWithPopup` send the user: a social provider, the hosted UI's own sign-in
 *  page (`COGNITO`), or a SAML / OIDC provider by its name in the pool. None: the hosted UI's choice page. */
export type OAuthProvider = 'Google' | 'Facebook' | 'SignInWithApple' | 'LoginWithAmazon' | 'COGNITO' | { custom: string };
export interface SignInWithRedirectInput {
  provider?: OAuthProvider;
  /** Handed back with the `signedIn` event and `handleRedirect`'s result (kept in this tab, never sent). */
  customState?: string;
  options?: {
    loginHint?: string;
    lang?: string;
    prompt?: 'none' | 'login' | 'consent' | 'select_account';
  };
}
/** A hosted-UI sign-in finished (`handleRedirect`, `signInWithPopup`). */
export interface RedirectSignInOutput {
  isSignedIn: true;
  nextStep: { signInStep: 'DONE' };
  customState?: string;
}
/** A custom storage; each method may return a Promise. */
export interface SessionStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}
export interface CodeDeliveryDetails {
  destination?: string;
  deliveryMedium?: string;
  attributeName?: string;
}
export interface SignUpInput {
  username: string;
  password?: string;
  options?: {
    userAttributes?: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: Record<string, string>;
    /** Sign in as soon as the sign-up is confirmed (`autoSignIn()` after `COMPLETE_AUTO_SIGN_IN`). The password
     *  is kept in this page's memory until then, never stored. */
    autoSignIn?: boolean;
  };
}
export interface SignUpOutput {
  isSignUpComplete: boolean;
  userId?: string;
  nextStep: { signUpStep: 'CONFIRM_SIGN_UP' | 'COMPLETE_AUTO_SIGN_IN' | 'DONE'; codeDeliveryDetails?: CodeDeliveryDetails };
}
export type MfaPreference = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';
export type MfaType = 'TOTP' | 'SMS' | 'EMAIL';
export interface SignInInput {
  username: string;
  /** Required except for USER_AUTH (passwordless factors) and CUSTOM_WITHOUT_SRP. */
  password?: string;
  options?: {
    /** Default USER_SRP_AUTH. USER_AUTH is choice-based sign-in; CUSTOM_* run the pool's custom challenge. */
    authFlowType?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'USER_AUTH' | 'CUSTOM_WITH_SRP' | 'CUSTOM_WITHOUT_SRP';
    /** USER_AUTH: start this first factor at once instead of asking (WEB_AUTHN: the browser's passkey ceremony
     *  runs inside signIn / confirmSignIn). */
    preferredChallenge?: 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';
    clientMetadata?: Record<string, string>;
    /** The name ConfirmDevice gives this device when the pool tracks devices (default: the user agent). */
    deviceName?: string;
  };
}
export type SignInStep =
  | 'DONE'
  | 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'
  | 'CONFIRM_SIGN_IN_WITH_SMS_CODE'
  | 'CONFIRM_SIGN_IN_WITH_TOTP_CODE'
  | 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'
  | 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'
  | 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'
  | 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION'
  | 'CONFIRM_SIGN_IN_WITH_PASSWORD'
  | 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP';
/** A TOTP secret to add to an authenticator app: show `setupUri` as a QR code, or the secret as text. */
export interface TotpSetupDetails {
  sharedSecret: string;
  /** `otpauth://totp/<appName>:<username>?secret=...&issuer=<appName>` */
  setupUri: string;
}
export interface SignInOutput {
  isSignedIn: boolean;
  nextStep: {
    signInStep: SignInStep;
    /** Where a code was sent (SMS / email challenges). */
    codeDeliveryDetails?: CodeDeliveryDetails;
    /** Cognito's ChallengeParameters, for custom challenges and choices (MFAS_CAN_CHOOSE, requiredAttributes ...). */
    additionalInfo?: Record<string, string>;
    /** USER_AUTH: the first factors to choose from (answer with one of them). */
    availableChallenges?: string[];
    /** CONTINUE_SIGN_IN_WITH_TOTP_SETUP: the secret; answer with a code from the app. */
    totpSetupDetails?: TotpSetupDetails;
  };
  /** Signed in, but the pool's new device could not be confirmed (ConfirmDevice failed): it is not remembered. */
  deviceError?: { name: string; message: string };
}
export interface ConfirmSignInInput {
  /** The code, the new password, or the chosen option. */
  challengeResponse: string;
  options?: { userAttributes?: Record<string, string> };
}
export interface AuthSession {
  username: string;
  tokens: { idToken: string; accessToken: string };
  /** When the tokens expire, in milliseconds since the epoch, on this device's clock. */
  expiresAt: number;
  /** How the session was made: `signIn` (password, passwordless, custom), or through the hosted UI. */
  signInMethod: 'signIn' | 'signInWithRedirect' | 'signInWithPopup';
  /** A federated user's providers (the ID token's `identities` claim), when it has one. */
  identities?: { providerName?: string; providerType?: string; userId?: string }[];
}
export type AuthEvent = 'signedIn' | 'signedOut' | 'tokenRefresh' | 'tokenRefreshFailure' | 'signInWithRedirectFailure' | 'storageError';
/** Event payloads carry no tokens or passwords. */
export interface AuthEventPayload {
  username?: string;
  error?: { name: string; message: string; code?: string };
  /** `signedIn` after a hosted-UI sign-in that was given one. */
  customState?: string;
  /** `storageError`: the storage call that failed (the value is kept in memory for this page). */
  operation?: 'setItem' | 'removeItem';
  /** `storageError`: the storage key (never its value). */
  key?: string;
}
/** `storageError` (UserPool and IdentityPool): the storage refused a write (quota exceeded, Safari's private
 *  mode, a custom storage that throws); the value is kept in memory for this page, nothing stored is lost. */
export interface StorageErrorPayload {
  error: { name: 'StorageError'; code: 'StorageError'; message: string };
  operation: 'setItem' | 'removeItem';
  key: string;
}
/** A device Cognito tracks for the signed-in user (`fetchDevices`). */
export interface AuthDevice {
  /** The device key. */
  id: string;
  /** The name given at ConfirmDevice (`device_name`). */
  name?: string;
  /** Cognito's device attributes: `device_name`, `dev:device_remembered_status` (`remembered` | `not_remembered`) ... */
  attributes: Record<string, string>;
  createDate?: Date;
  lastModifiedDate?: Date;
  lastAuthenticatedDate?: Date;
}
/** One of the signed-in user's passkeys (`listWebAuthnCredentials`). */
export interface WebAuthnCredential {
  /** base64url */
  credentialId: string;
  friendlyCredentialName?: string;
  relyingPartyId: string;
  authenticatorAttachment?: string;
  authenticatorTransports: string[];
  createdAt?: Date;
}
