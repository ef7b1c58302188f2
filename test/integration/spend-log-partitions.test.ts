import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import {
  createLedgerDb,
  dropDatabase,
  ensureDatabase,
  getSpendLog,
  listSpendLogPartitions,
  listSpendLogs,
  MIGRATIONS_FOLDER,
  maintainSpendLogs,
  migrateLedger,
  type SpendLogCursor,
  type SpendLogFilter,
  writeSpendBatch,
} from '@spend-ledger/ledger-db';
import {
  aSpendEvent,
  createTestDatabase,
  TEST_DATABASE_SERVER,
  type TestDatabase,
  uniqueSuffix,
} from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

const parse = (overrides: Parameters<typeof aSpendEvent>[0]) =>
  SpendEventSchema.parse(aSpendEvent(overrides));

describe('spend_logs day partitions', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  it('are created once when concurrent writers ask for the same new day at the same time', async () => {
    // Seen in the bench: two windows in flight needing one new day, the second CREATE failed with
    // "already exists" (migration 0013). Four connections race on each of 12 days.
    for (let i = 1; i <= 12; i++) {
      const day = `2033-01-${String(i).padStart(2, '0')}`;
      const calls = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          t.db.execute<{ created: boolean }>(
            sql`select spend_ledger_ensure_spend_logs_partition(${day}::date) as created`,
          ),
        ),
      );
      const failed = calls.filter((c) => c.status === 'rejected');
      assert.deepEqual(failed, [], `every call for ${day} succeeds`);
      const created = calls.filter((c) => c.status === 'fulfilled' && c.value[0]?.created === true);
      assert.equal(created.length, 1, `exactly one call created ${day}`);
    }
    assert.ok((await listSpendLogPartitions(t.db)).includes('2033-01-12'));
  });

  it('are created ahead by the service: yesterday through N days ahead, once', async () => {
    const now = new Date('2031-02-27T23:30:00Z');
    const first = await maintainSpendLogs(t.db, { aheadDays: 3, now });
    assert.deepEqual(first.created, ['2031-02-26', '2031-02-27', '2031-02-28', '2031-03-01', '2031-03-02']);
    const again = await maintainSpendLogs(t.db, { aheadDays: 3, now });
    assert.deepEqual(again.created, []);
    const days = await listSpendLogPartitions(t.db);
    for (const day of first.created) assert.ok(days.includes(day), `partition of ${day}`);
    // Each partition covers exactly its UTC day and carries the partitioned indexes.
    const bounds = await t.db.execute<{ bound: string }>(
      sql`select pg_get_expr(relpartbound, oid) as bound from pg_class where relname = 'spend_logs_20310228'`,
    );
    assert.match(bounds[0]?.bound ?? '', /2031-02-28 00:00:00\+00.*2031-03-01 00:00:00\+00/);
    const indexes = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_indexes where tablename = 'spend_logs_20310228'`,
    );
    assert.equal(indexes[0]?.n, 7); // the log listing's indexes of migration 0012
  });

  it('an event for a day with no partition yet still lands, in a partition of its own day', async () => {
    const late = parse({ timestamp: '2019-03-04T23:59:59.999+00:00', spend: '1.25' });
    const early = parse({ timestamp: '2040-07-01T00:00:00+02:00', spend: '2' }); // 2040-06-30 UTC
    assert.ok(!(await listSpendLogPartitions(t.db)).includes('2019-03-04'));
    const result = await writeSpendBatch(t.db, [late, early]);
    assert.equal(result.written, 2);
    const days = await listSpendLogPartitions(t.db);
    assert.ok(days.includes('2019-03-04') && days.includes('2040-06-30'), days.join());
    assert.equal((await getSpendLog(t.db, late.request_id))?.spend, '1.250000000000');
    const where = await t.db.execute<{ part: string }>(
      sql`select tableoid::regclass::text as part from spend_logs where request_id = ${early.request_id}`,
    );
    assert.equal(where[0]?.part, 'spend_logs_20400630');
    // Dedupe still holds across the new partition: the same events again count nothing.
    assert.equal((await writeSpendBatch(t.db, [late, early])).written, 0);
  });
});

describe('DEDUPE_RETENTION_DAYS', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  it('deletes the dedupe records of events before the cutoff day only, and nothing else', async () => {
    const old = [
      parse({ timestamp: '2026-01-09T23:59:59.999Z' }),
      parse({ timestamp: '2025-05-01T00:00:00Z' }),
    ];
    const kept = [parse({ timestamp: '2026-01-10T00:00:00Z' }), parse({ timestamp: '2026-03-01T00:00:00Z' })];
    await writeSpendBatch(t.db, [...old, ...kept]);
    const now = new Date('2026-03-01T12:00:00Z');
    const result = await maintainSpendLogs(t.db, { aheadDays: 1, dedupeRetentionDays: 50, now });
    assert.equal(result.prunedRequestIds, 2);
    const ids = await t.db.execute<{ request_id: string }>(sql`select request_id from request_ids`);
    assert.deepEqual(ids.map((r) => r.request_id).sort(), kept.map((e) => e.request_id).sort());
    // The rows and aggregates are not touched: only the dedupe record ages out.
    const rows = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from spend_logs`);
    assert.equal(rows[0]?.n, 4);
    assert.equal(
      (await maintainSpendLogs(t.db, { aheadDays: 1, dedupeRetentionDays: 50, now })).prunedRequestIds,
      0,
    );
  });
});

describe('migration 0007 converts an existing spend_logs', () => {
  const url = `${TEST_DATABASE_SERVER}/ledger_test_${uniqueSuffix()}`;
  let folder = '';
  const handle = createLedgerDb(url, { maxConnections: 2 });
  after(async () => {
    await handle.close();
    await dropDatabase(url);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('copies every row into day partitions and the dedupe record into request_ids', async () => {
    await ensureDatabase(url);
    // The migrations before 0007, as a deploy that has not taken it yet. Keys are digests already:
    // 0009 (after it) hashes any other key, which this test is not about.
    folder = await mkdtemp(join(tmpdir(), 'ledger-migrations-'));
    await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journal = JSON.parse(await readFile(join(folder, 'meta/_journal.json'), 'utf8'));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < 7);
    await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    await migrate(handle.db, { migrationsFolder: folder });
    await handle.db.execute(sql`
      insert into spend_logs (request_id, "timestamp", day, api_key, tags, model, prompt_tokens, completion_tokens,
        spend, status, metadata, content_digest, cache_read_input_tokens, spend_source)
      values ('old-1', '2026-11-27T23:59:59.123456Z', '2026-11-27', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '{a,b}', 'm', 1, 2, '0.000000000001', 'success',
          '{"x": [1, "ü"]}', '\\x00112233445566778899aabbccddeeff', 7, 'price-map@1'),
        ('old-2', '2026-11-28T00:00:00Z', '2026-11-28', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '{}', 'm', 3, 4, '5', 'failure', null, null, 0, 'sender')`);
    const before =
      await handle.db.execute(sql`select request_id, "timestamp"::text, day::text, api_key, tags, model,
      prompt_tokens, completion_tokens, spend::text, status, metadata, cache_read_input_tokens, spend_source,
      ingested_at::text from spend_logs order by request_id`);

    await migrateLedger(handle.db);

    const after =
      await handle.db.execute(sql`select request_id, "timestamp"::text, day::text, api_key, tags, model,
      prompt_tokens, completion_tokens, spend::text, status, metadata, cache_read_input_tokens, spend_source,
      ingested_at::text from spend_logs order by request_id`);
    assert.deepEqual(after, before);
    const parts = await handle.db.execute<{ request_id: string; part: string }>(
      sql`select request_id, tableoid::regclass::text as part from spend_logs order by request_id`,
    );
    assert.deepEqual(
      parts.map((p) => p.part),
      ['spend_logs_20261127', 'spend_logs_20261128'],
    );
    const ids = await handle.db.execute<{ request_id: string; digest: string | null }>(
      sql`select request_id, encode(content_digest, 'hex') as digest from request_ids order by request_id`,
    );
    assert.deepEqual(
      [...ids],
      [
        { request_id: 'old-1', digest: '00112233445566778899aabbccddeeff' },
        { request_id: 'old-2', digest: null },
      ],
    );
    // The converted ledger keeps deduplicating: a redelivery of old-2 counts nothing.
    const redelivered = parse({
      request_id: 'old-2',
      timestamp: '2026-11-28T00:00:00Z',
      spend: '5',
      status: 'failure',
    });
    assert.equal((await writeSpendBatch(handle.db, [redelivered])).written, 0);
  });
});

describe('log pages across day partitions', () => {
  let t: TestDatabase;
  const stamps = [
    '2024-02-29T12:00:00.000Z',
    '2025-06-01T00:00:00.000Z',
    '2026-10-15T08:00:00.000Z',
    '2026-11-20T23:59:59.999Z',
    '2026-11-27T10:00:00.000Z',
    '2026-11-27T10:00:00.000Z',
    '2026-11-28T00:00:00.000Z',
  ];
  const events = stamps.map((timestamp, i) =>
    parse({ timestamp, request_id: `page-${i}`, team_id: 'pages' }),
  );
  before(async () => {
    t = await createTestDatabase();
    await writeSpendBatch(t.db, events);
    // Partitions far ahead and between, all empty: the windows must step over them.
    await maintainSpendLogs(t.db, { aheadDays: 30, now: new Date() });
  });
  after(async () => {
    await t?.drop();
  });

  const all = async (filter: SpendLogFilter, limit: number) => {
    const ids: string[] = [];
    let after: SpendLogCursor | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await listSpendLogs(t.db, { filter, limit, ...(after ? { after } : {}) });
      ids.push(...page.logs.map((l) => l.request_id));
      if (!page.next) return ids;
      after = page.next;
    }
    throw new Error('too many pages');
  };

  it('pages newest first over days years apart, without gaps or repeats, at any page size', async () => {
    const newestFirst = ['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0'];
    for (const limit of [1, 2, 3, 7, 50])
      assert.deepEqual(await all({ teamId: 'pages' }, limit), newestFirst);
    assert.deepEqual(await all({}, 2), newestFirst);
  });

  it('keeps start_time (inclusive) and end_time (exclusive) exact across windows', async () => {
    assert.deepEqual(await all({ startTime: '2025-06-01T00:00:00Z', endTime: '2026-11-27T10:00:00Z' }, 1), [
      'page-3',
      'page-2',
      'page-1',
    ]);
    assert.deepEqual(await all({ endTime: '2024-03-01T00:00:00+05:00' }, 2), ['page-0']);
    assert.deepEqual(await all({ startTime: '2030-01-01T00:00:00Z' }, 2), []);
  });
});
