#!/usr/bin/env bash
# The fault suite (`npm run test:fault`): SIGKILLed writers, a Postgres restart, a Kafka restart,
# rebalances, a full replay and poison messages, each against the suite's own broker (port 19092)
# and its own PostgreSQL server (port 15432), which it starts, restarts and stops itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export KAFKAJS_NO_PARTITIONER_WARNING=1
rm -rf .local/fault-logs
# The suite runs the compiled services (services/*/dist/main.js), as production does.
node scripts/build.mjs
# Each scenario has its own deadline; this one bounds the whole suite (about 2 minutes when healthy).
# Extra arguments go to the test runner, e.g. --test-name-pattern='Postgres restart'.
exec timeout --kill-after=30 1800 node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  "$@" test/fault/fault-suite.test.ts
