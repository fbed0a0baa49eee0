// The cognito-fetch demo: sign up / sign in (Cognito user pool), AWS credentials (identity pool), files in S3
// under the user's own prefix, notes in DynamoDB. Plain script, no build step: window.CognitoFetch comes from
// /pkg/cognito-fetch.js and /local-aws.json says where local-aws runs.
// Never shown: passwords, tokens, keys, signatures. Errors are shown as `name: message`.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  let state = null;        // local-aws's state: endpoint, region, pool ids, bucket, table, outbox …
  let pool = null;         // CognitoFetch.UserPool
  let identity = null;     // CognitoFetch.IdentityPool (the credentials source of s3 and ddb)
  let s3 = null;           // CognitoFetch.S3
  let ddb = null;          // CognitoFetch.DynamoDB
  let identityId = null;   // the signed-in user's identity id, once known
  let pendingUsername = null; // who is confirming a sign-up
  let device = null;       // { client (mqtt.js), urls (CognitoFetch.iotMqttUrls) } while connected to AWS IoT

  // What each sign-in step asks for, in words.
  const STEPS = {
    CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED: 'Your password is temporary: choose a new one.',
    CONFIRM_SIGN_IN_WITH_SMS_CODE: 'Enter the code sent by SMS',
    CONFIRM_SIGN_IN_WITH_EMAIL_CODE: 'Enter the code sent by email',
    CONFIRM_SIGN_IN_WITH_TOTP_CODE: 'Enter the code from your authenticator app.',
    CONTINUE_SIGN_IN_WITH_MFA_SELECTION: 'Choose a second factor',
    CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION: 'Choose how to sign in',
    CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE: 'Answer the challenge',
    CONFIRM_SIGN_IN_WITH_PASSWORD: 'Enter your password.',
    CONTINUE_SIGN_IN_WITH_TOTP_SETUP: 'This account must set up an authenticator app first, which this demo does not do.',
  };
  const CODE_STEPS = ['CONFIRM_SIGN_IN_WITH_SMS_CODE', 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'];

  function setStatus(text) { $('status').textContent = text; }

  function describe(err) {
    return err && typeof err === 'object' && err.name ? err.name + ': ' + err.message : String(err);
  }

  function showError(err) {
    $('error').textContent = describe(err);
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error').textContent = '';
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
  }

  const where = (d) => (d && d.destination ? ' (' + d.destination + ')' : '');

  /** An event handler that runs `fn` with the buttons around its target disabled, and shows what it throws. */
  function action(fn) {
    return async (event) => {
      event.preventDefault();
      const origin = event.submitter || event.currentTarget;
      if (origin.tagName === 'FORM' && !origin.reportValidity()) return;
      const group = origin.closest('form, section');
      const buttons = [...group.querySelectorAll('button')].filter((b) => !b.disabled);
      buttons.forEach((b) => { b.disabled = true; });
      clearError();
      try {
        await fn();
      } catch (err) {
        showError(err);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    };
  }

  /** The code local-aws "sent" to `to` for one of `purposes` (its outbox stands in for email and SMS). */
  async function codeFromOutbox(to, purposes) {
    if (!state.outbox) throw Object.assign(new Error('local-aws has no outbox'), { name: 'NoOutbox' });
    const res = await fetch(state.outbox + '?to=' + encodeURIComponent(to));
    if (!res.ok) throw Object.assign(new Error('the outbox answered ' + res.status), { name: 'OutboxError' });
    const found = (await res.json()).filter((m) => purposes.includes(m.purpose)).pop();
    if (!found) throw Object.assign(new Error('no code for ' + to + ' in the local outbox yet'), { name: 'NoCode' });
    return found.code;
  }

  // ---- 1. Account ----------------------------------------------------------------------------------------

  function showForm(id) {
    for (const f of ['auth-form', 'confirm-form', 'challenge-form', 'signed-in']) $(f).hidden = f !== id;
  }

  function showSignedOut() {
    disconnectDevice();
    identityId = null;
    $('who').textContent = 'Not signed in.';
    $('aws').hidden = true;
    $('identity-id').textContent = '—';
    $('expires').textContent = '—';
    $('files').replaceChildren();
    $('notes').replaceChildren();
    showForm('auth-form');
  }

  async function showSignedIn() {
    const session = await pool.getSession({});
    if (!session) return showSignedOut();
    $('who').textContent = 'Signed in as ' + session.username + '.';
    $('password').value = '';
    showForm('signed-in');
    $('aws').hidden = false;
    // Credentials first (they give the identity id), then what this identity has stored.
    try {
      await loadCredentials(false);
      await Promise.all([listFiles(), listNotes()]);
    } catch (err) {
      showError(err);
    }
  }

  /** After signIn / confirmSignIn: signed in, or show what the next step asks for. */
  async function follow(out) {
    if (out.isSignedIn) {
      setStatus('Signed in.');
      return showSignedIn();
    }
    const step = out.nextStep.signInStep;
    const info = out.nextStep.additionalInfo || {};
    let text = STEPS[step] || 'Cognito asks: ' + step;
    if (CODE_STEPS.includes(step)) text += where(out.nextStep.codeDeliveryDetails) + '.';
    else if (step === 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION') text += ': ' + (info.MFAS_CAN_CHOOSE || '') + '.';
    else if (step === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION') text += ': ' + (out.nextStep.availableChallenges || []).join(', ') + '.';
    else if (!text.endsWith('.')) text += '.';
    $('challenge-what').textContent = text;
    const newPassword = step === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED' || step === 'CONFIRM_SIGN_IN_WITH_PASSWORD';
    $('answer').type = newPassword ? 'password' : 'text';
    $('answer').autocomplete = step === 'CONFIRM_SIGN_IN_WITH_PASSWORD' ? 'current-password' : newPassword ? 'new-password' : 'one-time-code';
    $('answer').value = '';
    $('outbox-answer').hidden = !CODE_STEPS.includes(step);
    showForm('challenge-form');
    setStatus('One more step to sign in.');
    $('answer').focus();
  }

  function askForCode(email, text) {
    pendingUsername = email;
    $('confirm-what').textContent = text;
    $('code').value = '';
    showForm('confirm-form');
    $('code').focus();
  }

  $('auth-form').addEventListener('submit', action(async () => {
    const email = $('email').value.trim();
    setStatus('Signing in…');
    let out;
    try {
      out = await pool.signIn({ username: email, password: $('password').value });
    } catch (err) {
      if (err.name !== 'UserNotConfirmedException') throw err;
      askForCode(email, 'Confirm your email first with the code we sent to ' + email + ' (or send a new one).');
      setStatus('Your email is not confirmed yet.');
      return;
    }
    $('password').value = '';
    await follow(out);
  }));

  $('sign-up').addEventListener('click', action(async () => {
    if (!$('auth-form').reportValidity()) return;
    const email = $('email').value.trim();
    setStatus('Signing up…');
    // autoSignIn: once the code is confirmed, the library signs in with the password it keeps in memory.
    const out = await pool.signUp({
      username: email, password: $('password').value, options: { userAttributes: { email }, autoSignIn: true },
    });
    $('password').value = '';
    if (out.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
      askForCode(email, 'We sent a confirmation code' + where(out.nextStep.codeDeliveryDetails) + ' to ' + email + '.');
      setStatus('Signed up: confirm your email.');
    } else if (out.nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
      await follow(await pool.autoSignIn());
    } else {
      setStatus('Signed up: you can sign in now.');
    }
  }));

  $('outbox-code').addEventListener('click', action(async () => {
    $('code').value = await codeFromOutbox(pendingUsername, ['SIGN_UP']);
    setStatus('Code filled in from the local outbox.');
  }));

  $('resend').addEventListener('click', action(async () => {
    const d = await pool.resendSignUpCode({ username: pendingUsername });
    setStatus('A new code was sent' + where(d) + '.');
  }));

  $('confirm-form').addEventListener('submit', action(async () => {
    const out = await pool.confirmSignUp({ username: pendingUsername, confirmationCode: $('code').value.trim() });
    $('email').value = pendingUsername;
    $('code').value = '';
    if (out.nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
      setStatus('Email confirmed: signing in…');
      return follow(await pool.autoSignIn());
    }
    showForm('auth-form');
    setStatus('Email confirmed: sign in with your password.');
    $('password').focus();
  }));

  $('outbox-answer').addEventListener('click', action(async () => {
    $('answer').value = await codeFromOutbox($('email').value.trim(), ['MFA', 'OTP']);
    setStatus('Code filled in from the local outbox.');
  }));

  $('challenge-form').addEventListener('submit', action(async () => {
    const out = await pool.confirmSignIn({ challengeResponse: $('answer').value.trim() });
    $('answer').value = '';
    await follow(out);
  }));

  $('sign-out').addEventListener('click', action(async () => {
    setStatus('Signing out…');
    // A hosted-UI session also ends the hosted UI's own session (its /logout comes back to this page).
    const session = await pool.getSession({}).catch(() => null);
    try {
      await pool.signOut({ redirect: !!session && session.signInMethod !== 'signIn' });
    } finally {
      await identity.clear({});
      showSignedOut();
    }
    setStatus('Signed out.');
  }));

  // ---- 2. Identity-pool credentials ----------------------------------------------------------------------

  const prefix = () => 'private/' + identityId + '/';

  async function loadCredentials(forceRefresh) {
    const c = await identity.getCredentials({ forceRefresh });
    identityId = c.identityId;
    $('identity-id').textContent = c.identityId;
    $('expires').textContent = c.expiration.toLocaleString();
    $('prefix').textContent = prefix();
  }

  async function ensureIdentity() {
    if (!identityId) await loadCredentials(false);
  }

  $('credentials').addEventListener('click', action(async () => {
    await loadCredentials(true);
    setStatus('New credentials from the identity pool.');
  }));

  // ---- 3. Files in S3 ------------------------------------------------------------------------------------

  function showProgress(loaded, total) {
    $('progress').max = total || 1;
    $('progress').value = total ? loaded : 1;
    $('percent').textContent = (total ? Math.floor((loaded / total) * 100) : 100) + '%';
  }

  async function listFiles() {
    await ensureIdentity();
    const out = await s3.listObjectsV2({ prefix: prefix(), all: true });
    const items = await Promise.all(out.contents.map(async (o) => {
      const link = document.createElement('a');
      link.href = await s3.presignGet(o.key, { expiresIn: 900 });
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = o.key.slice(prefix().length);
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = ' — ' + formatSize(o.size) + ', ' + new Date(o.lastModified).toLocaleString();
      const item = document.createElement('li');
      item.append(link, meta);
      return item;
    }));
    if (!items.length) items.push(Object.assign(document.createElement('li'), { textContent: 'No files yet.' }));
    $('files').replaceChildren(...items);
  }

  $('upload-form').addEventListener('submit', action(async () => {
    await ensureIdentity();
    const file = $('file').files[0];
    const options = { onProgress: (p) => showProgress(p.loaded, p.total) };
    if (file.type) options.contentType = file.type;
    showProgress(0, file.size);
    setStatus('Uploading ' + file.name + '…');
    await s3.upload(prefix() + file.name, file, options);
    showProgress(file.size, file.size);
    setStatus('Uploaded ' + file.name + ' (' + formatSize(file.size) + ').');
    await listFiles();
  }));

  $('refresh-files').addEventListener('click', action(listFiles));

  // ---- Hosted UI / federated sign-in -----------------------------------------------------------------------

  $('sign-in-idp').addEventListener('click', action(async () => {
    setStatus('Going to the local IdP…');
    await pool.signInWithRedirect({ provider: { custom: state.hostedUi.providers.oidc }, customState: 'local IdP' });
  }));

  $('sign-in-hosted').addEventListener('click', action(async () => {
    setStatus('Going to the hosted sign-in page…');
    await pool.signInWithRedirect({ provider: 'COGNITO', customState: 'hosted sign-in' });
  }));

  // ---- 4. Notes in DynamoDB ------------------------------------------------------------------------------

  async function listNotes() {
    await ensureIdentity();
    const out = await ddb.query({
      TableName: state.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': identityId },
      ScanIndexForward: false, // newest first (sk is note#<milliseconds>)
    });
    const items = out.Items.map((note) => {
      const item = document.createElement('li');
      const when = Number(String(note.sk).replace(/^note#/, ''));
      const meta = Object.assign(document.createElement('span'), { className: 'meta' });
      meta.textContent = Number.isFinite(when) ? ' — ' + new Date(when).toLocaleString() : '';
      item.append(String(note.text ?? ''), meta);
      return item;
    });
    if (!items.length) items.push(Object.assign(document.createElement('li'), { textContent: 'No notes yet.' }));
    $('notes').replaceChildren(...items);
  }

  $('note-form').addEventListener('submit', action(async () => {
    await ensureIdentity();
    const text = $('note').value.trim();
    await ddb.putItem({ TableName: state.table, Item: { pk: identityId, sk: 'note#' + Date.now(), text } });
    $('note').value = '';
    setStatus('Note saved.');
    await listNotes();
  }));

  $('refresh-notes').addEventListener('click', action(listNotes));

  // ---- 5. Devices (AWS IoT) -----------------------------------------------------------------------------

  const thing = () => (state.iotThings || [])[0];

  function showDevice(status) {
    $('iot-status').textContent = status;
    const connected = !!device;
    $('iot-connect').disabled = connected;
    for (const id of ['iot-command', 'iot-refresh', 'iot-disconnect']) $(id).disabled = !connected;
  }

  function disconnectDevice() {
    if (!device) return;
    device.client.end(true);
    device.urls.stop();
    device = null;
    showDevice('not connected');
  }

  /** AttachPolicy for this identity: in a real app the backend does this once per user (here: the dev key). */
  async function attachIotPolicy() {
    const admin = new CognitoFetch.AwsClient({ credentials: state.credentials, region: state.region, service: 'iot' });
    const res = await admin.fetch(state.endpoint + '/target-policies/' + encodeURIComponent(state.iotPolicyName), {
      method: 'PUT', body: JSON.stringify({ target: identityId }),
    });
    if (!res.ok) throw Object.assign(new Error('AttachPolicy answered ' + res.status), { name: 'AttachPolicyFailed' });
  }

  $('iot-connect').addEventListener('click', action(async () => {
    if (!state.iotEndpoint || !thing()) throw Object.assign(new Error('local-aws has no IoT endpoint'), { name: 'NoIot' });
    await ensureIdentity();
    await attachIotPolicy();
    // Each (re)connection gets a URL signed with the credentials current then (transformWsUrl).
    const urls = await CognitoFetch.iotMqttUrls({ endpoint: state.iotEndpoint, region: state.region, credentials: identity });
    const client = mqtt.connect(urls.url, { clientId: identityId, protocolVersion: 4, transformWsUrl: urls.transformWsUrl, reconnectPeriod: 1000 });
    device = { client, urls, connections: 0 };
    showDevice('connecting…');
    client.on('connect', () => {
      device.connections += 1;
      showDevice(device.connections > 1 ? 'connected again (connection ' + device.connections + ')' : 'connected');
      client.subscribe([thing().telemetryTopic, thing().acksTopic], { qos: 1 });
    });
    client.on('reconnect', () => showDevice('reconnecting…'));
    client.on('close', () => { if (device) showDevice('connection closed; reconnecting…'); });
    client.on('message', (topic, payload) => {
      let body;
      try { body = JSON.parse(new TextDecoder().decode(payload)); } catch { return; }
      if (topic === thing().telemetryTopic) {
        $('iot-telemetry').textContent = body.temperature + ' °C (reading ' + body.seq + ', ' + new Date(body.at).toLocaleTimeString() + ')';
      } else if (topic === thing().acksTopic && body.command && typeof body.command === 'object') {
        $('iot-ack').textContent = body.command.command + ': ' + body.status + ' at ' + new Date(body.at).toLocaleTimeString();
      }
    });
  }));

  $('iot-command').addEventListener('click', action(async () => {
    device.client.publish(thing().commandsTopic, JSON.stringify({ command: 'blink', sentAt: new Date().toISOString() }), { qos: 1 });
    $('iot-ack').textContent = 'blink: sent, waiting for the device…';
  }));

  $('iot-refresh').addEventListener('click', action(async () => {
    // New credentials from the identity pool, then a new connection: its URL is signed with them.
    await loadCredentials(true);
    await device.urls.refresh();
    device.client.reconnect();
    setStatus('New credentials; the device connection was opened again with a URL signed with them.');
  }));

  $('iot-disconnect').addEventListener('click', action(async () => disconnectDevice()));

  // ---- Start ---------------------------------------------------------------------------------------------

  async function start() {
    if (typeof CognitoFetch === 'undefined') {
      throw new Error('/pkg/cognito-fetch.js did not load: run `npm run build` (or `npm start`).');
    }
    const res = await fetch('/local-aws.json');
    if (!res.ok) throw new Error('/local-aws.json: ' + res.status + ' (is local-aws running? use `npm start`)');
    state = await res.json();
    await CognitoFetch.ready;
    const endpoint = state.endpoint + '/';
    // The hosted UI (local-aws's <prefix>.auth.localhost domain, and through it the local OIDC IdP): Cognito takes
    // http callback URLs on localhost only, so it is offered when this page is opened on http://localhost:<port>.
    const hosted = state.hostedUi;
    const here = location.origin + location.pathname;
    const oauthOk = !!hosted && (location.protocol === 'https:' || location.hostname === 'localhost');
    const oauth = oauthOk ? { domain: hosted.domain, redirectSignIn: here, redirectSignOut: here, scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] } : undefined;
    const clientId = oauthOk && hosted.clientId ? hosted.clientId : state.clientId;
    pool = new CognitoFetch.UserPool({ region: state.region, userPoolId: state.userPoolId, clientId, endpoint, oauth });
    $('hosted').hidden = !oauthOk;
    if (hosted && !oauthOk) {
      $('hosted-hint').textContent = 'Hosted and IdP sign-in: open this page on http://localhost:' + location.port + location.pathname;
      $('hosted-hint').hidden = false;
    }
    // Back from the hosted UI: the library finishes the sign-in (the code and state leave the address bar).
    const back = await pool.handleRedirect().catch((err) => { showError(err); });
    if (back) setStatus('Signed in through the hosted UI' + (back.customState ? ' (' + back.customState + ')' : '') + '.');
    identity = new CognitoFetch.IdentityPool({
      region: state.region, identityPoolId: state.identityPoolId, endpoint, userPool: pool, allowGuest: false,
    });
    s3 = new CognitoFetch.S3({ region: state.region, bucket: state.bucket, credentials: identity, endpoint: state.endpoint });
    ddb = new CognitoFetch.DynamoDB({ region: state.region, credentials: identity, endpoint });
    pool.on('signedOut', showSignedOut);
    // Storage full or refused (Safari's private mode): still signed in on this page, but not after a reload.
    const storageRefused = () => setStatus('This browser refused to store the session: you stay signed in on this page only.');
    pool.on('storageError', storageRefused);
    identity.on('storageError', storageRefused);

    if (back) {
      await showSignedIn();
    } else if (await pool.getSession({})) {
      setStatus('Welcome back: your session was restored.');
      await showSignedIn();
    } else {
      showSignedOut();
      setStatus('Ready: sign up, or sign in.');
    }
  }

  start().catch((err) => {
    setStatus('Not ready.');
    showError(err);
  });
})();
