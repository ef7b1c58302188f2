import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import {
  eventDigest,
  getEntityTotals,
  getSpendLog,
  listRequestIdConflicts,
  MIGRATIONS_FOLDER,
  prepareSpendBatch,
  reconcileLedger,
  tokenCommand,
  writePreparedBatch,
  writeSpendBatch,
} from '@spend-ledger/ledger-db';
import {
  aSpendEvent,
  createTestDatabase,
  onRenamedDailySpend,
  type TestDatabase,
  unfoldFactRows,
} from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

const parse = (o: Parameters<typeof aSpendEvent>[0]) => SpendEventSchema.parse(aSpendEvent(o));
/** A request made without a virtual key (the ingest endpoints map LiteLLM's "" to this). */
const keyless = (e: SpendEvent): SpendEvent => ({ ...e, api_key: '' });

describe('team_member, proxy and cache tokens in the ledger', () => {
  let t: TestDatabase;
  const events = [
    parse({ team_id: 'research', user_id: 'alice', spend: '1.5', cache_read_input_tokens: 100 }),
    parse({ team_id: 'research', user_id: 'alice', spend: '0.25', cache_creation_input_tokens: 40 }),
    parse({ team_id: 'research', user_id: 'bob', spend: '2', status: 'failure' }),
    parse({ team_id: 'a/b%', user_id: 'c/d', spend: '0.000000000001' }),
    parse({ team_id: null, user_id: 'carol', spend: '3' }),
    keyless(parse({ team_id: 'research', user_id: 'alice', spend: '0.5', cache_read_input_tokens: 7 })),
  ];
  before(async () => {
    t = await createTestDatabase();
    await writeSpendBatch(t.db, events.slice(0, 3));
    await writeSpendBatch(t.db, events.slice(3));
  });
  after(async () => {
    await t?.drop();
  });

  it('books team members and the proxy with exact totals, cache tokens included', async () => {
    const alice = await getEntityTotals(t.db, { entityType: 'team_member', entityId: 'research/alice' });
    assert.deepEqual(
      [alice.spend, alice.api_requests, alice.cache_read_input_tokens, alice.cache_creation_input_tokens],
      ['2.250000000000', 3, 107, 40],
    );
    const bob = await getEntityTotals(t.db, { entityType: 'team_member', entityId: 'research/bob' });
    assert.deepEqual([bob.spend, bob.failed_requests], ['2.000000000000', 1]);
    const odd = await getEntityTotals(t.db, { entityType: 'team_member', entityId: 'a%2Fb%25/c%2Fd' });
    assert.equal(odd.spend, '0.000000000001');
    const proxy = await getEntityTotals(t.db, { entityType: 'proxy', entityId: 'litellm-proxy-budget' });
    assert.deepEqual(
      [proxy.spend, proxy.api_requests, proxy.failed_requests, proxy.cache_read_input_tokens],
      ['7.250000000001', 6, 1, 107],
    );
  });

  it('counts a keyless event everywhere except a key entity with id ""', async () => {
    const rows = await t.db.execute<{ n: string }>(
      sql`select count(*)::text as n from entity_totals where entity_type = 'key' and entity_id = ''`,
    );
    assert.equal(rows[0]?.n, '0');
    const team = await getEntityTotals(t.db, { entityType: 'team', entityId: 'research' });
    assert.equal(team.spend, '4.250000000000');
    const daily = await t.db.execute<{ n: string }>(
      sql`select count(*)::text as n from daily_spend where entity_type = 'team' and api_key = ''`,
    );
    assert.equal(daily[0]?.n, '1');
  });

  it('refuses to issue a key token for the empty api key (every keyless request)', async () => {
    const code = await tokenCommand(['create', '--key', ''], { DATABASE_URL: t.url });
    assert.equal(code, 2);
    const rows = await t.db.execute<{ n: string }>(sql`select count(*)::text as n from api_tokens`);
    assert.equal(rows[0]?.n, '0');
  });

  it('stores cache tokens and spend_source on the per-request row', async () => {
    const stored = await getSpendLog(t.db, events[0]?.request_id as string);
    assert.deepEqual(
      [stored?.cache_read_input_tokens, stored?.cache_creation_input_tokens, stored?.spend_source],
      [100, 0, 'sender'],
    );
  });

  it('reconciles every entity type with no difference', async () => {
    const report = await reconcileLedger(t.db, {
      team_member: {
        'research/alice': { spend: '2.25', cache_read_input_tokens: '107' },
        'research/bob': { spend: '2', failed_requests: '1' },
        'a%2Fb%25/c%2Fd': { spend: '0.000000000001' },
      },
      proxy: { 'litellm-proxy-budget': { spend: '7.250000000001', api_requests: '6' } },
    });
    assert.deepEqual(report.differences, []);
    const types = await t.db.execute<{ entity_type: string }>(
      sql`select distinct entity_type from entity_totals order by 1`,
    );
    assert.deepEqual(
      types.map((r) => r.entity_type),
      ['key', 'org', 'proxy', 'team', 'team_member', 'user'],
    );
  });

  it('reports a tampered cache-token aggregate of a team member', async () => {
    await t.db.execute(sql`update entity_totals set cache_read_input_tokens = cache_read_input_tokens + 1
      where entity_type = 'team_member' and entity_id = 'research/bob'`);
    try {
      const report = await reconcileLedger(t.db);
      assert.deepEqual(
        report.differences.map((d) => `${d.check} ${d.entityType}/${d.entityId} ${d.metric}`),
        ['daily-vs-totals team_member/research/bob cache_read_input_tokens'],
      );
    } finally {
      await t.db.execute(sql`update entity_totals set cache_read_input_tokens = cache_read_input_tokens - 1
        where entity_type = 'team_member' and entity_id = 'research/bob'`);
    }
  });

  it('the backfill migration rebuilds team_member and proxy aggregates exactly from spend_logs', async () => {
    // The hourly rows as they were when 0006 ran (one per entity, no fact rows), under 0014's name.
    await unfoldFactRows(t.db);
    await t.db.execute(sql`delete from daily_spend_by_entity where entity_type in ('team_member', 'proxy')`);
    await t.db.execute(sql`delete from daily_rollup where dimension in ('team_member', 'proxy')`);
    await t.db.execute(sql`delete from entity_totals where entity_type in ('team_member', 'proxy')`);
    assert.notDeepEqual((await reconcileLedger(t.db)).differences, []);
    const backfill = onRenamedDailySpend(
      await readFile(`${MIGRATIONS_FOLDER}/0006_backfill_team_member_proxy.sql`, 'utf8'),
    );
    await t.db.transaction(async (tx) => {
      for (const statement of backfill.split('--> statement-breakpoint'))
        await tx.execute(sql.raw(statement));
    });
    assert.deepEqual((await reconcileLedger(t.db)).differences, []);
  });
});

describe('a request_id reused with different content', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  it('keeps the first, records the second once without payload, and stays silent on a true redelivery', async () => {
    const first = parse({ api_key: 'conflict-key', spend: '1', request_id: 'reused-1' });
    const other = { ...first, spend: '9.000000000000', api_key: 'other-key' };
    await writeSpendBatch(t.db, [first]);
    const again = await writeSpendBatch(t.db, [first]);
    assert.deepEqual([again.written, again.conflicts.length], [0, 0]);
    const clash = await writeSpendBatch(t.db, [other]);
    assert.deepEqual([clash.written, clash.duplicates, clash.conflictsRecorded], [0, 1, 1]);
    // The same conflicting event redelivered is recorded once.
    const clashAgain = await writeSpendBatch(t.db, [other]);
    assert.equal(clashAgain.conflictsRecorded, 0);
    const totals = await getEntityTotals(t.db, {
      entityType: 'key',
      entityId: normalizeApiKey('conflict-key'),
    });
    assert.deepEqual([totals.spend, totals.api_requests], ['1.000000000000', 1]);
    assert.equal((await getEntityTotals(t.db, { entityType: 'key', entityId: 'other-key' })).api_requests, 0);
    const conflicts = await listRequestIdConflicts(t.db, { limit: 10, requestId: 'reused-1' });
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0]?.api_key, 'other-key');
    assert.match(conflicts[0]?.content_digest ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(conflicts[0]?.kept_digest, conflicts[0]?.content_digest);
    assert.equal((await reconcileLedger(t.db)).requestIdConflicts, 1);
  });

  it('detects a conflict inside one window; the first occurrence counts', async () => {
    const a = parse({ api_key: 'window-key', spend: '2', request_id: 'reused-2' });
    const b = { ...a, model: 'another-model' };
    const result = await writeSpendBatch(t.db, [a, b, a]);
    assert.deepEqual([result.written, result.conflictsRecorded], [1, 1]);
    const models = await t.db.execute<{ n: string }>(
      sql`select count(*)::text as n from daily_rollup where dimension = 'model' and value = 'another-model'`,
    );
    assert.equal(models[0]?.n, '0');
    assert.equal((await listRequestIdConflicts(t.db, { limit: 10, requestId: 'reused-2' })).length, 1);
  });

  it('judges copies in a window against the ledger when the ledger already holds the id', async () => {
    const original = parse({ api_key: 'judge-key', request_id: 'reused-4', spend: '1' });
    await writeSpendBatch(t.db, [original]);
    const changed = { ...original, spend: '5.000000000000' };
    // `changed` comes first in the window, but the ledger's copy wins: the redelivered original is silent.
    const result = await writeSpendBatch(t.db, [changed, original]);
    assert.deepEqual([result.written, result.conflictsRecorded], [0, 1]);
    const rows = await listRequestIdConflicts(t.db, { limit: 10, requestId: 'reused-4' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.content_digest, eventDigest(changed));
    assert.equal(rows[0]?.kept_digest, eventDigest(original));
  });

  it('checks suspects from a recent-id cache against the ledger before recording them', async () => {
    const original = parse({ api_key: 'suspect-key', request_id: 'reused-5', spend: '1' });
    const lost = { ...original, spend: '2.000000000000' };
    // The ledger holds `original`; a cache that remembered `lost` would suspect `original` itself.
    await writeSpendBatch(t.db, [original]);
    const silent = await writePreparedBatch(t.db, prepareSpendBatch([], [original]));
    assert.deepEqual([silent.written, silent.conflictsRecorded], [0, 0]);
    const loud = await writePreparedBatch(t.db, prepareSpendBatch([], [lost]));
    assert.deepEqual([loud.written, loud.conflictsRecorded], [0, 1]);
    // A suspect whose original never reached the ledger is an ordinary new event.
    const orphan = parse({ api_key: 'suspect-key', request_id: 'reused-6', spend: '3' });
    const written = await writePreparedBatch(t.db, prepareSpendBatch([], [orphan]));
    assert.deepEqual([written.written, written.conflictsRecorded], [1, 0]);
    assert.equal(
      (await getEntityTotals(t.db, { entityType: 'key', entityId: normalizeApiKey('suspect-key') })).spend,
      '4.000000000000',
    );
  });

  it('treats metadata and tag order as not part of the content', async () => {
    const a = parse({ api_key: 'meta-key', request_id: 'reused-3', tags: ['x', 'y'], metadata: { n: 1 } });
    await writeSpendBatch(t.db, [a]);
    const b = { ...a, tags: ['y', 'x'], metadata: { n: 2 } };
    const result = await writeSpendBatch(t.db, [b]);
    assert.deepEqual([result.written, result.conflicts.length], [0, 0]);
  });
});
