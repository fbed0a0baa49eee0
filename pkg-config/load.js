// Loads and starts the wasm, once (index.js and the drop-in call this). It is compiled while it downloads when
// the server sends `application/wasm`, from its bytes otherwise, then instantiated by wasm.js (`initSync`).
import { initSync } from './wasm.js';
import { fail } from './io.js';

/** Fetches (a URL) or takes (bytes) the wasm, compiles and instantiates it. */
export async function start(source) {
  let module;
  if (source instanceof URL) {
    const response = await fetch(source).catch(() => undefined);
    if (!response?.ok) throw fail('LoadError', `cognito-fetch could not load ${source}: ${response ? `HTTP ${response.status}` : 'no answer'}`);
    module = /^application\/wasm\b/.test(response.headers.get('content-type') ?? '')
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } else {
    module = await WebAssembly.compile(source);
  }
  initSync({ module });
}
