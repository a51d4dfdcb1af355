#!/usr/bin/env bash
# The pipeline on a real S3 API: starts the S3-compatible server that `make` built (versitygw,
# data under ./.s3) on 127.0.0.1, creates the bucket, runs `gmp pipeline` against it (DuckDB then
# reads the lake through httpfs), and stops the server. `run-s3.sh serve` keeps the server up
# until Ctrl-C instead: the lake `gmp` on this machine and `dagger call` (which reaches it as a
# host service) both use. Local development credentials only; the Dagger module holds the same
# defaults (HOST_LAKE in dagger/src/commands.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${S3_PORT:-9000}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-gmp-local}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-gmp-local-secret}
export AWS_REGION=${AWS_REGION:-us-east-1}
export S3_ENDPOINT=http://127.0.0.1:$port
export LAKE_URL=${LAKE_URL:-s3://game-market-lake}

mkdir -p .s3/data
ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
  .tools/bin/versitygw --port "127.0.0.1:$port" posix "$PWD/.s3/data" > .s3/server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  curl -s -o /dev/null "$S3_ENDPOINT" && break
  kill -0 "$server" 2>/dev/null || { echo "the S3 server did not start (port $port taken? set S3_PORT): see .s3/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "S3 server (versitygw) on $S3_ENDPOINT, lake $LAKE_URL" >&2

bin/gmp.js lake init
if [ "${1:-}" = serve ]; then
  echo "serving until Ctrl-C; gmp reads this lake with:" >&2
  echo "  export LAKE_URL=$LAKE_URL S3_ENDPOINT=$S3_ENDPOINT AWS_REGION=$AWS_REGION AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" >&2
  wait "$server"
  exit
fi
bin/gmp.js pipeline "$@"
