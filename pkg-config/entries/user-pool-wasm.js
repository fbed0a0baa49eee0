// The first module of cognito-fetch/user-pool's graph: its wasm's download starts here, before the JS layer is
// evaluated (the path is the bundle's, pkg/user-pool/index.js: the wasm is beside it).
import { download } from '../load.js';

export const wasm = download(new URL('./cognito_fetch_user_pool_bg.wasm', import.meta.url));
