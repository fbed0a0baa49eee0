// Completes pkg/ after the wasm build, from pkg-config/: the entries and their types, package.json, the drop-in
// script, README, LICENSE and NOTICE. The JS side of the wasm boundary (pkg-config/wasm.js) is bundled in, not
// shipped alone. The package (its `exports` are pkg-config/package.json's):
//   index.js      pages and client bundles (Vite, webpack, Parcel, Next.js client): fetches the wasm from
//                 `new URL('./cognito_fetch_bg.wasm', import.meta.url)`; top-level await
//   node.cjs      the `node` condition, `require`: the wasm's bytes embedded (base64), compiled synchronously, no
//                 top-level await (Node >= 20, Next.js server components and route handlers, SSR)
//   node.js       the `node` condition, `import`: re-exports node.cjs (one instance for import and require)
//   cognito-fetch.js + cognito_fetch_bg.wasm   the drop-in script, loading the wasm from beside itself
//   *.d.ts        types (ESM); *.d.cts the same for `require` under TypeScript's node16 resolution
import { readFileSync, writeFileSync, copyFileSync, rmSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root);
const read = (p) => readFileSync(at(p), 'utf8');

// The wasm needs nothing from the page and exports its memory and the functions pkg-config/wasm.js calls, all
// internal (names starting with `_`): the public API is the JS layer's. A module that differs fails here, not at load.
const wasmBytes = readFileSync(at('pkg/cognito_fetch_bg.wasm'));
const wasmModule = new WebAssembly.Module(wasmBytes);
const wasmImports = WebAssembly.Module.imports(wasmModule);
if (wasmImports.length > 0) throw new Error(`the wasm imports ${wasmImports.map((i) => `${i.module}.${i.name}`).join(', ')}: pkg-config/wasm.js gives it none`);
const wasmFunctions = WebAssembly.Module.exports(wasmModule).filter((e) => e.kind === 'function').map((e) => e.name);
const publicInWasm = wasmFunctions.filter((n) => !n.startsWith('_'));
if (publicInWasm.length > 0) throw new Error(`the wasm exports ${publicInWasm.join(', ')} without a leading _: public API belongs to pkg-config/`);
const calledByGlue = [...new Set([...read('pkg-config/wasm.js').matchAll(/\bw\.(\w+)/g)].map((m) => m[1]))];
const hasMemory = WebAssembly.Module.exports(wasmModule).some((e) => e.name === 'memory' && e.kind === 'memory');
const missing = calledByGlue.filter((n) => (n === 'memory' ? !hasMemory : !wasmFunctions.includes(n)));
if (missing.length > 0) {
  throw new Error(`pkg-config/wasm.js uses ${missing.join(', ')}, which the wasm does not export (it exports ${wasmFunctions.join(', ')})`);
}
const exportsOf = (f) => [...read(f).matchAll(/^export \{ ([^}]+) \}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
const exports = exportsOf('pkg-config/index.js');
const nodeExports = [...(read('pkg-config/node.cjs').match(/^module\.exports = \{([^}]*)\}/m)?.[1] ?? '').matchAll(/\w+/g)].map((m) => m[0]);
if (nodeExports.join() !== exports.join()) {
  throw new Error(`pkg-config/node.cjs exports ${nodeExports.join(', ')}, index.js ${exports.join(', ')}: they must agree`);
}
const types = [...read('pkg-config/types.d.ts').matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]).sort();
// The drop-in lists the same public names (its `real` object): a name added to index.js alone would be missing there.
const dropinNames = [...(read('pkg-config/dropin.js').match(/const real = \{([^}]*)\}/)?.[1] ?? '').matchAll(/\w+/g)].map((m) => m[0]);
if (dropinNames.slice().sort().join() !== exports.slice().sort().join()) {
  throw new Error(`pkg-config/dropin.js's real (${dropinNames.join(', ')}) differs from index.js's exports (${exports.join(', ')})`);
}
copyFileSync(at('pkg-config/index.js'), at('pkg/index.js'));
copyFileSync(at('pkg-config/index.d.ts'), at('pkg/index.d.ts'));

// The JS layer (AwsClient, S3, DynamoDB, IdentityPool over the wasm's synchronous steps) and its types: every
// other .js and .d.ts of pkg-config/ (the .js are bundled below; the .d.ts stay beside index.d.ts).
const layer = readdirSync(at('pkg-config/')).filter((f) => /\.(js|d\.ts)$/.test(f) && !/^(index|dropin)\./.test(f));
for (const f of layer) copyFileSync(at(`pkg-config/${f}`), at(`pkg/${f}`));
copyFileSync(at('pkg-config/dropin.js'), at('pkg/dropin-entry.js'));
copyFileSync(at('pkg-config/node.cjs'), at('pkg/node-entry.cjs'));
// The types for `require` (TypeScript, node16/nodenext resolution of a CommonJS file): each .d.ts again as .d.cts,
// its relative imports pointing at the .d.cts beside it.
const declarations = readdirSync(at('pkg/')).filter((f) => f.endsWith('.d.ts'));
for (const f of declarations) {
  const text = readFileSync(at(`pkg/${f}`), 'utf8').replace(/(from '\.\/[\w-]+)\.js'/g, "$1.cjs'");
  writeFileSync(at(`pkg/${f.replace(/\.d\.ts$/, '.d.cts')}`), text);
}
for (const f of ['LICENSE', 'NOTICE']) copyFileSync(at(f), at(`pkg/${f}`));

// The version and license are Cargo.toml's (the [package] table comes first there).
const cargo = read('Cargo.toml');
const field = (k) => cargo.match(new RegExp(`^${k} = "([^"]+)"`, 'm'))?.[1] ?? (() => { throw new Error(`Cargo.toml has no ${k}`); })();
const merged = { ...JSON.parse(read('pkg-config/package.json')), version: field('version'), license: field('license') };
writeFileSync(at('pkg/package.json'), JSON.stringify(merged, null, 2) + '\n');
checkLowMemoryUnused(wasmBytes);

// The ES module entry is bundled with the JS layer (wasm.js included) into one minified file: a page then makes
// two requests (index.js, then the wasm). The drop-in is the same layer bundled as one classic script.
// esbuild bundles and minifies; terser (safe options only) then compresses further, about 3% of the gzip size.
const bundle = async (entry, format, platform = 'neutral') => {
  const code = (await build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    format,
    minify: true,
    target: 'es2022',
    platform,
    legalComments: 'inline',
    // node-entry.js imports the wasm: its bytes, embedded as base64 (decoded with Buffer on platform node).
    loader: { '.wasm': 'binary' },
    write: false,
    logLevel: 'error',
  })).outputFiles[0].text;
  const out = await minify(code, { module: format === 'esm', ecma: 2022, compress: { passes: 3 }, mangle: true });
  if (typeof out.code !== 'string') throw new Error(`terser produced no output for ${entry}`);
  return out.code;
};
writeFileSync(at('pkg/index.js'), await bundle('pkg/index.js', 'esm'));
writeFileSync(at('pkg/cognito-fetch.js'), await bundle('pkg/dropin-entry.js', 'iife'));
const nodeBundle = await bundle('pkg/node-entry.cjs', 'cjs', 'node');
// Checked, because bundlers read `import m from './node.cjs'` as `module.exports.default` when that flag is set.
if (/__esModule/.test(nodeBundle.slice(nodeBundle.lastIndexOf('module.exports')))) throw new Error('pkg/node.cjs marks its exports __esModule');
writeFileSync(at('pkg/node.cjs'), nodeBundle);
// `import` under the node condition: node.cjs's exports (a CommonJS module.exports is the default export), so an
// app that both imports and requires the package has one wasm instance and one set of classes.
writeFileSync(at('pkg/node.js'), `import m from './node.cjs';\nexport const { ${exports.join(', ')} } = m;\n`);
for (const f of ['dropin-entry.js', 'node-entry.cjs', ...layer.filter((f) => !f.endsWith('.d.ts'))]) rmSync(at(`pkg/${f}`));
copyFileSync(at('README.md'), at('pkg/README.md'));
checkPackContents();
console.error(`[build] pkg/: exports ${exports.join(', ')}; types ${types.join(', ')}`);

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
  const typeFiles = readdirSync(at('pkg/')).filter((f) => /\.d\.c?ts$/.test(f));
  for (const f of typeFiles) {
    needed.add(f);
    for (const [, dep] of read(`pkg/${f}`).matchAll(/from '\.\/([\w-]+)\.c?js'/g)) {
      const ext = f.endsWith('.d.cts') ? '.d.cts' : '.d.ts';
      if (!typeFiles.includes(dep + ext)) throw new Error(`pkg/${f} imports ./${dep}, which has no ${dep}${ext}`);
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
