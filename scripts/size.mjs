// npm run size: raw and gzip bytes of what a page loads for each entry of the package (its wasm + its JS), as an
// ES module and as a drop-in script, against the entry's budget. Budgets are targets, not gates: printed as met or
// over by N, never a failure. `--json` prints the figures as JSON.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// What a page loads for each entry (scripts/package.mjs writes them) and its budget, gzip (JS + wasm).
export const ENTRIES = [
  { name: 'cognito-fetch/sigv4', wasm: 'sigv4/cognito_fetch_sigv4_bg.wasm', esm: 'sigv4/index.js', dropin: 'sigv4/cognito-fetch-sigv4.js', budgetKiB: 8 },
  { name: 'cognito-fetch/user-pool', wasm: 'user-pool/cognito_fetch_user_pool_bg.wasm', esm: 'user-pool/index.js', dropin: 'user-pool/cognito-fetch-user-pool.js', budgetKiB: 24 },
  { name: 'cognito-fetch', wasm: 'cognito_fetch_bg.wasm', esm: 'index.js', dropin: 'cognito-fetch.js', budgetKiB: 56 },
];

const at = (p) => new URL(`../pkg/${p}`, import.meta.url);
/** `{ raw, gzip }` bytes (gzip -9 of each file, summed: each is a request of its own) of `files` in pkg/. */
export const size = (files) =>
  files.reduce(
    (acc, f) => {
      const b = readFileSync(at(f));
      return { raw: acc.raw + b.length, gzip: acc.gzip + gzipSync(b, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );

/** Each entry's sizes: `{ name, budget (bytes), wasm, esm, dropin }`, `esm` and `dropin` with the wasm included. */
export const measure = () =>
  ENTRIES.map((e) => ({
    name: e.name,
    budget: e.budgetKiB * 1024,
    wasm: size([e.wasm]),
    esm: size([e.wasm, e.esm]),
    dropin: size([e.wasm, e.dropin]),
  }));

export const kib = (n) => (n / 1024).toFixed(1) + ' KiB';
/** "met (N KiB under)" or "over by N KiB". */
export const verdict = (bytes, budget) => (bytes <= budget ? `met (${kib(budget - bytes)} under)` : `over by ${kib(bytes - budget)}`);

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(report));
  } else {
    for (const e of report) {
      console.log(`size ${e.name}`);
      for (const k of ['wasm', 'esm', 'dropin']) {
        console.log(`  ${k.padEnd(6)} raw ${kib(e[k].raw).padStart(10)} (${e[k].raw} B)  gzip ${kib(e[k].gzip).padStart(9)} (${e[k].gzip} B)`);
      }
      const worst = Math.max(e.esm.gzip, e.dropin.gzip);
      console.log(`  budget ${kib(e.budget)} gzip (JS + wasm): ${verdict(worst, e.budget)}`);
    }
  }
}
