#!/usr/bin/env bash
# `npm run local-aws`: the local stand-in for AWS (S3, DynamoDB, Cognito) in the foreground.
# Port: $LOCAL_AWS_PORT (default 4566). Extra arguments go to local-aws/server.py (e.g. --state FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec local-aws/.venv/bin/python local-aws/server.py --port "${LOCAL_AWS_PORT:-4566}" "$@"
