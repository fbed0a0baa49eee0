// Types of the JS layer's UserPool (user-pool.js); its option and result types are in types.d.ts.
import type {
  AuthDevice, AuthEvent, WebAuthnCredential, AuthEventPayload, AuthSession, CodeDeliveryDetails, ConfirmSignInInput, MfaPreference, MfaType, RedirectSignInOutput,
  SignInInput, SignInOutput, SignInWithRedirectInput, SignUpInput, SignUpOutput, TotpSetupDetails, UserPoolOptions,
} from './types.js';

export class UserPool {
  /**
   * Signs in the user whose sign-up (with `autoSignIn`) was just confirmed.
   */
  autoSignIn(): Promise<SignInOutput>;
  confirmResetPassword(input: { username: string; confirmationCode: string; newPassword: string }): Promise<void>;
  /**
   * Answers the pending challenge. A wrong code can be retried while Cognito's session lasts.
   */
  confirmSignIn(input: ConfirmSignInInput): Promise<SignInOutput>;
  confirmSignUp(input: { username: string; confirmationCode: string }): Promise<SignUpOutput>;
  confirmUserAttribute(input: { userAttributeKey: string; confirmationCode: string }): Promise<void>;
  /**
   * Deletes the signed-in user's account, then signs out.
   */
  deleteUser(): Promise<void>;
  fetchMFAPreference(): Promise<{ enabled?: MfaType[]; preferred?: MfaType }>;
  /**
   * The signed-in user's attributes (from Cognito; they are never stored).
   */
  fetchUserAttributes(): Promise<Record<string, string>>;
  /**
   * The current session, refreshed when it is about to expire (or with `forceRefresh`); `null` when
   * signed out. Concurrent calls share one refresh.
   */
  getSession(options?: { forceRefresh?: boolean }): Promise<AuthSession | null>;
  /**
   * The hosted-UI sign-in this page came back with (the constructor starts it when the URL has `code` / `state` /
   * `error`): signed in, `undefined` when the page is not a redirect this tab is waiting for, or a coded error
   * (`StateMismatch`, `OAuthError`, `NonceMismatch`, `InvalidIdToken`, `OAuthRequestExpired` ...).
   */
  handleRedirect(): Promise<RedirectSignInOutput | undefined>;
  constructor(options: UserPoolOptions);
  off(event: AuthEvent, listener: (payload: AuthEventPayload) => void): void;
  /**
   * Listens to `signedIn` (after a hosted-UI sign-in with its `customState`), `signedOut`, `tokenRefresh`,
   * `tokenRefreshFailure`, `signInWithRedirectFailure` or `storageError` (the storage refused a write: the
   * session is kept in memory for this page; the payload holds no value).
   */
  on(event: AuthEvent, listener: (payload: AuthEventPayload) => void): void;
  resendSignUpCode(input: { username: string }): Promise<CodeDeliveryDetails>;
  /**
   * Sends a password-reset code.
   */
  resetPassword(input: { username: string }): Promise<{ nextStep: { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE'; codeDeliveryDetails?: CodeDeliveryDetails } }>;
  sendUserAttributeVerificationCode(input: { userAttributeKey: string }): Promise<CodeDeliveryDetails>;
  /**
   * Starts TOTP set-up for the signed-in user; finish with `verifyTOTPSetup`.
   */
  setUpTOTP(): Promise<TotpSetupDetails>;
  /**
   * Starts a sign-in (USER_SRP_AUTH by default): either signed in, or a challenge to answer with
   * `confirmSignIn`.
   */
  signIn(input: SignInInput): Promise<SignInOutput>;
  /**
   * Signs out here (and revokes the refresh token), or everywhere with `global: true` (GlobalSignOut). With
   * `redirect: true` the page then goes to the hosted UI's `/logout`, which ends its session too and comes back to
   * `oauth.redirectSignOut`.
   */
  signOut(options?: { global?: boolean; redirect?: boolean }): Promise<void>;
  /**
   * Sends the user to the hosted UI (or straight to `provider`); the page comes back signed in (`handleRedirect`).
   */
  signInWithRedirect(input?: SignInWithRedirectInput): Promise<void>;
  /**
   * The same sign-in in a popup window (call it from a click): signed in, or a coded error (`PopupBlocked`,
   * `PopupClosed`, `OAuthError` ...).
   */
  signInWithPopup(input?: SignInWithRedirectInput): Promise<RedirectSignInOutput>;
  /**
   * Registers a user; a confirmation code is usually sent (see `nextStep`).
   */
  signUp(input: SignUpInput): Promise<SignUpOutput>;
  updateMFAPreference(input: { totp?: MfaPreference; sms?: MfaPreference; email?: MfaPreference }): Promise<void>;
  updatePassword(input: { oldPassword: string; newPassword: string }): Promise<void>;
  /**
   * Changes attributes; changing a verified email or phone sends a code (see `codeDeliveryDetails`).
   */
  updateUserAttributes(input: { userAttributes: Record<string, string> }): Promise<{ codeDeliveryDetails: CodeDeliveryDetails[] }>;
  verifyTOTPSetup(input: { code: string; friendlyDeviceName?: string }): Promise<void>;
  /**
   * Remembers this device (UpdateDeviceStatus): later sign-ins here skip MFA where the pool allows it.
   */
  rememberDevice(): Promise<void>;
  /**
   * Forgets a device (ForgetDevice): `deviceKey`, or this device (whose record is then removed).
   */
  forgetDevice(input?: { deviceKey?: string }): Promise<void>;
  /**
   * The signed-in user's tracked devices (ListDevices, every page).
   */
  fetchDevices(): Promise<AuthDevice[]>;
  /**
   * Registers a passkey for the signed-in user: StartWebAuthnRegistration, the browser's ceremony,
   * CompleteWebAuthnRegistration. Errors: PasskeyNotSupported, PasskeyCancelled, PasskeyAlreadyExists,
   * PasskeyRelyingPartyMismatch, and Cognito's (WebAuthnOriginNotAllowedException ...).
   */
  associateWebAuthnCredential(): Promise<void>;
  /**
   * One page of the signed-in user's passkeys (`pageSize` 1 to 20; pass `nextToken` on).
   */
  listWebAuthnCredentials(input?: { pageSize?: number; nextToken?: string }): Promise<{ credentials: WebAuthnCredential[]; nextToken?: string }>;
  /**
   * Deletes one of the signed-in user's passkeys.
   */
  deleteWebAuthnCredential(input: { credentialId: string }): Promise<void>;
}
