// The JS side of the wasm/JS boundary (its Rust side is src/js/mod.rs). The wasm exports plain functions over
// its memory: `_alloc(len)` gives memory for one input, which `_step` / `_sign` then take over and free; each
// answers with where its answer text is (pointer in the high 32 bits, length in the low), kept there until the
// next call. Strings are UTF-8 both ways. No imports: the module needs nothing from the page.
let w;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Copies `bytes` into the wasm: `[pointer, length]` (a null pointer, which the step refuses, when no memory is left). */
const put = (bytes) => {
  const p = w._alloc(bytes.length);
  if (p) new Uint8Array(w.memory.buffer, p, bytes.length).set(bytes);
  return [p, bytes.length];
};
const text = (s) => put(encoder.encode(s));
const answer = (at) => decoder.decode(new Uint8Array(w.memory.buffer, Number(at >> 32n), Number(at & 0xffffffffn)));

/** A protocol step by name (src/js/mod.rs `step`): fields, a long text; one string answer. */
export const _step = (op, fields, long) => answer(w._step(...text(op), ...text(fields), ...text(long)));
/** Signs (src/js/sigv4.rs `sign`): fields and the body's bytes. */
export const _sign = (fields, body) => answer(w._sign(...text(fields), ...put(body)));
/** Instantiates the compiled module (load.js compiles it). */
export const initSync = ({ module }) => {
  w = new WebAssembly.Instance(module, {}).exports;
};
