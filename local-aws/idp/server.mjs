// The upstream OpenID provider that local-aws's user pools federate to (identity_provider=Google
// and the OIDC provider "LocalOIDC"): the certified `oidc-provider` package, with our own
// interaction pages (sign-in with a seeded account, then consent: approve or deny) built on its
// interaction API. local-aws/server.py starts it (local_aws/idp.py) and stops it.
//
// Input: one JSON object on stdin, then stdin stays open; when it closes (local-aws is gone)
// this process exits. {"clients": [{"client_id", "client_secret", "redirect_uris"}],
//  "users": [{"login", "password", "sub", "claims": {...}}]}
// Output: exactly one line `idp ready on http://localhost:PORT` (the issuer) on stdout.
// Listens on 127.0.0.1 only, on a free port.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const LOOPBACK = '127.0.0.1';

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    const onData = (chunk) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) {
        process.stdin.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    process.stdin.on('data', onData);
    process.stdin.once('error', reject);
  });
}

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, status, title, body) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(html),
  });
  res.end(html);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 65536) {
        reject(new Error('form too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const config = JSON.parse(await readStdin());
const users = config.users ?? [];

const server = createServer();
await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
const issuer = `http://localhost:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const user = users.find((candidate) => candidate.sub === sub);
    if (!user) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...user.claims }) };
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: 3600,
    Interaction: 600,
    Session: 3600,
  },
});

function loginForm(res, uid, params, message, status = 200) {
  page(res, status, 'Sign in to the local OpenID provider',
    (message ? `<p role="alert" id="error">${escapeHtml(message)}</p>` : '') +
    `<p>Client: ${escapeHtml(params.client_id)}</p>` +
    `<form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
    '<label>Login <input name="login" id="login" autocomplete="username" required></label> ' +
    '<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label> ' +
    '<button type="submit" id="signin">Sign in</button></form>');
}

function consentForm(res, uid, params, details) {
  const scopes = details.missingOIDCScope ?? [];
  page(res, 200, 'Allow access?',
    `<p>${escapeHtml(params.client_id)} asks for: <span id="scopes">${escapeHtml(scopes.join(' '))}</span></p>` +
    `<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit" id="approve">Approve</button></form>` +
    `<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit" id="deny">Deny</button></form>`);
}

async function interaction(req, res, pathname) {
  const [, , uid, action] = pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    page(res, 400, 'Unknown interaction', '<p>This sign-in page has expired.</p>');
    return;
  }
  const { prompt, params } = details;
  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') loginForm(res, uid, params);
    else consentForm(res, uid, params, prompt.details);
    return;
  }
  if (req.method !== 'POST') {
    page(res, 405, 'Method not allowed', '');
    return;
  }
  const form = await readForm(req);
  if (action === 'login' && prompt.name === 'login') {
    const user = users.find((candidate) => candidate.login === form.get('login'));
    if (!user || user.password !== form.get('password')) {
      loginForm(res, uid, params, 'Incorrect login or password.', 401);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === 'abort') {
    // The IdP answers the relying party (Cognito's /oauth2/idpresponse) with error=access_denied.
    await provider.interactionFinished(
      req, res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  page(res, 400, 'Unexpected step', '<p>This form does not belong to the current step.</p>');
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const { pathname } = new URL(req.url, issuer);
  if (pathname.startsWith('/interaction/')) {
    interaction(req, res, pathname).catch((error) => {
      if (!res.headersSent) page(res, 400, 'Sign-in failed', `<p>${escapeHtml(error.name ?? 'Error')}</p>`);
      else res.end();
    });
    return;
  }
  callback(req, res);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.stdin.resume();
console.log(`idp ready on ${issuer}`);
