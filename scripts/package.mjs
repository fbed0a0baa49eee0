// Completes pkg/ after the wasm builds, from pkg-config/: the entries and their types, package.json, the drop-in
// scripts, README, LICENSE and NOTICE. The JS side of the wasm boundary (pkg-config/wasm.js) is bundled in, not
// shipped alone. The package (its `exports` are pkg-config/package.json's) has three entries, each with its own
// wasm (ENTRIES below): `cognito-fetch` (everything, files in the package root), `cognito-fetch/sigv4` (sigv4/)
// and `cognito-fetch/user-pool` (user-pool/). Each has, in its directory:
//   index.js      pages and client bundles (Vite, webpack, Parcel, Next.js client): fetches its wasm from
//                 beside itself, `new URL('./cognito_fetch_bg.wasm', import.meta.url)` (cognito_fetch_sigv4_bg.wasm,
//                 cognito_fetch_user_pool_bg.wasm); top-level await
//   node.cjs      the `node` condition, `require`: the wasm's bytes embedded (base64), compiled synchronously, no
//                 top-level await (Node >= 20, Next.js server components and route handlers, SSR)
//   node.js       the `node` condition, `import`: re-exports node.cjs (one instance for import and require)
//   index.d.ts    types (ESM); index.d.cts the same for `require` under TypeScript's node16 resolution (the JS
//                 layer's .d.ts / .d.cts, which they import, are in the package root)
//   its drop-in script (cognito-fetch.js, cognito-fetch-sigv4.js, cognito-fetch-user-pool.js) and its wasm,
//                 which the script also loads from beside itself.
import { readFileSync, writeFileSync, copyFileSync, cpSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root);
const read = (p) => readFileSync(at(p), 'utf8');

// The package's entries: each its own browser ES module, `node` condition files, types, drop-in script and wasm
// (scripts/build.sh builds the wasm of each from the crate with its Cargo feature). `dir` is where its files go
// in pkg/ ('' for the package root), where its wasm and drop-in script are too (`wasm`, `script`: paths in pkg/);
// `src` its sources in pkg-config/.
const ENTRIES = [
  { name: 'cognito-fetch', dir: '', wasm: 'cognito_fetch_bg.wasm', script: 'cognito-fetch.js',
    src: { esm: 'index.js', node: 'node.cjs', dropin: 'dropin.js', types: 'index.d.ts' } },
  { name: 'cognito-fetch/sigv4', dir: 'sigv4/', wasm: 'sigv4/cognito_fetch_sigv4_bg.wasm', script: 'sigv4/cognito-fetch-sigv4.js',
    src: { esm: 'entries/sigv4.js', node: 'entries/sigv4.node.cjs', dropin: 'entries/sigv4.dropin.js', types: 'entries/sigv4.d.ts' } },
  { name: 'cognito-fetch/user-pool', dir: 'user-pool/', wasm: 'user-pool/cognito_fetch_user_pool_bg.wasm', script: 'user-pool/cognito-fetch-user-pool.js',
    src: { esm: 'entries/user-pool.js', node: 'entries/user-pool.node.cjs', dropin: 'entries/user-pool.dropin.js', types: 'entries/user-pool.d.ts' } },
];
// Every step of the wasm/JS boundary (src/js/mod.rs's table): each entry's wasm must answer exactly those its JS calls.
const allSteps = [...read('src/js/mod.rs').matchAll(/^\s+"(\w+)" => /gm)].map((m) => m[1]);
const glue = [...new Set([...read('pkg-config/wasm.js').matchAll(/\bw\.(\w+)/g)].map((m) => m[1]))];

// The sources, with the wasm files beside them (node entries embed theirs), in one directory to bundle from.
const SRC = 'target/package-src/';
rmSync(at(SRC), { recursive: true, force: true });
cpSync(at('pkg-config/'), at(SRC), { recursive: true });
for (const e of ENTRIES) copyFileSync(at(`pkg/${e.wasm}`), at(SRC + basename(e.wasm)));

const exportsOf = (f) => [...read(f).matchAll(/^export \{ ([^}]+) \}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
const namesIn = (text) => [...(text ?? '').matchAll(/\w+/g)].map((m) => m[0]);
for (const e of ENTRIES) {
  const exports = exportsOf(`pkg-config/${e.src.esm}`);
  const nodeExports = namesIn(read(`pkg-config/${e.src.node}`).match(/^module\.exports = \{([^}]*)\}/m)?.[1]);
  if (nodeExports.join() !== exports.join()) {
    throw new Error(`pkg-config/${e.src.node} exports ${nodeExports.join(', ')}, ${e.src.esm} ${exports.join(', ')}: they must agree`);
  }
  // The drop-in lists the same public names (dropIn's second argument): a name added to the ES module alone would be missing there.
  const dropinNames = namesIn(read(`pkg-config/${e.src.dropin}`).match(/^dropIn\('[\w.]+', \{([^}]*)\}\);/m)?.[1]);
  if (dropinNames.slice().sort().join() !== exports.slice().sort().join()) {
    throw new Error(`pkg-config/${e.src.dropin}'s names (${dropinNames.join(', ')}) differ from ${e.src.esm}'s exports (${exports.join(', ')})`);
  }
  const typeExports = exportsOf(`pkg-config/${e.src.types}`);
  if (typeExports.join() !== exports.join()) {
    throw new Error(`pkg-config/${e.src.types} exports ${typeExports.join(', ')}, ${e.src.esm} ${exports.join(', ')}: they must agree`);
  }
  e.exports = exports;
}
const types = [...read('pkg-config/types.d.ts').matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]).sort();

// The types: the JS layer's .d.ts in pkg/, each entry's as <dir>index.d.ts; then each again as .d.cts for `require`
// (TypeScript, node16/nodenext resolution of a CommonJS file), its relative imports pointing at the .d.cts beside it.
const layerTypes = readdirSync(at('pkg-config/')).filter((f) => f.endsWith('.d.ts') && f !== 'index.d.ts');
for (const f of layerTypes) copyFileSync(at(`pkg-config/${f}`), at(`pkg/${f}`));
for (const e of ENTRIES) {
  mkdirSync(at(`pkg/${e.dir || '.'}`), { recursive: true });
  copyFileSync(at(`pkg-config/${e.src.types}`), at(`pkg/${e.dir}index.d.ts`));
}
for (const f of typeFilesOf('pkg/').filter((f) => f.endsWith('.d.ts'))) {
  const text = read(f).replace(/(from '\.\.?\/[\w-]+)\.js'/g, "$1.cjs'");
  writeFileSync(at(f.replace(/\.d\.ts$/, '.d.cts')), text);
}
for (const f of ['LICENSE', 'NOTICE']) copyFileSync(at(f), at(`pkg/${f}`));

// The version and license are Cargo.toml's (the [package] table comes first there).
const cargo = read('Cargo.toml');
const field = (k) => cargo.match(new RegExp(`^${k} = "([^"]+)"`, 'm'))?.[1] ?? (() => { throw new Error(`Cargo.toml has no ${k}`); })();
const merged = { ...JSON.parse(read('pkg-config/package.json')), version: field('version'), license: field('license') };
writeFileSync(at('pkg/package.json'), JSON.stringify(merged, null, 2) + '\n');

// Each ES module entry is bundled with the JS layer (wasm.js included) into one minified file: a page then makes
// two requests (the entry, then its wasm). The drop-in is the same layer bundled as one classic script.
// esbuild bundles and minifies; terser (safe options only) then compresses further, about 3% of the gzip size.
const bundle = async (entry, format, platform = 'neutral', minified = true) => {
  const code = (await build({
    entryPoints: [at(SRC + entry).pathname],
    bundle: true,
    format,
    minify: minified,
    target: 'es2022',
    platform,
    legalComments: 'inline',
    // node entries import the wasm: its bytes, embedded as base64 (decoded with Buffer on platform node).
    loader: { '.wasm': 'binary' },
    write: false,
    logLevel: 'error',
  })).outputFiles[0].text;
  if (!minified) return code;
  const out = await minify(code, { module: format === 'esm', ecma: 2022, compress: { passes: 3 }, mangle: true });
  if (typeof out.code !== 'string') throw new Error(`terser produced no output for ${entry}`);
  return out.code;
};
for (const e of ENTRIES) {
  const wasmBytes = readFileSync(at(`pkg/${e.wasm}`));
  // What the browser bundle calls, read from it unminified (tree-shaken: only what the entry's exports reach).
  const reached = await bundle(e.src.esm, 'esm', 'neutral', false);
  checkWasm(e, wasmBytes, reached);
  checkLowMemoryUnused(wasmBytes);
  writeFileSync(at(`pkg/${e.dir}index.js`), await bundle(e.src.esm, 'esm'));
  writeFileSync(at(`pkg/${e.script}`), await bundle(e.src.dropin, 'iife'));
  const nodeBundle = await bundle(e.src.node, 'cjs', 'node');
  // Checked, because bundlers read `import m from './node.cjs'` as `module.exports.default` when that flag is set.
  if (/__esModule/.test(nodeBundle.slice(nodeBundle.lastIndexOf('module.exports')))) throw new Error(`pkg/${e.dir}node.cjs marks its exports __esModule`);
  writeFileSync(at(`pkg/${e.dir}node.cjs`), nodeBundle);
  // `import` under the node condition: node.cjs's exports (a CommonJS module.exports is the default export), so an
  // app that both imports and requires the entry has one wasm instance and one set of classes.
  writeFileSync(at(`pkg/${e.dir}node.js`), `import m from './node.cjs';\nexport const { ${e.exports.join(', ')} } = m;\n`);
}
copyFileSync(at('README.md'), at('pkg/README.md'));
checkPackContents();
for (const e of ENTRIES) console.error(`[build] ${e.name}: exports ${e.exports.join(', ')}; ${e.steps.length} steps${e.signs ? ' + _sign' : ''} in ${e.wasm}`);
console.error(`[build] types ${types.join(', ')}`);

/** The wasm of entry `e` against the JS that loads it (`code`, its browser bundle unminified): it needs nothing
 *  from the page, exports its memory and the functions pkg-config/wasm.js calls, all internal (names starting with
 *  `_`: the public API is the JS layer's), `_sign` exactly when the JS signs, and it answers exactly the steps the
 *  JS calls (`step`, `stepFields`, `stepError` with a literal name): none missing, none the entry does not use.
 *  A module that differs fails here, not at load. Sets `e.steps` and `e.signs`. */
function checkWasm(e, bytes, code) {
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) throw new Error(`${e.wasm} imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}: pkg-config/wasm.js gives it none`);
  const exported = WebAssembly.Module.exports(module);
  const functions = exported.filter((x) => x.kind === 'function').map((x) => x.name);
  const publicInWasm = functions.filter((n) => !n.startsWith('_'));
  if (publicInWasm.length > 0) throw new Error(`${e.wasm} exports ${publicInWasm.join(', ')} without a leading _: public API belongs to pkg-config/`);
  if (!exported.some((x) => x.name === 'memory' && x.kind === 'memory')) throw new Error(`${e.wasm} exports no memory`);
  e.signs = /\bw\._sign\(/.test(code);
  const missing = glue.filter((n) => n !== 'memory' && (n !== '_sign' || e.signs) && !functions.includes(n));
  if (missing.length > 0) throw new Error(`pkg-config/wasm.js uses ${missing.join(', ')}, which ${e.wasm} does not export (it exports ${functions.join(', ')})`);
  if (!e.signs && functions.includes('_sign')) throw new Error(`${e.wasm} exports _sign, which ${e.name} never calls`);
  const calls = [...code.matchAll(/\b(step|stepFields|stepError)\d*\(/g)].length; // (io.js defines them as arrow functions)
  const called = [...new Set([...code.matchAll(/\b(?:step|stepFields|stepError)\d*\(\s*"(\w+)"/g)].map((m) => m[1]))].sort();
  const literal = [...code.matchAll(/\b(?:step|stepFields|stepError)\d*\(\s*"/g)].length;
  if (literal !== calls) throw new Error(`${e.name}: ${calls - literal} step call(s) without a literal step name: the step check cannot see them`);
  const answer = stepProbe(module);
  const answered = allSteps.filter((op) => !/^!.*unknown step/s.test(answer(op))).sort();
  const unknown = called.filter((op) => !allSteps.includes(op));
  if (unknown.length) throw new Error(`${e.name}'s JS calls steps ${unknown.join(', ')}, which src/js/mod.rs does not have`);
  const absent = called.filter((op) => !answered.includes(op));
  if (absent.length) throw new Error(`${e.name}'s JS calls steps ${absent.join(', ')}, which ${e.wasm} does not answer (its Cargo feature gates them out in src/js/mod.rs)`);
  const unused = answered.filter((op) => !called.includes(op));
  if (unused.length) throw new Error(`${e.wasm} answers steps ${unused.join(', ')}, which ${e.name}'s JS never calls (gate them out in src/js/mod.rs)`);
  e.steps = answered;
}

/** `op => answer text` of the wasm `module`'s `_step` called with no fields: "unknown step" or any other answer. */
function stepProbe(module) {
  const w = new WebAssembly.Instance(module, {}).exports;
  return (op) => {
    const put = (b) => {
      const p = w._alloc(b.length);
      new Uint8Array(w.memory.buffer).set(b, p);
      return [p, b.length];
    };
    const p = w._step(...put(Buffer.from(op)), ...put(Buffer.alloc(0)), ...put(Buffer.alloc(0)));
    const len = new Uint32Array(w.memory.buffer)[w._answer_len() >> 2];
    return Buffer.from(w.memory.buffer, p, len).toString('utf8');
  };
}

/** The .d.ts and .d.cts files under `dir` (paths from the repository root). */
function typeFilesOf(dir) {
  return readdirSync(at(dir), { recursive: true }).filter((f) => /\.d\.c?ts$/.test(f)).map((f) => dir + f);
}

/** What `npm pack` would publish, from `npm pack --dry-run --json` in pkg/: exactly the files the package needs —
 *  every target of package.json's `exports`, `main`, `module` and `types`, every .d.ts and .d.cts and the files
 *  they import, LICENSE, NOTICE, README.md, package.json — and nothing else (no tests, no source maps, no build
 *  leftovers). Throws naming what is missing or extra. */
function checkPackContents() {
  const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: at('pkg/'), encoding: 'utf8' }));
  const packed = report.files.map((f) => f.path).sort();
  const manifest = JSON.parse(read('pkg/package.json'));
  const targets = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(targets));
  const needed = new Set(['package.json', 'README.md', 'LICENSE', 'NOTICE',
    ...[manifest.main, manifest.module, manifest.types, ...targets(manifest.exports)].map((p) => p.replace(/^\.\//, ''))]);
  const typeFiles = typeFilesOf('pkg/').map((f) => f.slice('pkg/'.length));
  for (const f of typeFiles) {
    needed.add(f);
    for (const [, dep] of read(`pkg/${f}`).matchAll(/from '(\.\.?\/[\w-]+)\.c?js'/g)) {
      const ext = f.endsWith('.d.cts') ? '.d.cts' : '.d.ts';
      const target = join(dirname(f), dep + ext);
      if (!typeFiles.includes(target)) throw new Error(`pkg/${f} imports ${dep}, which has no ${dep}${ext}`);
    }
  }
  const missing = [...needed].filter((f) => !packed.includes(f));
  const extra = packed.filter((f) => !needed.has(f));
  if (missing.length || extra.length) {
    throw new Error(`npm pack of pkg/: ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unexpected ${extra.join(', ')}` : ''}`);
  }
  console.error(`[build] npm pack: ${packed.length} files, ${(report.size / 1024).toFixed(1)} KiB (${packed.join(', ')})`);
}

/** build.sh runs wasm-opt with --low-memory-unused, which is only valid while nothing is placed in the low 1 KiB
 *  of memory: every active data segment of the module must start at 1024 or above (Rust puts them after the
 *  stack, at 1 MiB). Throws otherwise. */
function checkLowMemoryUnused(bytes) {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readLeb(bytes, pos + 1);
    pos = start + size;
    if (id !== 11) continue;
    let [count, p] = readLeb(bytes, start);
    for (; count > 0; count--) {
      let flags, length;
      [flags, p] = readLeb(bytes, p);
      if (flags === 2) [, p] = readLeb(bytes, p); // memory index
      if (flags !== 1) { // passive segments (1) have no offset
        if (bytes[p++] !== 0x41) throw new Error('a data segment offset is not an i32.const: cannot check --low-memory-unused');
        let offset;
        [offset, p] = readLeb(bytes, p); // (read unsigned: a negative i32 reads huge, never below 1024)
        if (offset < 1024) throw new Error(`a data segment starts at ${offset}, in the low 1 KiB that wasm-opt --low-memory-unused assumes unused`);
        p++; // end
      }
      [length, p] = readLeb(bytes, p);
      p += length; // the segment's bytes
    }
  }
}

/** The unsigned LEB128 at `pos` of `buf`: `[value, position after it]`. */
function readLeb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, pos];
}
