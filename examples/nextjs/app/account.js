'use client';
// Sign up, confirm, sign in (SRP, in the browser, with cognito-fetch's UserPool), then the user's files through
// the server route app/api/files: the browser sends its access token; the server checks it with Cognito and
// signs S3 requests with its own credentials, which never reach the browser.
import { useCallback, useEffect, useState } from 'react';
import { userPool } from './user-pool';

const describe = (e) => (e && e.name ? `${e.name}: ${e.message}` : String(e));

export default function Account() {
  const [session, setSession] = useState(undefined); // undefined: reading the stored session

  useEffect(() => {
    const pool = userPool();
    let live = true;
    const refresh = () => pool.getSession().then((s) => { if (live) setSession(s); }, () => { if (live) setSession(null); });
    const signedOut = () => { if (live) setSession(null); };
    refresh();
    pool.on('signedIn', refresh);
    pool.on('tokenRefresh', refresh);
    pool.on('signedOut', signedOut);
    return () => {
      live = false;
      pool.off('signedIn', refresh);
      pool.off('tokenRefresh', refresh);
      pool.off('signedOut', signedOut);
    };
  }, []);

  if (session === undefined) return <p>Loading…</p>;
  if (!session) return <SignIn />;
  return (
    <section>
      <p>Signed in as <strong id="username">{session.username}</strong>. <button type="button" onClick={() => userPool().signOut()}>Sign out</button></p>
      <Files />
    </section>
  );
}

function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');

  const run = (fn) => async (event) => {
    event.preventDefault();
    setError('');
    try {
      await fn();
    } catch (e) {
      setError(describe(e));
    }
  };
  const onSignIn = run(async () => {
    const out = await userPool().signIn({ username: email, password });
    setPassword('');
    if (!out.isSignedIn) setError(`This example does not handle ${out.nextStep.signInStep}.`);
  });
  const onSignUp = run(async () => {
    const out = await userPool().signUp({ username: email, password, options: { userAttributes: { email } } });
    setConfirming(out.nextStep.signUpStep === 'CONFIRM_SIGN_UP');
    setMessage(out.nextStep.signUpStep === 'CONFIRM_SIGN_UP' ? `We sent a confirmation code to ${email}.` : 'Signed up: sign in now.');
  });
  const onConfirm = run(async () => {
    await userPool().confirmSignUp({ username: email, confirmationCode: code.trim() });
    setConfirming(false);
    setCode('');
    setMessage('Email confirmed: sign in with your password.');
  });

  return (
    <section>
      {confirming ? (
        <form onSubmit={onConfirm}>
          <label>Confirmation code <input name="code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" required /></label>
          <button type="submit">Confirm</button>
        </form>
      ) : (
        <form onSubmit={onSignIn}>
          <label>Email <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required /></label>
          <label>Password <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required /></label>
          <button type="submit">Sign in</button>
          <button type="button" onClick={onSignUp}>Sign up</button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

/** fetch() to our server route with the current access token (refreshed by getSession when about to expire). */
async function api(path, init = {}) {
  const session = await userPool().getSession();
  if (!session) throw Object.assign(new Error('signed out'), { name: 'NotSignedIn' });
  const res = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${session.tokens.accessToken}` } });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.message), { name: body.error });
  return body;
}

function Files() {
  const [files, setFiles] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const refresh = useCallback(() => api('/api/files').then((b) => setFiles(b.files)), []);
  useEffect(() => { refresh().catch((e) => setError(describe(e))); }, [refresh]);

  const onFile = async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    setError('');
    setBusy(true);
    try {
      const type = file.type || 'application/octet-stream';
      // The server presigns a PUT for this user's folder; the browser sends the file straight to S3.
      const { url } = await api('/api/files', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: file.name, type }) });
      const put = await fetch(url, { method: 'PUT', headers: { 'content-type': type }, body: file });
      if (!put.ok) throw Object.assign(new Error(`S3 answered ${put.status}`), { name: 'UploadFailed' });
      await refresh();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>Your files</h2>
      <label>Upload a file <input type="file" name="file" onChange={onFile} disabled={busy} /></label>
      {error && <p role="alert">{error}</p>}
      {files === null ? <p>Loading…</p> : files.length === 0 ? <p>No files yet.</p> : (
        <ul id="files">
          {files.map((f) => <li key={f.name}><a href={f.url}>{f.name}</a> ({f.size} B)</li>)}
        </ul>
      )}
    </section>
  );
}
