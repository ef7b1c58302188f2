#!/usr/bin/env bash
# Makes sure the two real dependencies are up: PostgreSQL on $PGHOST:$PGPORT and the local Kafka
# broker (deploy/kafka/kafka.sh). Idempotent; used by `npm run up`, `npm test` and .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"

pg_up() { pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    echo "postgres: down; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  else
    echo "postgres: nothing answers on $PGHOST:$PGPORT and no local cluster to start." >&2
    echo "          Start PostgreSQL 15+ (or set DATABASE_URL / PGHOST / PGPORT) and try again." >&2
    exit 1
  fi
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || { echo "postgres: did not become ready on $PGHOST:$PGPORT" >&2; exit 1; }
fi
echo "postgres: ready at $PGHOST:$PGPORT"

bash deploy/kafka/kafka.sh start

# The dashboard's browser tests drive Debian's Chromium through playwright-core: a browser download at
# install time is not possible on these machines, Debian's package is.
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium: not installed; installing Debian's package"
  if ! { apt-get update -qq && apt-get install -y -qq chromium; }; then
    echo "chromium: could not install it (needs root and Debian's archive); the dashboard tests will fail" >&2
    if [[ "${CI:-}" == "true" ]]; then exit 1; fi
  fi
fi

# test/deploy/prometheus.test.ts checks the alert rules with promtool and evaluates every dashboard
# and alert expression on a real Prometheus scraping the services: Debian's package has both.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "prometheus: not installed; installing Debian's package"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; }; then
    echo "prometheus: could not install it (needs root and Debian's archive); the Prometheus test will fail" >&2
    if [[ "${CI:-}" == "true" ]]; then exit 1; fi
  fi
fi
