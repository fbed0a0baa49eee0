#!/usr/bin/env bash
# Installs what cognito-fetch needs on a fresh Debian 12 machine, skipping what is present. Idempotent: safe to run
# before every `npm start` / `npm test`; every step it takes is printed, slow ones say so.
#   bash scripts/setup.sh          building and serving (npm start, npm run build): the Rust wasm32 target, npm dev
#                                  dependencies, the local-aws Python venv, Debian's mosquitto (local-aws's MQTT
#                                  broker) and xmlsec1 (its SAML signatures): about a minute on a fresh machine
#   bash scripts/setup.sh --test   also what only the tests need (npm test, npm run setup): wasm-bindgen-cli, whose
#                                  wasm-bindgen-test-runner runs tests/web.rs in Chromium, and Chromium +
#                                  ChromeDriver (about 5 more minutes: wasm-bindgen-cli is built from source)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"
TEST_TOOLS=0
case "${1:-}" in
  --test) TEST_TOOLS=1 ;;
  "") ;;
  *) say "unknown option $1 (use --test for the test tools too)"; exit 2 ;;
esac

# --- Rust: wasm32 target --------------------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else
  say "rust target wasm32-unknown-unknown: present"
fi

# --- Python venv for local-aws (pinned), made while npm installs (both mostly wait on the network) --
venv_step() {
  local venv=local-aws/.venv req=local-aws/requirements.txt lock=local-aws/requirements.lock want
  want=$(cat "$req" "$lock" | sha256sum | cut -c1-16)
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]; then
    say "creating the local-aws Python venv (pip install moto[server] and friends, about 1 minute)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" -c "$lock"
    echo "$want" > "$venv/.stamp"
  else
    say "local-aws venv: up to date"
  fi
}
venv_step &
VENV_PID=$!
trap 'kill "$VENV_PID" 2>/dev/null || true' EXIT # npm failed: do not leave pip running

# --- Mosquitto from Debian: the MQTT broker behind local-aws's AWS IoT endpoint --------------------
if [ ! -x /usr/sbin/mosquitto ] && ! command -v mosquitto >/dev/null 2>&1; then
  say "installing Debian mosquitto (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mosquitto >/dev/null
fi

# --- xmlsec1 from Debian (pysaml2 signs and checks SAML with it: local-aws's SAML federation) ---------
if ! command -v xmlsec1 >/dev/null 2>&1; then
  say "installing Debian xmlsec1 (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq xmlsec1 >/dev/null
fi

# --- npm dev dependencies (binaryen's wasm-opt, playwright-core, benchmarks' peers) --------------
stamp=node_modules/.cognito-fetch-stamp
want=$(sha256sum package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dev dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  want=$(sha256sum package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
  echo "$want" > "$stamp"
else
  say "npm dev dependencies: up to date"
fi
wait "$VENV_PID" || { say "creating the local-aws venv failed"; exit 1; }
trap - EXIT

# --- the tests only (--test) ---------------------------------------------------------------------
if [ "$TEST_TOOLS" = 1 ]; then
  # wasm-bindgen-cli, exactly the version pinned in Cargo.toml: its wasm-bindgen-test-runner runs
  # `cargo test --target wasm32-unknown-unknown --test web` in headless Chromium (scripts/test.sh).
  WB_VERSION=$(sed -n 's/^wasm-bindgen *= *.*"=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
  [ -n "$WB_VERSION" ] || { say "cannot read the pinned wasm-bindgen version from Cargo.toml"; exit 1; }
  if [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
    say "installing wasm-bindgen-cli $WB_VERSION (cargo install, about 4 minutes on 2 cores)"
    cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
  else
    say "wasm-bindgen-cli $WB_VERSION: present"
  fi

  # Chromium + ChromeDriver from Debian: the browser tests (tests/web.rs, tests/e2e).
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian chromium + chromium-driver (apt-get)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    say "chromium + chromedriver: present"
  fi
fi

say "set-up complete$([ "$TEST_TOOLS" = 1 ] && echo " (with the test tools)" || echo " (for building and serving; the tests add theirs: npm test)")"
