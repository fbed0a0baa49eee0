// Completes pkg/ after wasm-pack: the ESM entry and its types, package.json fields, the drop-in script and
// README, all from pkg-config/. The wasm-bindgen glue (internal steps only) is bundled in, not shipped.
import { readFileSync, writeFileSync, copyFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { minify } from 'terser';
import { shortenImports, renameInGlue, readLeb } from './shorten-imports.mjs';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root);
const read = (p) => readFileSync(at(p), 'utf8');

// The wasm exports only internal steps (names starting with `_`): the public API is the JS layer's.
const glue = read('pkg/cognito_fetch.js');
const wasmExports = [...glue.matchAll(/^export (?:function|class) (\w+)/gm)].map((m) => m[1]);
if (wasmExports.length === 0) throw new Error('no exported functions found in pkg/cognito_fetch.js: run the whole build (npm run build), not this step alone');
const publicInWasm = wasmExports.filter((n) => !n.startsWith('_'));
if (publicInWasm.length > 0) throw new Error(`the wasm exports ${publicInWasm.join(', ')} without a leading _: public API belongs to pkg-config/`);
const exports = [...read('pkg-config/index.js').matchAll(/^export \{ ([^}]+) \}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
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

const generated = JSON.parse(read('pkg/package.json'));
const merged = { ...JSON.parse(read('pkg-config/package.json')), version: generated.version, license: generated.license };
writeFileSync(at('pkg/package.json'), JSON.stringify(merged, null, 2) + '\n');
// Short import names in the wasm and both glues (see shorten-imports.mjs).
const glueModule = './cognito_fetch_bg.js';
const { wasm, renames } = shortenImports(readFileSync(at('pkg/cognito_fetch_bg.wasm')), glueModule);
checkLowMemoryUnused(wasm);
writeFileSync(at('pkg/cognito_fetch_bg.wasm'), wasm);
writeFileSync(at('pkg/cognito_fetch.js'), renameInGlue(read('pkg/cognito_fetch.js'), renames, glueModule, 'pkg/cognito_fetch.js'));

// The ES module entry is bundled with the glue and the JS layer into one minified file: a page then makes two
// requests (index.js, then the wasm). The drop-in is the same glue and layer bundled as one classic script.
// esbuild bundles and minifies; terser (safe options only) then compresses further, about 3% of the gzip size.
const bundle = async (entry, format) => {
  const code = (await build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    format,
    minify: true,
    target: 'es2022',
    platform: 'neutral',
    legalComments: 'inline',
    write: false,
    logLevel: 'error',
  })).outputFiles[0].text;
  const out = await minify(code, { module: format === 'esm', ecma: 2022, compress: { passes: 3 }, mangle: true });
  if (typeof out.code !== 'string') throw new Error(`terser produced no output for ${entry}`);
  return out.code;
};
writeFileSync(at('pkg/index.js'), await bundle('pkg/index.js', 'esm'));
writeFileSync(at('pkg/cognito-fetch.js'), await bundle('pkg/dropin-entry.js', 'iife'));
for (const f of ['cognito_fetch.js', 'cognito_fetch.d.ts', 'dropin-entry.js', ...layer.filter((f) => !f.endsWith('.d.ts'))]) rmSync(at(`pkg/${f}`));
copyFileSync(at('README.md'), at('pkg/README.md'));
for (const f of ['pkg/.gitignore', 'pkg/cognito_fetch_bg.wasm.d.ts']) if (existsSync(at(f))) rmSync(at(f));
console.error(`[build] pkg/: exports ${exports.join(', ')}; types ${types.join(', ')}`);

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
