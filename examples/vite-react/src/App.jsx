import { useCallback, useEffect, useState } from 'react';
import { useAuth } from './auth.jsx';
import { missing } from './config.js';

/** `name: message` of an error (cognito-fetch errors carry Cognito's or S3's code as their name). */
const describe = (e) => (e && e.name ? `${e.name}: ${e.message}` : String(e));

export default function App() {
  const auth = useAuth();
  if (!auth) return <p role="alert">Missing settings: {missing.join(', ')} (VITE_* variables, see README.md).</p>;
  if (auth.session === undefined) return <p>Loading…</p>;
  return (
    <main>
      <h1>cognito-fetch · Vite + React</h1>
      {auth.session ? <SignedIn /> : <SignedOut />}
    </main>
  );
}

function SignedOut() {
  const { signUp, confirmSignUp, signIn } = useAuth();
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
    const out = await signIn(email, password);
    setPassword('');
    // The session state changes with the signedIn event. Other steps (MFA, new password) are in the demo, www/.
    if (!out.isSignedIn) setError(`This example does not handle ${out.nextStep.signInStep}.`);
  });
  const onSignUp = run(async () => {
    const out = await signUp(email, password);
    if (out.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
      setConfirming(true);
      setMessage(`We sent a confirmation code to ${email}.`);
    } else {
      setMessage('Signed up: sign in now.');
    }
  });
  const onConfirm = run(async () => {
    await confirmSignUp(email, code.trim());
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

function SignedIn() {
  const { session, signOut } = useAuth();
  return (
    <section>
      <p>Signed in as <strong id="username">{session.username}</strong>. <button type="button" onClick={signOut}>Sign out</button></p>
      <Files />
    </section>
  );
}

/** The user's files: private/<identity id>/ in the bucket, which the identity pool's role lets them use. */
function useFiles() {
  const { s3, identityPool } = useAuth();
  const [files, setFiles] = useState(null);
  const [prefix, setPrefix] = useState(null);

  const refresh = useCallback(async () => {
    const { identityId } = await identityPool.getCredentials();
    const mine = `private/${identityId}/`;
    const { contents } = await s3.listObjectsV2({ prefix: mine, all: true });
    setPrefix(mine);
    setFiles(await Promise.all(contents.map(async (o) => ({
      key: o.key, name: o.key.slice(mine.length), size: o.size, href: await s3.presignGet(o.key, { expiresIn: 900 }),
    }))));
    return mine;
  }, [s3, identityPool]);

  const upload = useCallback(async (file, onProgress) => {
    const mine = prefix ?? await refresh();
    await s3.upload(mine + file.name, file, { contentType: file.type || 'application/octet-stream', onProgress });
    await refresh();
  }, [s3, prefix, refresh]);

  return { files, refresh, upload };
}

function Files() {
  const { files, refresh, upload } = useFiles();
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => { refresh().catch((e) => setError(describe(e))); }, [refresh]);

  const onFile = async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    setError('');
    try {
      await upload(file, ({ loaded, total }) => setProgress(total ? Math.floor((loaded / total) * 100) : 100));
    } catch (e) {
      setError(describe(e));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section>
      <h2>Your files</h2>
      <label>Upload a file <input type="file" name="file" onChange={onFile} disabled={progress !== null} /></label>
      {progress !== null && <progress max="100" value={progress} />}
      {error && <p role="alert">{error}</p>}
      {files === null ? <p>Loading…</p> : files.length === 0 ? <p>No files yet.</p> : (
        <ul id="files">
          {files.map((f) => <li key={f.key}><a href={f.href}>{f.name}</a> ({f.size} B)</li>)}
        </ul>
      )}
    </section>
  );
}
