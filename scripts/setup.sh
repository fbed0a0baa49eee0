#!/usr/bin/env bash
# Installs everything cognito-fetch needs on a fresh Debian 12 machine, skipping what is present.
# Idempotent: safe to run before every `npm start` / `npm test`. Slow steps say so.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# --- Rust: wasm32 target --------------------------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- wasm-bindgen-cli, exactly the version pinned in Cargo.toml -------------------------------------
WB_VERSION=$(sed -n 's/^wasm-bindgen *= *.*"=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
[ -n "$WB_VERSION" ] || { say "cannot read the pinned wasm-bindgen version from Cargo.toml"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION (cargo install, about 12 minutes on 2 cores)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# --- wasm-pack ----------------------------------------------------------------------------------
if ! command -v wasm-pack >/dev/null 2>&1; then
  say "installing wasm-pack (cargo install, about 5 minutes)"
  cargo install wasm-pack --locked
fi

# --- Chromium + ChromeDriver from Debian --------------------------------------------------------
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing Debian chromium + chromium-driver (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
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
fi

# --- Python venv for local-aws (pinned) ---------------------------------------------------------
VENV=local-aws/.venv
req=local-aws/requirements.txt
lock=local-aws/requirements.lock
want=$(cat "$req" "$lock" | sha256sum | cut -c1-16)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$want" ]; then
  say "creating the local-aws Python venv (pip install moto[server] and friends, about 3 minutes)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$req" -c "$lock"
  echo "$want" > "$VENV/.stamp"
fi
say "set-up complete"
