import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, SpendEventSchema } from '@spend-ledger/contract';
import {
  activityRowsQuery,
  getActivitySummary,
  getEntityTotals,
  reconcileLedger,
  writeSpendBatch,
} from '@spend-ledger/ledger-db';
import { aSpendEvent, createTestDatabase, type TestDatabase, unfoldFactRows } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

const parse = (o: Parameters<typeof aSpendEvent>[0]) => SpendEventSchema.parse(aSpendEvent(o));
const K = normalizeApiKey('sk-facts');
const RANGE = { from: '2026-11-01', to: '2026-11-30' };

/**
 * Migration 0014: the key, user, team, org, team member and proxy aggregates are fact rows (one
 * per key, hour, model, provider, user, team and org), read through the view daily_spend beside the
 * per-entity rows of tags, end users and everything written before.
 */
describe('aggregates as fact rows (migration 0014)', () => {
  let t: TestDatabase;
  const first = [
    parse({ api_key: 'sk-facts', user_id: 'ann', team_id: 'a/b%', org_id: 'o', tags: ['x'], spend: '0.25' }),
    parse({ api_key: 'sk-facts', user_id: 'ann', team_id: 'a/b%', org_id: 'o', spend: '0.5' }),
    // The key moved to another team: a fact row of its own, both teams exact.
    parse({ api_key: 'sk-facts', user_id: 'ann', team_id: 'other', org_id: 'o', spend: '1' }),
    // No virtual key: no key entity, but user, team, org and proxy figures.
    { ...parse({ user_id: 'bob', team_id: 'other', spend: '0.000000000001' }), api_key: '' },
    // Half past midnight in Kolkata is a cut hour there: read from the per-request rows.
    parse({
      api_key: 'sk-facts',
      user_id: 'ann',
      team_id: 'other',
      org_id: 'o',
      end_user_id: 'eu',
      spend: '2',
      timestamp: '2026-11-28T18:45:00.000Z',
    }),
  ];
  before(async () => {
    t = await createTestDatabase();
    await writeSpendBatch(t.db, first);
  });
  after(async () => {
    await t?.drop();
  });

  const spendOf = async (
    entityType: 'key' | 'user' | 'team' | 'org' | 'team_member' | 'proxy',
    entityId: string,
  ) => (await getEntityTotals(t.db, { entityType, entityId, model: first[0]?.model })).spend;

  it('books one fact row per key, hour, model, provider, user, team and org, and no per-entity row for them', async () => {
    const facts = await t.db.execute<{ api_key: string; team_id: string; n: string }>(sql`
      select api_key, team_id, sum(api_requests)::text as n from daily_spend_facts
      group by 1, 2 order by 1, 2`);
    assert.deepEqual(
      facts.map((f) => [f.api_key, f.team_id, f.n]),
      [
        ['', 'other', '1'],
        [K, 'a/b%', '2'],
        [K, 'other', '2'],
      ],
    );
    const byEntity = await t.db.execute<{ entity_type: string }>(
      sql`select distinct entity_type from daily_spend_by_entity order by 1`,
    );
    assert.deepEqual(
      byEntity.map((r) => r.entity_type),
      ['end_user', 'tag'],
    );
  });

  it('answers every entity type exactly through the view (narrowed reads sum fact rows)', async () => {
    assert.equal(await spendOf('key', K), '3.750000000000');
    assert.equal(await spendOf('team', 'a/b%'), '0.750000000000');
    assert.equal(await spendOf('team', 'other'), '3.000000000001');
    assert.equal(await spendOf('team_member', 'a%2Fb%25/ann'), '0.750000000000');
    assert.equal(await spendOf('user', 'bob'), '0.000000000001');
    assert.equal(await spendOf('org', 'o'), '3.750000000000');
    assert.equal(await spendOf('proxy', 'litellm-proxy-budget'), '3.750000000001');
    assert.deepEqual((await reconcileLedger(t.db)).differences, []);
  });

  it('keeps local days exact in a zone at :30 from UTC', async () => {
    const kolkata = await getActivitySummary(
      t.db,
      { entityType: 'team', entityId: 'other' },
      { ...RANGE, timeZone: 'Asia/Kolkata' },
    );
    assert.deepEqual(
      kolkata.days.map((d) => [d.date, d.spend]),
      [
        ['2026-11-28', '1.000000000001'],
        ['2026-11-29', '2.000000000000'],
      ],
    );
  });

  it('reads only the branch of the entity type asked, by its index', async () => {
    const plan = async (where: ReturnType<typeof sql>) => {
      const rows = await t.db.transaction(async (tx) => {
        // A few rows: without this the planner rightly prefers a sequential scan.
        await tx.execute(sql`set local enable_seqscan = off`);
        return tx.execute<{ 'QUERY PLAN': string }>(
          sql`explain select sum(spend) from daily_spend d where ${where} and d.day between '2026-11-01' and '2026-11-30'`,
        );
      });
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const team = await plan(sql`d.entity_type = 'team' and d.entity_id = 'other'`);
    assert.match(team, /daily_spend_facts_team_day_idx/);
    assert.doesNotMatch(team, /daily_spend_facts_(user|org|member)_day_idx|daily_spend_facts_pk/);
    const member = await plan(sql`d.entity_type = 'team_member' and starts_with(d.entity_id, 'a%2Fb%25/')`);
    assert.match(member, /daily_spend_facts_member_day_idx/);
    const key = await plan(sql`d.entity_type = 'key' and d.entity_id = ${K}`);
    assert.match(key, /daily_spend_facts_pk/);
  });

  it('reads the fact rows of an entity once for a local-day range, by its index', async () => {
    const rows = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const query = activityRowsQuery(
        { entityType: 'team', entityId: 'other' },
        { ...RANGE, timeZone: 'America/New_York' },
        true,
      );
      return tx.execute<{ 'QUERY PLAN': string }>(sql`explain (analyze, costs off) ${query}`);
    });
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // The team's branch is scanned once (loops=1), not once per hour of the range: a join into the
    // view's branch cannot be pushed down (see local-days.ts).
    const scans = plan.split('\n').filter((line) => / on daily_spend_facts\b/.test(line));
    assert.equal(scans.length, 1, plan);
    assert.match(scans[0] as string, /loops=1\)/, plan);
    assert.match(plan, /daily_spend_facts_team_day_idx/);
  });

  it('adds rows written before 0014 (per entity) and fact rows written after', async () => {
    await unfoldFactRows(t.db);
    const before = await t.db.execute<{ n: string }>(sql`select count(*)::text as n from daily_spend_facts`);
    assert.equal(before[0]?.n, '0');
    await writeSpendBatch(t.db, [
      parse({ api_key: 'sk-facts', user_id: 'ann', team_id: 'other', org_id: 'o', spend: '0.125' }),
    ]);
    assert.equal(await spendOf('team', 'other'), '3.125000000001');
    assert.equal(await spendOf('key', K), '3.875000000000');
    assert.equal(
      (await getEntityTotals(t.db, { entityType: 'team', entityId: 'other' })).spend,
      '3.125000000001',
    );
    assert.deepEqual((await reconcileLedger(t.db)).differences, []);
  });
});
