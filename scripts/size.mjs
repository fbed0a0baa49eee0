// npm run size: raw and gzip bytes of what a page loads (wasm + JS), for the ESM package and the drop-in.
// `--json` prints the figures as JSON (the test summary uses it).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// The project's budgets, by stage: SigV4 slice (issue A) 20 KiB, + user pools (B) 26 KiB, whole package (C) 32 KiB.
const BUDGETS = [['A (SigV4)', 20], ['A+B (user pools)', 26], ['whole package', 32]];
const BUDGET_GZIP = 32 * 1024;
const at = (p) => new URL(`../pkg/${p}`, import.meta.url);
const size = (files) =>
  files.reduce(
    (acc, f) => {
      const b = readFileSync(at(f));
      return { raw: acc.raw + b.length, gzip: acc.gzip + gzipSync(b, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );
const report = {
  wasm: size(['cognito_fetch_bg.wasm']),
  esm: size(['cognito_fetch_bg.wasm', 'index.js']),
  dropin: size(['cognito_fetch_bg.wasm', 'cognito-fetch.js']),
  budgetGzip: BUDGET_GZIP,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  const kib = (n) => (n / 1024).toFixed(1) + ' KiB';
  for (const [k, v] of Object.entries(report)) {
    if (typeof v === 'object') console.log(`size ${k.padEnd(6)} raw ${kib(v.raw).padStart(10)}  gzip ${kib(v.gzip).padStart(9)}`);
  }
  const worst = Math.max(report.esm.gzip, report.dropin.gzip);
  for (const [stage, k] of BUDGETS) {
    console.log(`size budget ${stage}: ${k} KiB gzip: ${worst <= k * 1024 ? 'within' : 'over by ' + kib(worst - k * 1024)}`);
  }
}
