import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import { prepareSpendBatch, reconcileLedger, writePreparedBatch } from '@spend-ledger/ledger-db';
import { aSpendEvent, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

/** Keys are stored as SHA-256 digests; the query API hashes what it is asked. */
const digest = (raw: string) => createHash('sha256').update(raw).digest('hex');
const parse = (o: Parameters<typeof aSpendEvent>[0]) => SpendEventSchema.parse(aSpendEvent(o));

type Figures = { spend: string; api_requests: number; prompt_tokens: number };
const RANGE = 'from=2026-11-01&to=2026-11-30';

/** Aggregate rows of one entity (or roll-up value) per shard. */
async function shardsOf(h: { execute: QueryHarness['database']['db']['execute'] }, type: string, id: string) {
  const rows = await h.execute<{ shard: number }>(
    sql`select shard from entity_totals where entity_type = ${type} and entity_id = ${id} order by shard`,
  );
  return rows.map((r) => Number(r.shard));
}

/**
 * Aggregate rows carry the writer's shard (a Kafka partition it owns), so that writers never upsert
 * the same model, provider, org or proxy row. Every read sums over shards: the figures must be the
 * exact sum whatever the number of shard rows.
 */
describe('aggregate rows sharded by writer partition', () => {
  let h: QueryHarness;
  const keyA = digest('sk-shard-a');
  const keyB = digest('sk-shard-b');
  const common = { org_id: 'org-s', team_id: 'team-s', user_id: 'alice', model: 'gpt-s', provider: 'prov-s' };
  // Three writers' windows: shard 0 (no partition), 1 and 4; the keyless events of shards 1 and 4
  // have the same daily_spend key apart from the shard (keyless events spread over partitions).
  const batches: Array<{ shard: number; events: SpendEvent[] }> = [
    {
      shard: 0,
      events: [parse({ ...common, api_key: keyA, spend: '0.100000000001', tags: ['t1'] })],
    },
    {
      shard: 1,
      events: [
        parse({ ...common, api_key: keyA, spend: '1.000000000001', prompt_tokens: 10 }),
        parse({ ...common, api_key: '', spend: '0.5', timestamp: '2026-11-28T12:30:00.000Z' }),
      ],
    },
    {
      shard: 4,
      events: [
        parse({ ...common, api_key: keyB, spend: '2.25', status: 'failure', tags: ['t1'] }),
        parse({ ...common, api_key: '', spend: '0.000000000002', timestamp: '2026-11-28T12:45:00.000Z' }),
        parse({ ...common, api_key: keyB, spend: '3', timestamp: '2026-11-29T23:30:00.000Z' }),
      ],
    },
  ];
  const all = batches.flatMap((b) => b.events);
  const total = '6.850000000004';

  before(async () => {
    h = await startQueryHarness();
    for (const b of batches) {
      const written = await writePreparedBatch(
        h.database.db,
        prepareSpendBatch(b.events, [], { shard: b.shard }),
      );
      assert.equal(written.written, b.events.length);
    }
  });
  after(async () => {
    await h?.database.drop();
  });

  it('keeps one row per shard for the rows every writer touches', async () => {
    const db = h.database.db;
    for (const [type, id] of [
      ['org', 'org-s'],
      ['team', 'team-s'],
      ['user', 'alice'],
      ['proxy', 'litellm-proxy-budget'],
    ] as const)
      assert.deepEqual(await shardsOf(db, type, id), [0, 1, 4], `${type} ${id}`);
    // A key lives on one partition; its rows are in the shards of the windows that read it.
    assert.deepEqual(await shardsOf(db, 'key', keyA), [0, 1]);
    assert.deepEqual(await shardsOf(db, 'key', keyB), [4]);
    const rollup = await db.execute<{ dimension: string; n: string }>(sql`
      select dimension, count(*)::text as n from daily_rollup
      where (dimension, value) in (('model', 'gpt-s'), ('provider', 'prov-s')) and day = '2026-11-28'
      group by dimension order by dimension`);
    assert.deepEqual(
      rollup.map((r) => [r.dimension, r.n]),
      [
        ['model', '3'],
        ['provider', '3'],
      ],
    );
    const keyless = await db.execute<{ shard: number; spend: string }>(sql`
      select shard, spend::text as spend from daily_spend
      where entity_type = 'org' and entity_id = 'org-s' and api_key = '' order by shard`);
    assert.deepEqual(
      keyless.map((r) => [Number(r.shard), r.spend]),
      [
        [1, '0.500000000000'],
        [4, '0.000000000002'],
      ],
    );
  });

  it('answers totals, daily, activity and reports with the exact sum over shards', async () => {
    const totals = await h.get<Figures>('/v1/spend/org/org-s');
    assert.deepEqual(
      [totals.body.spend, totals.body.api_requests, totals.body.prompt_tokens],
      [total, 6, 510],
    );
    const proxy = await h.get<Figures>('/v1/spend/proxy/litellm-proxy-budget');
    assert.equal(proxy.body.spend, total);

    const daily = await h.get<{ days: Array<Figures & { date: string }>; totals: Figures }>(
      `/v1/spend/org/org-s/daily?${RANGE}`,
    );
    assert.deepEqual(
      daily.body.days.map((d) => [d.date, d.spend, d.api_requests]),
      [
        ['2026-11-28', '3.850000000004', 5],
        ['2026-11-29', '3.000000000000', 1],
      ],
    );
    assert.equal(daily.body.totals.spend, total);

    // A zone other than UTC reads the hourly rows: 23:30 UTC on the 29th is the 30th in Berlin.
    const berlin = await h.get<{ days: Array<Figures & { date: string }>; totals: Figures }>(
      `/v1/spend/org/org-s/daily?${RANGE}&timezone=Europe/Berlin`,
    );
    assert.deepEqual(
      berlin.body.days.map((d) => [d.date, d.spend]),
      [
        ['2026-11-28', '3.850000000004'],
        ['2026-11-30', '3.000000000000'],
      ],
    );

    type Activity = {
      results: Array<{
        date: string;
        metrics: Figures;
        breakdown: {
          models: Record<string, { metrics: Figures }>;
          api_keys: Record<string, { metrics: Figures }>;
        };
      }>;
      metadata: { total_spend: string; total_api_requests: number };
    };
    const activity = await h.get<Activity>(`/v1/spend/org/org-s/activity?${RANGE}&breakdown=true`);
    assert.equal(activity.body.metadata.total_spend, total);
    const day = activity.body.results[0];
    assert.equal(day?.breakdown.models['gpt-s']?.metrics.spend, '3.850000000004');
    assert.equal(day?.breakdown.api_keys['']?.metrics.spend, '0.500000000002');
    assert.equal(day?.breakdown.api_keys[keyA]?.metrics.spend, '1.100000000002');
    const narrowed = await h.get<Activity>(`/v1/spend/org/org-s/activity?${RANGE}&model=gpt-s`);
    assert.equal(narrowed.body.metadata.total_spend, total);
    const inKey = await h.get<Figures>(`/v1/spend/key/${keyA}`);
    assert.equal(inKey.body.spend, '1.100000000002');

    type Report = {
      results: Array<Figures & { value: string }>;
      metadata: { groups: number; totals: Figures };
    };
    for (const groupBy of ['org', 'model', 'provider', 'proxy', 'team_member']) {
      const report = await h.get<Report>(`/v1/report?group_by=${groupBy}&${RANGE}`);
      assert.equal(report.body.results.length, 1, groupBy);
      assert.deepEqual(
        [report.body.results[0]?.spend, report.body.metadata.totals.spend],
        [total, total],
        groupBy,
      );
    }
    const tags = await h.get<Report>(`/v1/report?group_by=tag&${RANGE}`);
    assert.deepEqual(
      tags.body.results.map((r) => [r.value, r.spend, r.api_requests]),
      [['t1', '2.350000000001', 2]],
    );
    const berlinReport = await h.get<Report>(`/v1/report?group_by=model&${RANGE}&timezone=Europe/Berlin`);
    assert.equal(berlinReport.body.metadata.totals.spend, total);
    const keys = await h.get<Report>(`/v1/report?group_by=key&entity_type=org&entity_id=org-s&${RANGE}`);
    assert.deepEqual(
      keys.body.results.map((r) => [r.value, r.spend]),
      [
        [keyB, '5.250000000000'],
        [keyA, '1.100000000002'],
        ['', '0.500000000002'],
      ],
    );
  });

  it('answers the LiteLLM daily activity routes with the exact sum over shards', async () => {
    type LiteLlm = {
      results: Array<{ date: string; metrics: { spend: number; api_requests: number } }>;
      metadata: { total_spend: number; total_api_requests: number };
    };
    const range = 'start_date=2026-11-01&end_date=2026-11-30';
    const org = await h.get<LiteLlm>(`/organization/daily/activity?${range}&organization_ids=org-s`);
    assert.deepEqual(
      [org.body.metadata.total_spend, org.body.metadata.total_api_requests],
      [6.850000000004, 6],
    );
    assert.deepEqual(
      org.body.results.map((d) => [d.date, d.metrics.api_requests]),
      [
        ['2026-11-28', 5],
        ['2026-11-29', 1],
      ],
    );
    const byModel = await h.get<LiteLlm>(`/team/daily/activity?${range}&team_ids=team-s&model=gpt-s`);
    assert.equal(byModel.body.metadata.total_api_requests, 6);
    const user = await h.get<LiteLlm>(`/user/daily/activity?${range}&user_id=alice`);
    assert.equal(user.body.metadata.total_spend, 6.850000000004);
  });

  it('reconciles: shards are summed before comparing, and counted as one entity', async () => {
    const report = await reconcileLedger(h.database.db, {
      org: { 'org-s': { spend: total, api_requests: '6' } },
      proxy: { 'litellm-proxy-budget': { spend: total, api_requests: String(all.length) } },
    });
    assert.deepEqual(report.differences, []);
    // org, team, user, team_member, proxy, two keys, one tag.
    assert.equal(report.compared['daily-vs-totals'], 8);
  });
});

/**
 * Two real writers on a two-partition topic: each owns one partition and writes its windows to
 * that partition's shard, so the org, model, provider and proxy rows they both touch are separate.
 */
describe('two writers on two partitions', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 2, writers: 2 });
  });
  after(async () => {
    await p?.stop();
  });

  it('write separate shard rows, and every read is the exact sum', async () => {
    // Both writers must own a partition before anything is produced, or one would read both.
    const admin = p.kafka.admin();
    await admin.connect();
    try {
      await waitUntil(
        async () => {
          const { groups } = await admin.describeGroups([p.groupId]);
          const members = groups[0]?.members ?? [];
          return groups[0]?.state === 'Stable' && members.length === 2 ? true : undefined;
        },
        { description: 'both writers to join the group', timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
    // Twenty keys: the gateway partitions by key, so both partitions get events (all on one: 2^-19).
    const events = Array.from({ length: 40 }, (_, i) =>
      aSpendEvent({
        api_key: digest(`sk-two-writers-${i % 20}`),
        org_id: 'org-w',
        model: 'gpt-w',
        provider: 'prov-w',
        spend: `0.${String(i + 1).padStart(12, '0')}`,
      }),
    );
    const res = await p.post(events);
    assert.equal(res.status, 202);
    await p.waitForLagZero();

    const db = p.database.db;
    assert.deepEqual(await shardsOf(db, 'org', 'org-w'), [0, 1]);
    assert.deepEqual(await shardsOf(db, 'proxy', 'litellm-proxy-budget'), [0, 1]);
    const models = await db.execute<{ shard: number }>(
      sql`select shard from daily_rollup where dimension = 'model' and value = 'gpt-w' order by shard`,
    );
    assert.deepEqual(
      models.map((r) => Number(r.shard)),
      [0, 1],
    );

    const expected = '0.000000000820'; // 1 + 2 + … + 40 units of 1e-12
    const totals = await p.get<Figures>('/v1/spend/org/org-w');
    assert.deepEqual([totals.body.spend, totals.body.api_requests], [expected, 40]);
    const report = await p.get<{ results: Array<Figures & { value: string }> }>(
      '/v1/report?group_by=model&from=2026-11-28&to=2026-11-28',
    );
    assert.deepEqual(
      report.body.results.map((r) => [r.value, r.spend, r.api_requests]),
      [['gpt-w', expected, 40]],
    );
    const reconciled = await reconcileLedger(db, {
      org: { 'org-w': { spend: expected, api_requests: '40' } },
    });
    assert.deepEqual(reconciled.differences, []);
  });
});
