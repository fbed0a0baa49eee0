// Loads and starts the wasm, once (index.js and the drop-in call this). It is compiled while it downloads when
// the server sends `application/wasm`, from its bytes otherwise, then instantiated with the glue's `initSync`:
// the glue's own async loader is left out of the bundle.
import { initSync } from './cognito_fetch.js';
import { fail } from './io.js';

/** Compiles `source` (a Response or bytes) and instantiates it. */
export async function start(source) {
  let module;
  if (source instanceof Response) {
    if (!source.ok) throw fail('LoadError', `cognito-fetch could not load ${source.url}: HTTP ${source.status}`);
    module = /^application\/wasm\b/.test(source.headers.get('content-type') ?? '')
      ? await WebAssembly.compileStreaming(source)
      : await WebAssembly.compile(await source.arrayBuffer());
  } else {
    module = await WebAssembly.compile(source);
  }
  initSync({ module });
}
