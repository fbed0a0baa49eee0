#!/usr/bin/env bash
# npm run build: the npm package and the drop-in script, into pkg/.
#   1. cargo build of the release wasm (the release profile of Cargo.toml; no wasm-bindgen: the boundary is
#      plain exports, and pkg-config/wasm.js is its JS side);
#   2. wasm-opt from npm `binaryen` (132) with explicit feature flags: --flatten --rereloop (control flow
#      rebuilt), then -Oz twice: 0.4 KiB gzip smaller than -Oz alone, same speed (SRP, SigV4). Also
#      --low-memory-unused (constant offsets folded into loads and stores): valid because the Rust wasm32 layout
#      puts the stack first, growing down from 1 MiB, with data and heap above it, so nothing lives in the low
#      1 KiB unless a call used nearly 1 MiB of stack (-0.2 KiB gzip);
#   3. scripts/package.mjs: the entry, the JS layer, types, package.json fields and the drop-in from pkg-config/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ "${COGNITO_FETCH_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
echo "[build] cargo build --release --target wasm32-unknown-unknown --no-default-features" >&2
rm -rf pkg
mkdir -p pkg
# --no-default-features: the no_std build (see [features] in Cargo.toml).
cargo build --quiet --release --target wasm32-unknown-unknown --no-default-features
# Features the Rust 1.95 wasm32 target emits by default; wasm-opt must be told explicitly.
WASM_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-reference-types --enable-multivalue --enable-simd)
echo "[build] wasm-opt --flatten --rereloop -Oz -Oz --low-memory-unused" >&2
node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --low-memory-unused --strip-debug --strip-producers "${WASM_FEATURES[@]}" \
  target/wasm32-unknown-unknown/release/cognito_fetch.wasm -o pkg/cognito_fetch_bg.wasm
node scripts/package.mjs
node scripts/size.mjs
