// The JS side of the wasm/JS boundary (its Rust side is src/js/mod.rs). The wasm exports plain functions over
// its memory: `_alloc(len)` gives memory for one input, which `_step` / `_sign` then take over and free; each
// returns where its answer text is, whose length is stored at `_answer_len()`, both kept until the next call.
// Strings are UTF-8 both ways. No imports: the module needs nothing from the page.
let w, u8, u32, lenAt;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Views of the wasm's memory, made again once it has grown (the old ones are then detached). */
const bytes = () => {
  if (!u8.byteLength) [u8, u32] = [new Uint8Array(w.memory.buffer), new Uint32Array(w.memory.buffer)];
  return u8;
};
/** Copies `b` into the wasm: `[pointer, length]` (a null pointer, which the step refuses, when no memory is left). */
const put = (b) => {
  const p = w._alloc(b.length);
  if (p) bytes().set(b, p);
  return [p, b.length];
};
/** A string into the wasm as UTF-8: written byte by byte while it is ASCII (most fields), else encoded whole. */
const text = (s) => {
  const n = s.length;
  const p = w._alloc(n);
  if (!p) return [0, n];
  const m = bytes();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) {
      w._free(p, n);
      return put(encoder.encode(s));
    }
    m[p + i] = c;
  }
  return [p, n];
};
const answer = (p) => {
  const m = bytes();
  return decoder.decode(m.subarray(p, p + u32[lenAt]));
};

/** A protocol step by name (src/js/mod.rs `step`): fields, a long text; one string answer. */
export const _step = (op, fields, long) => answer(w._step(...text(op), ...text(fields), ...text(long)));
/** Signs (src/js/sigv4.rs `sign`): fields and the body's bytes. */
export const _sign = (fields, body) => answer(w._sign(...text(fields), ...put(body)));
/** Instantiates the compiled module (load.js compiles it). */
export const initSync = ({ module }) => {
  w = new WebAssembly.Instance(module, {}).exports;
  u8 = new Uint8Array(0);
  lenAt = w._answer_len() >> 2;
};
