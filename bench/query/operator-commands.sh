#!/usr/bin/env bash
# Times the operator commands on the database bench:query loaded (issue 11, "operator commands at
# scale"): reconcile of one day and of a week, then archive → drop → restore of the oldest day and a
# reconcile that proves it. Changes nothing in the end (the day's rows are put back as archived).
#   flock /tmp/spend-ledger-bench.lock bash bench/query/operator-commands.sh [DAY] [WEEK_FROM WEEK_TO]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
node scripts/build.mjs --quiet
export DATABASE_URL="${BENCH_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}/${BENCH_QUERY_DATABASE:-ledger_bench_query}"
export ARCHIVE_DIR="${ARCHIVE_DIR:-$(mktemp -d /tmp/ledger-bench-archive-XXXX)}"
day="${1:-2026-10-01}" from="${2:-2026-11-23}" to="${3:-2026-11-29}"
ledger() { node packages/ledger-db/dist/cli.js "$@"; }
timed() { # prints the command, its output's last lines, and the wall time
  echo "\$ ledger $*"
  local start=$SECONDS
  ledger "$@" 2>&1 | tail -4
  echo "  ($((SECONDS - start)) s)"
}
timed reconcile --from "$day" --to "$day"
timed reconcile --from "$from" --to "$to"
timed archive --from "$day" --to "$day"
psql "$DATABASE_URL" -Atc "select 'dropped partition: ' || spend_ledger_drop_spend_logs_partition('$day'::date)"
timed reconcile --from "$day" --to "$day"
timed restore --from "$day" --to "$day"
timed reconcile --from "$day" --to "$day"
rm -rf "$ARCHIVE_DIR"
