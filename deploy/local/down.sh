#!/usr/bin/env bash
# Stops the services started by up.sh (SIGTERM, so each shuts down in order), then the Kafka broker.
# `npm run down -- --keep-kafka` leaves the broker running. PostgreSQL is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STATE=.local/run

for name in gateway query-api ledger-writer; do
  pidfile="$STATE/$name.pid"
  [[ -f "$pidfile" ]] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "$name: stopped"
  fi
  rm -f "$pidfile"
done
[[ "${1:-}" == "--keep-kafka" ]] || bash deploy/kafka/kafka.sh stop
