// Completes pkg/ after wasm-pack: the ESM entry and its types, package.json fields, the drop-in script and
// README, all from pkg-config/. The export list is read from the wasm-bindgen glue, so it cannot drift.
import { readFileSync, writeFileSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { build, transform } from 'esbuild';
import { shortenImports, renameInGlue } from './shorten-imports.mjs';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root);
const read = (p) => readFileSync(at(p), 'utf8');

const glue = read('pkg/cognito_fetch.js');
const exports = [...glue.matchAll(/^export (?:function|class) (\w+)/gm)].map((m) => m[1]).sort();
if (exports.length === 0) throw new Error('no exported functions found in pkg/cognito_fetch.js: run the whole build (npm run build), not this step alone');
// wasm-bindgen declares `[Symbol.dispose](): void` on exported classes, which only compiles with TypeScript's
// esnext.disposable lib; drop that declaration so the types work with ES2022 + DOM (the method still exists).
const disposeLine = /^\s*\[Symbol\.dispose\]\(\): void;\n/gm;
const generatedDts = read('pkg/cognito_fetch.d.ts');
if (/export class /.test(generatedDts) && !disposeLine.test(generatedDts)) throw new Error('expected [Symbol.dispose] in the generated .d.ts; check scripts/package.mjs');
// wasm-bindgen declares every parameter as required; a trailing `options` / `init` object is optional in the
// library (absent means defaults), so `pool.getSession()` and `s3.getObject(key)` must type-check.
const trailingOptions = /^(\s*(?:export function )?(?!constructor\b)\w+\([^\n]*?)\b(options|init): ([^\n]*?)\): /gm;
const dts = generatedDts.replace(disposeLine, '').replace(trailingOptions, '$1$2?: $3): ');
writeFileSync(at('pkg/cognito_fetch.d.ts'), dts);
const types = [...dts.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]).filter((t) => t !== 'InitInput' && t !== 'SyncInitInput' && t !== 'InitOutput').sort();

writeFileSync(at('pkg/index.js'), read('pkg-config/index.js').replace('/*EXPORTS*/', exports.join(', ')));
writeFileSync(at('pkg/index.d.ts'), read('pkg-config/index.d.ts').replace('/*EXPORTS*/', exports.join(', ')).replace('/*TYPES*/', types.join(', ')));

const dropinGlue = read('target/dropin/cognito_fetch.js');
if (!/^let wasm_bindgen = /m.test(dropinGlue)) throw new Error('unexpected no-modules glue from wasm-bindgen');
writeFileSync(
  at('pkg/cognito-fetch.js'),
  read('pkg-config/dropin.js').replace('/*GLUE*/', () => dropinGlue).replace('/*EXPORTS*/', JSON.stringify(exports)),
);

const generated = JSON.parse(read('pkg/package.json'));
const merged = { ...JSON.parse(read('pkg-config/package.json')), version: generated.version, license: generated.license };
writeFileSync(at('pkg/package.json'), JSON.stringify(merged, null, 2) + '\n');
// Short import names in the wasm and both glues (see shorten-imports.mjs).
const glueModule = './cognito_fetch_bg.js';
const { wasm, renames } = shortenImports(readFileSync(at('pkg/cognito_fetch_bg.wasm')), glueModule);
writeFileSync(at('pkg/cognito_fetch_bg.wasm'), wasm);
for (const f of ['pkg/cognito_fetch.js', 'pkg/cognito-fetch.js']) writeFileSync(at(f), renameInGlue(read(f), renames, glueModule, f));

// The ES module entry is bundled with the glue into one minified file: a page then makes two requests
// (index.js, then the wasm) instead of three in a row. The drop-in is minified as it is. /*! */ comments stay.
const bundled = await build({
  entryPoints: [new URL('pkg/index.js', root).pathname],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'neutral',
  legalComments: 'inline',
  write: false,
});
writeFileSync(at('pkg/index.js'), bundled.outputFiles[0].text);
rmSync(at('pkg/cognito_fetch.js'));
const dropin = await transform(read('pkg/cognito-fetch.js'), { minify: true, target: 'es2022', legalComments: 'inline' });
writeFileSync(at('pkg/cognito-fetch.js'), dropin.code);
copyFileSync(at('README.md'), at('pkg/README.md'));
for (const f of ['pkg/.gitignore', 'pkg/cognito_fetch_bg.wasm.d.ts']) if (existsSync(at(f))) rmSync(at(f));
console.error(`[build] pkg/: exports ${exports.join(', ')}; types ${types.join(', ')}`);
