// Loads and starts the wasm, once. Pages (index.js, the drop-in) fetch it: it is compiled while it downloads when
// the server sends `application/wasm`, from its bytes otherwise. Node and server bundles (node.js) have its bytes
// embedded and compile them synchronously. Either way wasm.js then instantiates it (`initSync`).
import { initSync } from './wasm.js';
import { fail } from './io.js';

/** Fetches the wasm at `url`, compiles and instantiates it. `hint` ends the message of a 404 (what to do). */
export async function start(url, hint = '') {
  const response = await fetch(url).catch(() => undefined);
  if (!response?.ok) {
    throw fail('LoadError', `cognito-fetch could not load ${url}: ${response ? `HTTP ${response.status}` : 'no answer'}${response?.status === 404 ? hint : ''}`);
  }
  try {
    initSync({
      module: /^application\/wasm\b/.test(response.headers.get('content-type')) // (no header: "null")
        ? await WebAssembly.compileStreaming(response)
        : await WebAssembly.compile(await response.arrayBuffer()),
    });
  } catch (e) {
    throw startError(e);
  }
}

/** Compiles and instantiates the wasm from its bytes, synchronously (Node, server bundles). */
export function startSync(bytes) {
  try {
    initSync({ module: new WebAssembly.Module(bytes) });
  } catch (e) {
    throw startError(e);
  }
}

/** The coded error for a wasm that did not compile or instantiate: `CspBlocked` when the page's Content Security
 *  Policy forbids WebAssembly (Chromium and Safari name 'unsafe-eval' in their message, Firefox "CSP"), else `LoadError`. */
function startError(e) {
  return Object.assign(/eval|CSP/.test(e)
    ? fail('CspBlocked', "the page's CSP blocks WebAssembly: add 'wasm-unsafe-eval' to script-src")
    : fail('LoadError', `cognito-fetch could not start its wasm: ${e}`), { cause: e });
}
