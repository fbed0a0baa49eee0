// Passkeys for UserPool: the browser's WebAuthn ceremonies (`navigator.credentials.create` / `.get`) with the
// options Cognito gives, their base64url members turned into bytes and back, and failures as coded errors. The
// requests, the credentials' JSON forms and what a failure means are the wasm's (`pkCall`, `pkAssertion`,
// `pkError`: src/js/passkey.rs over src/user_pool/passkey.rs); this file does the browser I/O.
import { fail, isObject, nonEmpty, step, stepError, stepFields, base64UrlBytes } from './io.js';

/** base64url text as bytes (InvalidResponse when it is not base64url). */
function bytes(text, what) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) throw fail('InvalidResponse', `Cognito's passkey options have no valid ${what}`);
  return base64UrlBytes(text);
}
/** Bytes (an ArrayBuffer or a view) as base64url text; '' for none. */
function b64url(buffer) {
  if (!buffer) return '';
  const u = new Uint8Array(ArrayBuffer.isView(buffer) ? buffer.buffer : buffer, buffer.byteOffset ?? 0, buffer.byteLength);
  let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const descriptors = (list, what) => (Array.isArray(list) ? list : []).map((c) => ({ ...c, id: bytes(c?.id, what) }));

/** Runs one ceremony (`create` or `get`) with `publicKey`; its DOMException becomes a coded error. */
async function ceremony(kind, publicKey) {
  const credentials = globalThis.navigator?.credentials;
  if (typeof globalThis.PublicKeyCredential !== 'function' || typeof credentials?.[kind] !== 'function') {
    throw fail('PasskeyNotSupported', 'this browser has no WebAuthn (or the page is not a secure context)');
  }
  let credential;
  try {
    credential = await credentials[kind]({ publicKey });
  } catch (e) {
    throw Object.assign(stepError('pkError', [String(e?.name ?? '')]), { cause: e });
  }
  if (!credential) throw stepError('pkError', ['NotAllowedError']);
  return credential;
}

/** StartWebAuthnRegistration, the browser's `create` with Cognito's options, CompleteWebAuthnRegistration. */
export async function associate(send, accessToken) {
  const [t1, b1] = stepFields('pkCall', ['StartWebAuthnRegistration', accessToken]);
  const o = (await send(t1, b1)).CredentialCreationOptions;
  if (!isObject(o) || !isObject(o.user) || !isObject(o.rp)) throw fail('InvalidResponse', 'StartWebAuthnRegistration answered without CredentialCreationOptions');
  const publicKey = { ...o, challenge: bytes(o.challenge, 'challenge'), user: { ...o.user, id: bytes(o.user.id, 'user id') }, excludeCredentials: descriptors(o.excludeCredentials, 'excluded credential') };
  const c = await ceremony('create', publicKey);
  const r = c.response;
  const transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
  const [t2, b2] = stepFields('pkCall', ['CompleteWebAuthnRegistration', accessToken, c.id, b64url(c.rawId), c.authenticatorAttachment ?? '', b64url(r.clientDataJSON), b64url(r.attestationObject), transports.length, transports]);
  await send(t2, b2);
}

/** One page of the user's passkeys: `{ credentials, nextToken? }`. */
export async function list(send, accessToken, pageSize, nextToken) {
  const [t, b] = stepFields('pkCall', ['ListWebAuthnCredentials', accessToken, nextToken ?? '', pageSize ?? '']);
  const answer = await send(t, b);
  const credentials = [];
  for (const c of Array.isArray(answer.Credentials) ? answer.Credentials : []) {
    if (!nonEmpty(c, 'CredentialId')) continue;
    const out = { credentialId: c.CredentialId, friendlyCredentialName: c.FriendlyCredentialName, relyingPartyId: c.RelyingPartyId, authenticatorTransports: Array.isArray(c.AuthenticatorTransports) ? c.AuthenticatorTransports : [] };
    if (typeof c.AuthenticatorAttachment === 'string') out.authenticatorAttachment = c.AuthenticatorAttachment;
    if (typeof c.CreatedAt === 'number') out.createdAt = new Date(c.CreatedAt * 1000);
    credentials.push(out);
  }
  const out = { credentials };
  if (nonEmpty(answer, 'NextToken')) out.nextToken = answer.NextToken;
  return out;
}

export async function remove(send, accessToken, credentialId) {
  const [t, b] = stepFields('pkCall', ['DeleteWebAuthnCredential', accessToken, credentialId]);
  await send(t, b);
}

/** Answers the WEB_AUTHN challenge: the browser's `get` with CREDENTIAL_REQUEST_OPTIONS, then the CREDENTIAL
 *  response; resolves to Cognito's answer. */
export async function answerChallenge(call, readReply, reply, username) {
  let o;
  try {
    o = JSON.parse(reply.params.CREDENTIAL_REQUEST_OPTIONS ?? '');
  } catch {}
  if (!isObject(o)) throw fail('InvalidResponse', 'the WEB_AUTHN challenge has no CREDENTIAL_REQUEST_OPTIONS');
  const c = await ceremony('get', { ...o, challenge: bytes(o.challenge, 'challenge'), allowCredentials: descriptors(o.allowCredentials, 'allowed credential') });
  const r = c.response;
  const credential = step('pkAssertion', [c.id, b64url(c.rawId), c.authenticatorAttachment ?? '', b64url(r.clientDataJSON), b64url(r.authenticatorData), b64url(r.signature), b64url(r.userHandle)]);
  return readReply(await call('RespondToAuthChallenge', ['WEB_AUTHN', reply.params.USERNAME ?? username, reply.session ?? '', 'CREDENTIAL', credential]));
}
