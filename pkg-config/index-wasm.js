// The first module of index.js's graph: the wasm's download starts here, before the JS layer is evaluated.
// `new URL('./cognito_fetch_bg.wasm', import.meta.url)` is the pattern Vite, webpack, Parcel and Next.js's client
// bundles recognise (they copy the wasm and rewrite the URL); the path is the bundle's (pkg/index.js).
import { download } from './load.js';

export const wasm = download(new URL('./cognito_fetch_bg.wasm', import.meta.url));
