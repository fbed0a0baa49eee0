/*! cognito-fetch/user-pool drop-in: <script src=".../cognito-fetch-user-pool.js"></script> defines
    window.CognitoFetch (SrpSession, UserPool). Wait for `await CognitoFetch.ready` (it loads
    cognito_fetch_user_pool_bg.wasm from beside this script). */
import { dropIn } from '../drop-in.js';
import { SrpSession } from '../srp.js';
import { UserPool } from '../user-pool.js';

dropIn('cognito_fetch_user_pool_bg.wasm', { SrpSession, UserPool });
