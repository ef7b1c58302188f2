#!/usr/bin/env bash
# The one test command (`npm test`): starts what the tests need, checks types and lint, then runs
# the unit tests and the integration tests against the real broker and the real database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shopt -s globstar nullglob

bash scripts/ensure-infra.sh
echo "== typecheck"; npx tsc -p tsconfig.json
npx tsc -p services/query-api/ui/tsconfig.json
# The compiled services (the deploy-file tests read them, the fault suite and bench run them) and
# the dashboard's assets (the query API serves them; the browser tests load them).
echo "== build"; npm run --silent build
echo "== lint"; npx biome check .

# Node 20's test runner does not expand globs itself.
files=(packages/*/src/**/*.test.ts services/*/src/**/*.test.ts services/*/ui/src/**/*.test.ts
  test/repo/**/*.test.ts test/deploy/**/*.test.ts
  test/integration/**/*.test.ts)
if [[ $# -gt 0 ]]; then files=("$@"); fi
echo "== tests (${#files[@]} files)"
export KAFKAJS_NO_PARTITIONER_WARNING=1
# A test that hangs fails after 15 minutes, and the whole run is killed after 50, so a hang can never
# hold CI until its own deadline (90 minutes). 15, not 5: Node 20 applies the timeout to each file as
# a whole, and the fuzz file (190,000 requests) took over 5 minutes on a machine loaded by other work.
exec timeout --kill-after=30 3000 node --import tsx --test --test-concurrency=1 --test-timeout=900000 \
  --test-reporter=spec "${files[@]}"
