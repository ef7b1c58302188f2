import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { reconcileLedger } from '@spend-ledger/ledger-db';
import { expectedTotals, generateWorkload, uniqueSuffix } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

const UNIQUE = 9_500;
const DUPLICATES = 500;

describe('10,000 events with 5% duplicates', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 6 });
  });
  after(async () => {
    await p?.stop();
  });

  it('gives exact totals for every entity of every type', async () => {
    const { unique, all } = generateWorkload({
      unique: UNIQUE,
      duplicates: DUPLICATES,
      runId: uniqueSuffix(),
    });
    const batches: SpendEventInput[][] = [];
    for (let i = 0; i < all.length; i += 500) batches.push(all.slice(i, i + 500));
    // Four clients posting at once, as several proxy pods would.
    const queue = [...batches];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift()) {
          const res = await p.post(batch);
          assert.equal(res.status, 202, await res.text());
        }
      }),
    );
    await p.waitForLagZero(120_000);

    const expected = expectedTotals(unique);
    const logs = await p.database.db.execute<{ n: string }>(sql`select count(*)::text as n from spend_logs`);
    assert.equal(Number(logs[0]?.n), UNIQUE, 'one per-request row per unique request_id');

    // Logs = daily aggregates = totals, and totals = what was sent, for every entity of every type.
    const report = await reconcileLedger(p.database.db, expected);
    assert.deepEqual(report.differences, []);
    const entities = Object.values(expected).reduce((n, ids) => n + Object.keys(ids).length, 0);
    assert.equal(report.compared['expected-vs-totals'], entities);
    assert.deepEqual(Object.keys(expected).sort(), [
      'end_user',
      'key',
      'org',
      'proxy',
      'tag',
      'team',
      'team_member',
      'user',
    ]);
    // The escaped team_member ids (a team id with '/' and '%') are covered too.
    assert.ok(Object.keys(expected.team_member ?? {}).some((id) => id.includes('%2F') && id.includes('%25')));

    // And the same figures through the query API.
    for (const [type, ids] of Object.entries(expected)) {
      for (const [entityId, want] of Object.entries(ids)) {
        const r = await p.get<Record<string, string | number>>(
          `/v1/spend/${type}/${encodeURIComponent(entityId)}`,
        );
        assert.deepEqual(
          [
            r.body.spend,
            r.body.prompt_tokens,
            r.body.completion_tokens,
            r.body.cache_read_input_tokens,
            r.body.cache_creation_input_tokens,
            r.body.api_requests,
            r.body.failed_requests,
          ],
          [
            want.spend,
            Number(want.prompt_tokens),
            Number(want.completion_tokens),
            Number(want.cache_read_input_tokens),
            Number(want.cache_creation_input_tokens),
            Number(want.api_requests),
            Number(want.failed_requests),
          ],
          `${type}/${entityId}`,
        );
      }
    }
  });
});
