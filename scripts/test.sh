#!/usr/bin/env bash
# npm test: set-up, then every test layer; any failure fails the run. Ends with each layer's counts and a total.
#   native  cargo test: pure protocol logic + AWS's SigV4 suite and the S3/DynamoDB cases (../shared/conformance)
#   lint    cargo clippy (unwrap/expect/panic/indexing denied in library code), native and wasm32
#   wasm    tests/web.rs in headless Chromium (cargo test with wasm-bindgen-test-runner as the wasm32 runner and
#           ChromeDriver): the JS boundary as a page calls it
#   types   tsc --strict over a typed usage file against the built package's .d.ts
#   local   pytest of local-aws (our strict stand-in for AWS)
#   e2e     node --test + playwright-core: pages on 127.0.0.1 using the built package against local-aws
#   matrix  the packed package (npm pack of pkg/) built into apps by Vite, webpack, Rollup, esbuild, Parcel, Next.js
#           (Turbopack and --webpack), the drop-in (with and without a CSP), Node 20/22 import and require,
#           TypeScript (bundler/node16/node10), each signing the S3 documentation's example; and the example apps
#           (examples/vite-react, examples/nextjs) built for production and driven in Chromium against local-aws.
#           Installs its tools first (tests/matrix/setup.sh: npm ci there, skipped when unchanged). Tables of times.
#   bench   npm run bench --quick: the side-by-side benchmark's cross-checks (signatures agree with
#           aws4fetch/@smithy, our SRP claim verifies); timings are printed, never asserted
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
OUT=.test-output
rm -rf "$OUT" && mkdir -p "$OUT"

bash scripts/setup.sh --test || { echo "set-up failed"; exit 1; }

declare -a SUMMARY=()
TOTAL_PASS=0
TOTAL_FAIL=0
FAILED_LAYERS=()

# layer NAME COUNTER -- command...   (COUNTER: cargo | pytest | node | none)
layer() {
  local name=$1 counter=$2
  shift 3
  printf '\n\033[1m=== %s: %s\033[0m\n' "$name" "$*"
  local started=$SECONDS
  "$@" 2>&1 | tee "$OUT/$name.log"
  local rc=${PIPESTATUS[0]} pass=0 fail=0 took="($((SECONDS - started)) s)"
  case $counter in
    cargo) pass=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$OUT/$name.log" | awk '{s+=$4} END {print s+0}')
           fail=$(grep -Eo '; [0-9]+ failed' "$OUT/$name.log" | awk '{s+=$2} END {print s+0}') ;;
    pytest) pass=$(grep -Eo '[0-9]+ passed' "$OUT/$name.log" | tail -1 | awk '{print $1+0}')
            fail=$(grep -Eo '[0-9]+ (failed|error)' "$OUT/$name.log" | tail -1 | awk '{print $1+0}') ;;
    node) pass=$(grep -E '^# pass [0-9]+' "$OUT/$name.log" | tail -1 | awk '{print $3+0}')
          fail=$(grep -E '^# fail [0-9]+' "$OUT/$name.log" | tail -1 | awk '{print $3+0}') ;;
  esac
  pass=${pass:-0}; fail=${fail:-0}
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  if [ "$counter" != none ] && [ "$rc" -eq 0 ] && [ "$pass" -eq 0 ]; then
    echo "layer $name ran no test"; fail=1; rc=1
  fi
  if [ "$counter" = none ]; then
    SUMMARY+=("$(printf '%-7s %s %s' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)" "$took")")
  else
    SUMMARY+=("$(printf '%-7s %s passed, %s failed %s' "$name" "$pass" "$fail" "$took")")
    TOTAL_PASS=$((TOTAL_PASS + pass)); TOTAL_FAIL=$((TOTAL_FAIL + fail))
  fi
  [ "$rc" -eq 0 ] || FAILED_LAYERS+=("$name")
}

layer native cargo -- cargo test --quiet
layer lint none -- bash -c 'cargo clippy --quiet --lib -- -D warnings && cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings && cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings'
layer build none -- env COGNITO_FETCH_SKIP_SETUP=1 bash scripts/build.sh
# What `wasm-pack test --headless --chrome --release -- --test web` did, without wasm-pack: cargo builds the test
# wasm and hands it to wasm-bindgen-test-runner, which serves it and drives headless Chromium through ChromeDriver
# (capabilities from webdriver.json: --no-sandbox, --headless ...).
layer wasm cargo -- env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --release --target wasm32-unknown-unknown --test web
layer types none -- node_modules/.bin/tsc -p tests/types/tsconfig.json
layer local pytest -- local-aws/.venv/bin/python -m pytest -q local-aws/tests
layer e2e node -- node --test --test-concurrency=1 tests/e2e/
layer matrix node -- bash -c 'bash tests/matrix/setup.sh && node --test --test-concurrency=1 tests/matrix/matrix.test.mjs tests/matrix/examples.test.mjs'
layer bench none -- node scripts/bench.mjs --quick

printf '\n\033[1m=== summary\033[0m\n'
for s in "${SUMMARY[@]}"; do echo "$s"; done
[ -f pkg/cognito_fetch_bg.wasm ] && node scripts/size.mjs
[ ${#FAILED_LAYERS[@]} -eq 0 ] || echo "failed layers: ${FAILED_LAYERS[*]}"
echo "${TOTAL_PASS} passed, ${TOTAL_FAIL} failed"
[ ${#FAILED_LAYERS[@]} -eq 0 ] && [ "$TOTAL_FAIL" -eq 0 ]
