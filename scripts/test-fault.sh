#!/usr/bin/env bash
# The fault suite (`npm run test:fault`): SIGKILLed writers, a Postgres restart, a Kafka restart,
# rebalances, a full replay and poison messages, each against the suite's own broker (port 19092)
# and its own PostgreSQL server (port 15432), which it starts, restarts and stops itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export KAFKAJS_NO_PARTITIONER_WARNING=1
rm -rf .local/fault-logs
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec test/fault/*.test.ts
