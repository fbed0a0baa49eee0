// The first module of cognito-fetch/sigv4's graph: its wasm's download starts here, before the JS layer is
// evaluated (the path is the bundle's, pkg/sigv4/index.js: the wasm is beside it).
import { download } from '../load.js';

export const wasm = download(new URL('./cognito_fetch_sigv4_bg.wasm', import.meta.url));
