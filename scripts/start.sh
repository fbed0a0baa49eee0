#!/usr/bin/env bash
# `npm start`: install, build, start local-aws and serve the demo at http://127.0.0.1:$PORT/www/
# Ports: $PORT (default 8080) for the pages, $LOCAL_AWS_PORT (default 4566) for local-aws. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
LOCAL_AWS_PORT=${LOCAL_AWS_PORT:-4566}
STATE=local-aws/state.json
say() { printf '\033[1m[start]\033[0m %s\n' "$*" >&2; }

bash scripts/setup.sh # building and serving only: `npm test` installs the test tools
COGNITO_FETCH_SKIP_SETUP=1 bash scripts/build.sh

rm -f "$STATE"
say "starting local-aws on 127.0.0.1:$LOCAL_AWS_PORT"
local-aws/.venv/bin/python local-aws/server.py --port "$LOCAL_AWS_PORT" --state "$STATE" &
AWS_PID=$!
SERVE_PID=
cleanup() {
  trap - EXIT INT TERM
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  kill "$AWS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 300); do
  [ -s "$STATE" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$STATE" 2>/dev/null && break
  kill -0 "$AWS_PID" 2>/dev/null || { say "local-aws exited before it was ready"; exit 1; }
  sleep 0.1
done
[ -s "$STATE" ] || { say "local-aws did not write $STATE within 30 s"; exit 1; }

# Managed login redirects only to registered URLs; config.json registers http://localhost:8080/www/.
if [ "$PORT" != 8080 ]; then
  say "registering http://localhost:$PORT/www/ as a callback and sign-out URL"
  local-aws/.venv/bin/python local-aws/register_urls.py --state "$STATE" "http://localhost:$PORT/www/"
fi

node scripts/serve.mjs --root . --port "$PORT" --route "/local-aws.json=$STATE" >/dev/null &
SERVE_PID=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || { say "the page server exited (is port $PORT free?)"; exit 1; }
  sleep 0.1
done
echo
echo "cognito-fetch demo: http://localhost:$PORT/www/"
echo "(served on 127.0.0.1; open it as localhost: the hosted sign-in may only return to http://localhost, as at AWS)"
echo "(local-aws: http://127.0.0.1:$LOCAL_AWS_PORT — press Ctrl-C to stop both)"
echo
wait "$SERVE_PID"
