#!/usr/bin/env bash
# A private PostgreSQL server for the fault suite, which stops and starts it under load without
# disturbing the machine's main server. start|stop|status; data in $FAULT_PG_DIR, port $FAULT_PG_PORT.
set -euo pipefail
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
DIR="${FAULT_PG_DIR:-/tmp/spend-ledger-fault-pg}"
PORT="${FAULT_PG_PORT:-15432}"
[[ -x "$PGBIN/pg_ctl" ]] || { echo "fault-postgres: no PostgreSQL binaries found (set PGBIN)" >&2; exit 1; }

# Postgres refuses to run as root; run its tools as the postgres user when we are root.
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [[ ! -f "$DIR/PG_VERSION" ]]; then
      mkdir -p "$DIR"
      [[ $(id -u) == 0 ]] && chown postgres: "$DIR"
      as_pg "$PGBIN/initdb" -D "$DIR" -A trust -U postgres --no-sync >/dev/null
    fi
    if as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then exit 0; fi
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c max_connections=200" start >/dev/null
    echo "fault-postgres: ready at 127.0.0.1:$PORT"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1 || exit 0
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast -w -t 60 stop >/dev/null
    echo "fault-postgres: stopped"
    ;;
  status) as_pg "$PGBIN/pg_ctl" -D "$DIR" status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
