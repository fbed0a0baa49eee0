// Build step: gives the wasm's imports short names. wasm-bindgen names each import
// `./cognito_fetch_bg.js` :: `__wbg_<name>_<16-hex hash>`; those names are stored in the .wasm and again in the
// JS glue (about 2.5 KiB raw of nearly incompressible text). This rewrites the import section with module `a`
// and names `a`, `b`, ... and applies the same renaming to the glue files, checking that each old name occurs
// exactly once in each, so a glue that does not match fails the build instead of failing at load.
import { readFileSync, writeFileSync } from 'node:fs';

/** The unsigned LEB128 at `pos` of `buf`: `[value, position after it]`. */
export function readLeb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, pos];
}

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const utf8 = (s) => [...Buffer.from(s, 'utf8')];
const nameBytes = (s) => [...leb(Buffer.byteLength(s)), ...utf8(s)];

function shortName(i) {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s = chars[i % chars.length] + s;
    i = Math.floor(i / chars.length) - 1;
  } while (i >= 0);
  return s;
}

/** Rewrites the import section of `wasm`; returns the new bytes and the map old name -> new name. */
export function shortenImports(wasm, glueModule) {
  const parts = [wasm.subarray(0, 8)];
  const renames = new Map();
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = readLeb(wasm, pos + 1);
    const end = start + size;
    if (id !== 2) {
      parts.push(wasm.subarray(pos, end));
      pos = end;
      continue;
    }
    let p = start;
    let count;
    [count, p] = readLeb(wasm, p);
    const body = [...leb(count)];
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = readLeb(wasm, p);
      const module = wasm.subarray(p, p + len).toString('utf8');
      p += len;
      [len, p] = readLeb(wasm, p);
      const name = wasm.subarray(p, p + len).toString('utf8');
      p += len;
      const descStart = p;
      const kind = wasm[p++];
      if (kind === 0) [, p] = readLeb(wasm, p); // function: type index
      else if (kind === 1) { p++; const flags = wasm[p++]; [, p] = readLeb(wasm, p); if (flags & 1) [, p] = readLeb(wasm, p); } // table
      else if (kind === 2) { const flags = wasm[p++]; [, p] = readLeb(wasm, p); if (flags & 1) [, p] = readLeb(wasm, p); } // memory
      else if (kind === 3) p += 2; // global: valtype, mutability
      else throw new Error(`import kind ${kind} not handled`);
      const desc = [...wasm.subarray(descStart, p)];
      if (module === glueModule) {
        const short = shortName(renames.size);
        renames.set(name, short);
        body.push(...nameBytes('a'), ...nameBytes(short), ...desc);
      } else {
        body.push(...nameBytes(module), ...nameBytes(name), ...desc);
      }
    }
    if (p !== end) throw new Error('import section not fully read');
    parts.push(Buffer.from([2, ...leb(body.length), ...body]));
    pos = end;
  }
  return { wasm: Buffer.concat(parts), renames };
}

/** Applies the renaming to a glue file's text. */
export function renameInGlue(text, renames, glueModule, file) {
  const quoted = [`"${glueModule}"`, `'${glueModule}'`].filter((q) => text.includes(q));
  if (quoted.length !== 1 || text.split(quoted[0]).length !== 2) throw new Error(`${file}: import module ${glueModule} not found once`);
  text = text.replace(quoted[0], '"a"');
  for (const [old, short] of renames) {
    const parts = text.split(old);
    if (parts.length !== 2) throw new Error(`${file}: import ${old} occurs ${parts.length - 1} times, expected once`);
    text = parts.join(short);
  }
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [wasmFile, ...glueFiles] = process.argv.slice(2);
  const { wasm, renames } = shortenImports(readFileSync(wasmFile), './cognito_fetch_bg.js');
  writeFileSync(wasmFile, wasm);
  for (const f of glueFiles) writeFileSync(f, renameInGlue(readFileSync(f, 'utf8'), renames, './cognito_fetch_bg.js', f));
  console.error(`[build] ${renames.size} wasm imports renamed`);
}
