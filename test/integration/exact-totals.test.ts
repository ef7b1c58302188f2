import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatSpend, type SpendEventInput, spendToUnits } from '@spend-ledger/contract';
import { aSpendEvent, uniqueSuffix } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const UNIQUE = 9_500;
const DUPLICATES = 500;

function generate(run: string): { unique: SpendEventInput[]; all: SpendEventInput[] } {
  const next = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const id = (prefix: string, n: number) => `${prefix}-${run}-${Math.floor(next() * n)}`;
  const unique = Array.from({ length: UNIQUE }, (_, i) => {
    const keyNo = Math.floor(next() * 40);
    return aSpendEvent({
      request_id: `req-${run}-${i}`,
      timestamp: new Date(
        Date.UTC(2026, 10, 24 + Math.floor(next() * 4), Math.floor(next() * 24)),
      ).toISOString(),
      api_key: `key-${run}-${keyNo}`,
      // Each key belongs to one user, team and org, as in a real proxy.
      user_id: `user-${run}-${keyNo % 25}`,
      team_id: `team-${run}-${keyNo % 8}`,
      org_id: `org-${run}-${keyNo % 3}`,
      end_user_id: next() < 0.3 ? null : id('end', 300),
      tags: Array.from({ length: Math.floor(next() * 4) }, () => id('tag', 20)),
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'llama-3']),
      provider: pick(['openai', 'anthropic', 'bedrock']),
      prompt_tokens: Math.floor(next() * 5_000),
      completion_tokens: Math.floor(next() * 1_000),
      // Up to 12 decimals, as a string; every 7th as a JSON number.
      spend:
        i % 7 === 0
          ? Math.floor(next() * 1e6) / 1e6
          : `${Math.floor(next() * 3)}.${String(Math.floor(next() * 1e12)).padStart(12, '0')}`,
      status: next() < 0.03 ? 'failure' : 'success',
    });
  });
  const dups = Array.from(
    { length: DUPLICATES },
    () => unique[Math.floor(next() * UNIQUE)] as SpendEventInput,
  );
  const all = [...unique, ...dups].sort(() => next() - 0.5);
  return { unique, all };
}

interface Expected {
  spend: bigint;
  prompt: number;
  completion: number;
  requests: number;
  failed: number;
}

/** The expected totals per "type\0id", computed here independently of the writer's aggregation. */
function expectedTotals(events: readonly SpendEventInput[]): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const add = (type: string, entityId: string | null | undefined, e: SpendEventInput) => {
    if (!entityId) return;
    const k = `${type}\u0000${entityId}`;
    const row = out.get(k) ?? { spend: 0n, prompt: 0, completion: 0, requests: 0, failed: 0 };
    row.spend += spendToUnits(String(e.spend));
    row.prompt += e.prompt_tokens ?? 0;
    row.completion += e.completion_tokens ?? 0;
    row.requests += 1;
    row.failed += e.status === 'failure' ? 1 : 0;
    out.set(k, row);
  };
  for (const e of events) {
    add('key', e.api_key, e);
    add('user', e.user_id, e);
    add('end_user', e.end_user_id, e);
    add('team', e.team_id, e);
    add('org', e.org_id, e);
    for (const tag of new Set(e.tags ?? [])) add('tag', tag, e);
  }
  return out;
}

describe('10,000 events with 5% duplicates', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 6 });
  });
  after(async () => {
    await p?.stop();
  });

  it('gives exact totals for every entity of every type', async () => {
    const run = uniqueSuffix();
    const { unique, all } = generate(run);
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
    const db = p.database.db;
    const totals = await db.execute<{
      entity_type: string;
      entity_id: string;
      spend: string;
      api_requests: string;
    }>(sql`select entity_type, entity_id, spend::text, api_requests::text from entity_totals`);
    const daily = await db.execute<{
      entity_type: string;
      entity_id: string;
      spend: string;
      api_requests: string;
    }>(
      sql`select entity_type, entity_id, sum(spend)::numeric(38,12)::text as spend, sum(api_requests)::text as api_requests
          from daily_spend group by 1, 2`,
    );
    const logs = await db.execute<{ n: string; spend: string }>(
      sql`select count(*)::text as n, sum(spend)::numeric(38,12)::text as spend from spend_logs`,
    );
    assert.equal(Number(logs[0]?.n), UNIQUE, 'one per-request row per unique request_id');
    const keyTotal = [...expected]
      .filter(([k]) => k.startsWith('key\u0000'))
      .reduce((n, [, v]) => n + v.spend, 0n);
    assert.equal(logs[0]?.spend, formatSpend(keyTotal));

    for (const [label, rows] of [
      ['entity_totals', totals],
      ['daily_spend', daily],
    ] as const) {
      assert.equal(rows.length, expected.size, `${label}: one row per entity`);
      for (const row of rows) {
        const want = expected.get(`${row.entity_type}\u0000${row.entity_id}`);
        assert.ok(want, `${label}: unexpected entity ${row.entity_type}/${row.entity_id}`);
        assert.equal(
          row.spend,
          formatSpend(want.spend),
          `${label}: spend of ${row.entity_type}/${row.entity_id}`,
        );
        assert.equal(Number(row.api_requests), want.requests, `${label}: requests of ${row.entity_id}`);
      }
    }

    // And through the query API, for every entity of every type.
    const types = new Set<string>();
    for (const [k, want] of expected) {
      const [type, entityId] = k.split('\u0000') as [string, string];
      types.add(type);
      const r = await p.get<{
        spend: string;
        prompt_tokens: number;
        completion_tokens: number;
        api_requests: number;
        failed_requests: number;
      }>(`/v1/spend/${type}/${encodeURIComponent(entityId)}`);
      assert.deepEqual(
        [
          r.body.spend,
          r.body.prompt_tokens,
          r.body.completion_tokens,
          r.body.api_requests,
          r.body.failed_requests,
        ],
        [formatSpend(want.spend), want.prompt, want.completion, want.requests, want.failed],
        `${type}/${entityId}`,
      );
    }
    assert.deepEqual([...types].sort(), ['end_user', 'key', 'org', 'tag', 'team', 'user']);
  });
});
