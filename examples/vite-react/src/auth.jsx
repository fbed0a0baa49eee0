// The app's one set of cognito-fetch clients, and the signed-in session as React state: <AuthProvider> at the
// top, `useAuth()` anywhere below. The session follows the UserPool's events, so a sign-in, token refresh or
// sign-out (in this tab or another) re-renders what depends on it.
import { createContext, useContext, useEffect, useState } from 'react';
import { UserPool, IdentityPool, S3 } from 'cognito-fetch';
import { config, missing } from './config.js';

function createClients({ region, userPoolId, clientId, identityPoolId, bucket, endpoint }) {
  // The session lives in localStorage (the default): a reload keeps the user signed in.
  const userPool = new UserPool({ region, userPoolId, clientId, endpoint });
  // Temporary AWS credentials for the signed-in user (no guests here), refreshed before they expire.
  const identityPool = new IdentityPool({ region, identityPoolId, userPool, endpoint, allowGuest: false });
  const s3 = new S3({ bucket, region, credentials: identityPool, endpoint });
  return { userPool, identityPool, s3 };
}

// Module scope: one UserPool per page, whatever React re-renders or remounts (StrictMode mounts twice in dev).
const clients = missing.length ? null : createClients(config);
const AuthContext = createContext(null);

export function AuthProvider({ children }) {
  // undefined while the stored session is being read, then null (signed out) or the session.
  const [session, setSession] = useState(undefined);

  useEffect(() => {
    if (!clients) return undefined;
    const { userPool } = clients;
    let live = true;
    const refresh = () => userPool.getSession().then((s) => { if (live) setSession(s); }, () => { if (live) setSession(null); });
    const signedOut = () => { if (live) setSession(null); };
    refresh();
    userPool.on('signedIn', refresh);
    userPool.on('tokenRefresh', refresh);
    userPool.on('signedOut', signedOut);
    return () => {
      live = false;
      userPool.off('signedIn', refresh);
      userPool.off('tokenRefresh', refresh);
      userPool.off('signedOut', signedOut);
    };
  }, []);

  const value = clients && {
    ...clients,
    session,
    signUp: (email, password) => clients.userPool.signUp({ username: email, password, options: { userAttributes: { email } } }),
    confirmSignUp: (email, code) => clients.userPool.confirmSignUp({ username: email, confirmationCode: code }),
    signIn: (email, password) => clients.userPool.signIn({ username: email, password }),
    signOut: async () => {
      try {
        await clients.userPool.signOut();
      } finally {
        await clients.identityPool.clear(); // forget this user's credentials (and identity id) in this page
      }
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** { session, signUp, confirmSignUp, signIn, signOut, userPool, identityPool, s3 }, or null when the app's
 *  settings are missing (see config.js). */
export function useAuth() {
  return useContext(AuthContext);
}
