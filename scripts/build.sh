#!/usr/bin/env bash
# npm run build: the npm package and the drop-in script, into pkg/.
#   1. cargo build of one release wasm per entry (cognito-fetch, cognito-fetch/sigv4, cognito-fetch/user-pool: the
#      release profile of Cargo.toml, one Cargo feature per entry; no wasm-bindgen: the boundary is plain exports,
#      and pkg-config/wasm.js is its JS side);
#   2. wasm-opt (each entry's wasm) from npm `binaryen` (132) with explicit feature flags: --flatten --rereloop (control flow
#      rebuilt), then -Oz twice: 0.4 KiB gzip smaller than -Oz alone, same speed (SRP, SigV4). Also
#      --low-memory-unused (constant offsets folded into loads and stores): valid because the Rust wasm32 layout
#      puts the stack first, growing down from 1 MiB, with data and heap above it, so nothing lives in the low
#      1 KiB unless a call used nearly 1 MiB of stack (-0.2 KiB gzip);
#   3. scripts/package.mjs: the entries, the JS layer, types, package.json fields and the drop-in from pkg-config/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ "${COGNITO_FETCH_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
rm -rf pkg
mkdir -p pkg
# Features the Rust 1.95 wasm32 target emits by default; wasm-opt must be told explicitly.
WASM_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-reference-types --enable-multivalue --enable-simd)
# One release wasm per entry of the package, from the one crate: its Cargo feature gates the steps (src/js/mod.rs),
# LTO drops the rest. --no-default-features: the no_std build (see [features] in Cargo.toml). Each feature set
# builds into its own target directory, so a rebuild of one entry does not invalidate the others' cached builds.
#   entry      features    wasm
ENTRIES=(
  "full      full        cognito_fetch_bg.wasm"
  "sigv4     sigv4       sigv4/cognito_fetch_sigv4_bg.wasm"
  "user-pool user-pool   user-pool/cognito_fetch_user_pool_bg.wasm"
)
for e in "${ENTRIES[@]}"; do
  read -r name features wasm <<<"$e"
  started=$SECONDS
  mkdir -p "$(dirname "pkg/$wasm")"
  echo "[build] $name: cargo build --release --target wasm32-unknown-unknown --no-default-features --features $features" >&2
  cargo build --quiet --release --target wasm32-unknown-unknown --no-default-features --features "$features" --target-dir "target/entry-$name"
  echo "[build] $name: wasm-opt --flatten --rereloop -Oz -Oz --low-memory-unused" >&2
  node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --low-memory-unused --strip-debug --strip-producers "${WASM_FEATURES[@]}" \
    "target/entry-$name/wasm32-unknown-unknown/release/cognito_fetch.wasm" -o "pkg/$wasm"
  echo "[build] $name: $((SECONDS - started)) s" >&2
done
node scripts/package.mjs
node scripts/size.mjs
