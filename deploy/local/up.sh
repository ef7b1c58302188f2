#!/usr/bin/env bash
# Brings up the whole pipeline on this machine without Docker: PostgreSQL (started if down), the
# local Kafka broker, the database and its migrations, and the three services in the background.
# Idempotent: services already running are left alone. Stop with `npm run down`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT="$PWD"
STATE="$ROOT/.local/run"
mkdir -p "$STATE"

bash scripts/ensure-infra.sh

# Tokens are generated once and kept in a git-ignored file; services refuse to start without them.
TOKENS="$ROOT/.local/tokens.env"
if [[ ! -f "$TOKENS" ]]; then
  umask 077
  {
    echo "LEDGER_INGEST_TOKENS=ingest-$(openssl rand -hex 20)"
    echo "LEDGER_QUERY_TOKENS=query-$(openssl rand -hex 20)"
  } >"$TOKENS"
  echo "tokens: generated in .local/tokens.env"
fi
set -a
# shellcheck disable=SC1090
source "$TOKENS"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spend_ledger}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
# The local broker is a single node: its topics can have one replica only (the services' defaults,
# 3 replicas with 2 in sync, are for production clusters).
export KAFKA_TOPIC_REPLICATION_FACTOR="${KAFKA_TOPIC_REPLICATION_FACTOR:-1}"
export KAFKA_TOPIC_MIN_INSYNC_REPLICAS="${KAFKA_TOPIC_MIN_INSYNC_REPLICAS:-1}"
export KAFKAJS_NO_PARTITIONER_WARNING=1
set +a

# Every service runs compiled (services/*/dist/main.js), never through tsx; the build also makes the
# dashboard's assets the query API serves under /ui.
npm run --silent build
npm run --silent db:migrate

start_service() { # name dir port ops_port [node flags]
  local name=$1 dir=$2 port=$3 ops_port=$4 node_flags=${5:-} pidfile="$STATE/$1.pid" logfile="$STATE/$1.log"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$name: already running (pid $(cat "$pidfile"))"
    return
  fi
  # exec keeps one process: the recorded pid is node's own, so down.sh's SIGTERM reaches it.
  # shellcheck disable=SC2086
  (cd "$dir" && exec setsid node $node_flags dist/main.js >>"$logfile" 2>&1 </dev/null) &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$ops_port/readyz" >/dev/null 2>&1; then
      echo "$name: ready at http://127.0.0.1:$port, ops at 127.0.0.1:$ops_port (log: .local/run/$name.log)"
      return
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name: exited during start; last log lines:" >&2
      tail -20 "$logfile" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "$name: not ready after 60 s; see .local/run/$name.log" >&2
  exit 1
}

start_service gateway services/gateway "${GATEWAY_PORT:-8080}" "${GATEWAY_OPS_PORT:-8090}"
# The writer's node flags and malloc settings (services/ledger-writer/src/process-settings.ts,
# docs/decisions.md "Writer memory"). Its one port is its ops port.
MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 \
  start_service ledger-writer services/ledger-writer "${WRITER_PORT:-8082}" "${WRITER_PORT:-8082}" \
  "--max-old-space-size=192 --max-semi-space-size=4"
start_service query-api services/query-api "${QUERY_PORT:-8081}" "${QUERY_OPS_PORT:-8091}"

INGEST=${LEDGER_INGEST_TOKENS%%,*}
QUERY=${LEDGER_QUERY_TOKENS%%,*}
cat <<MSG

Spend Ledger is up.
  gateway        http://127.0.0.1:${GATEWAY_PORT:-8080}   POST /v1/events   (token: $INGEST)
  query API      http://127.0.0.1:${QUERY_PORT:-8081}   GET /v1/spend/...  /docs  (token: $QUERY)
  dashboard      http://127.0.0.1:${QUERY_PORT:-8081}/ui   (sign in with the query token above)
  ledger writer  http://127.0.0.1:${WRITER_PORT:-8082}   /readyz /metrics /lag
  ops ports      gateway 127.0.0.1:${GATEWAY_OPS_PORT:-8090}, query API 127.0.0.1:${QUERY_OPS_PORT:-8091}: /healthz /readyz /metrics
  kafka          127.0.0.1:9092   postgres  $DATABASE_URL
Tokens are kept in .local/tokens.env. Stop everything with: npm run down
MSG
