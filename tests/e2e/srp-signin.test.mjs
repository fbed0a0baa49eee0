// Cognito USER_SRP_AUTH from a page: the package's SrpSession against local-aws, whose server side of SRP is
// an independent implementation (Python). A right password gets tokens; a wrong one is refused exactly as
// Cognito refuses it. The page calls Cognito's JSON API itself here; the user-pool client builds on this.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2e, TEST_TIMEOUT } from './harness.mjs';

const env = e2e();

/** In the page: InitiateAuth(USER_SRP_AUTH) then RespondToAuthChallenge(PASSWORD_VERIFIER). */
async function srpSignIn(lib, { state, username, password }) {
  const { SrpSession } = await import('/pkg/index.js');
  const call = async (op, body) => {
    const res = await fetch(`${state.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const srp = new SrpSession();
  try {
    const init = await call('InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: state.clientId,
      AuthParameters: { USERNAME: username, SRP_A: srp.srpA },
    });
    if (init.status !== 200) return { step: 'initiate', ...init };
    const claim = srp.passwordClaim({ userPoolId: state.userPoolId, password, challengeParameters: init.body.ChallengeParameters });
    const answer = await call('RespondToAuthChallenge', {
      ChallengeName: init.body.ChallengeName,
      ClientId: state.clientId,
      ChallengeResponses: claim,
    });
    return { step: 'respond', challenge: init.body.ChallengeName, ...answer };
  } finally {
    srp.free();
  }
}

test('USER_SRP_AUTH with the right password gets tokens', TEST_TIMEOUT, async () => {
  const user = env.state.users.find((u) => !u.temporary);
  const r = await env.run('main', srpSignIn, { state: env.state, username: user.username, password: user.password });
  assert.equal(r.challenge, 'PASSWORD_VERIFIER');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tokens = r.body.AuthenticationResult;
  for (const k of ['IdToken', 'AccessToken', 'RefreshToken']) assert.ok(tokens?.[k], `${k} in ${JSON.stringify(r.body)}`);
  assert.equal(tokens.IdToken.split('.').length, 3, 'a JWT');
});

test('USER_SRP_AUTH with a wrong password is refused with NotAuthorizedException', TEST_TIMEOUT, async () => {
  const user = env.state.users.find((u) => !u.temporary);
  const r = await env.run('main', srpSignIn, { state: env.state, username: user.username, password: user.password + 'x' });
  assert.equal(r.step, 'respond');
  assert.equal(r.status, 400);
  assert.equal(r.body.__type, 'NotAuthorizedException', JSON.stringify(r.body));
  assert.equal(r.body.AuthenticationResult, undefined);
});
