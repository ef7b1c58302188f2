import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import {
  type ArchiveManifest,
  archiveRange,
  type LedgerDb,
  LocalArchiveStore,
  listSpendLogPartitions,
  maintainSpendLogs,
  reconcileLedger,
  restoreRange,
  writeSpendBatch,
} from '@spend-ledger/ledger-db';
import { aSpendEvent, createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03'];
// "Now" for retention: with 5 days kept, every day above is older than the cutoff (2026-10-05).
const NOW = new Date('2026-10-10T12:00:00Z');

/** Varied events over DAYS: every column filled or null, microsecond timestamps, odd text. */
function eventsOverDays(): SpendEvent[] {
  return DAYS.flatMap((day, d) =>
    Array.from({ length: 40 }, (_, i) =>
      SpendEventSchema.parse(
        aSpendEvent({
          timestamp: `${day}T${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}:07.${String(123456 + i)}Z`,
          end_time: i % 3 === 0 ? null : `${day}T23:59:59.999999Z`,
          api_key: `key-${i % 4}`,
          user_id: i % 5 === 0 ? null : `user-${i % 7}`,
          team_id: i % 2 ? `team-${i % 3}` : null,
          org_id: i % 4 ? 'org-ü' : null,
          end_user_id: i % 6 ? null : `eu-${i}`,
          tags: i % 3 ? [`tag-${i % 2}`, 'tag,"quoted"'] : [],
          model: `model-${(i + d) % 3}`,
          provider: i % 7 ? 'openai' : null,
          model_group: i % 2 ? 'group' : null,
          prompt_tokens: i * 11,
          completion_tokens: i * 3,
          cache_read_input_tokens: i % 5,
          cache_creation_input_tokens: i % 2,
          spend: `0.${String(i * 7919 + d).padStart(12, '0')}`,
          status: i % 9 ? 'success' : 'failure',
          metadata: i % 4 ? { i, nested: { s: 'x\\y', n: 1.5 } } : undefined,
          spend_source: i % 2 ? 'sender' : 'price-map@2026-11',
        }),
      ),
    ),
  );
}

/** Every column of every per-request row, as Postgres prints it. */
const allRows = async (db: LedgerDb) =>
  [
    ...(await db.execute<{ row: string }>(
      sql`select row_to_json(l)::text as row from spend_logs l order by request_id`,
    )),
  ].map((r) => r.row);
const totals = async (db: LedgerDb) =>
  [...(await db.execute(sql`select * from entity_totals order by entity_type, entity_id`))].map((r) =>
    JSON.stringify({ ...r, updated_at: undefined }),
  );

describe('archive, retention, restore', () => {
  let t: TestDatabase;
  let dir: string;
  let store: LocalArchiveStore;
  const events = eventsOverDays();
  let rowsBefore: string[];
  let totalsBefore: string[];
  before(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'ledger-archive-test-'));
    store = new LocalArchiveStore(dir);
    assert.equal((await writeSpendBatch(t.db, events)).written, events.length);
    rowsBefore = await allRows(t.db);
    totalsBefore = await totals(t.db);
  });
  after(async () => {
    await t?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('retention never drops a day it could not archive', async () => {
    const failing = new LocalArchiveStore(dir);
    failing.putFile = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(
      maintainSpendLogs(t.db, { aheadDays: 1, retentionDays: 5, archive: failing, now: NOW }),
      /disk full/,
    );
    for (const day of DAYS) assert.ok((await listSpendLogPartitions(t.db)).includes(day), day);
    assert.deepEqual(await allRows(t.db), rowsBefore);
  });

  it('archives each day with a manifest: rows, sums, checksum', async () => {
    const lines: string[] = [];
    await archiveRange(t.db, store, DAYS[0] as string, DAYS[2] as string, (l) => lines.push(l));
    assert.equal(lines.length, 4);
    const manifest = JSON.parse(
      await readFile(join(dir, 'spend_logs/day=2026-10-02/manifest.json'), 'utf8'),
    ) as ArchiveManifest;
    assert.equal(manifest.rows, 40);
    assert.match(manifest.sha256, /^[0-9a-f]{64}$/);
    const [sum] = await t.db.execute<{ spend: string; n: string }>(
      sql`select sum(spend)::text as spend, count(*)::text as n from spend_logs where day = '2026-10-02'`,
    );
    assert.equal(manifest.sums.spend, sum?.spend);
    assert.equal(manifest.sums.api_requests, sum?.n);
  });

  it('retention drops only old partitions, each after it is archived; reconcile proves them from manifests', async () => {
    // A row reached 2026-10-01 after it was archived: retention archives the day again first.
    const late = SpendEventSchema.parse(aSpendEvent({ timestamp: '2026-10-01T05:00:00Z', spend: '3' }));
    await writeSpendBatch(t.db, [late]);
    events.push(late);
    rowsBefore = await allRows(t.db);
    totalsBefore = await totals(t.db);
    const result = await maintainSpendLogs(t.db, {
      aheadDays: 1,
      retentionDays: 5,
      archive: store,
      now: NOW,
    });
    assert.deepEqual(result.archived, ['2026-10-01']);
    assert.deepEqual(result.dropped, DAYS);
    const partitions = await listSpendLogPartitions(t.db);
    for (const day of DAYS) assert.ok(!partitions.includes(day), `${day} dropped`);
    assert.ok(partitions.includes('2026-10-09') && partitions.includes('2026-10-11'), 'recent days kept');
    assert.deepEqual(await allRows(t.db), []);
    const report = await reconcileLedger(t.db, undefined, { archive: store });
    assert.deepEqual(report.differences, []);
    assert.deepEqual(report.archivedDays, DAYS);
    // Without the archive nothing proves those days: reported, not silently passed.
    assert.deepEqual((await reconcileLedger(t.db)).daysWithoutRows, DAYS);
  });

  it('a replay of archived days counts nothing twice', async () => {
    const replay = await writeSpendBatch(t.db, events);
    assert.equal(replay.written, 0);
    assert.equal(replay.duplicates, events.length);
    assert.deepEqual(await totals(t.db), totalsBefore);
    assert.deepEqual(await allRows(t.db), [], 'no per-request row comes back');
    assert.deepEqual((await reconcileLedger(t.db, undefined, { archive: store })).differences, []);
  });

  it('restore puts every row back exactly, without touching the aggregates; twice is a no-op', async () => {
    const lines: string[] = [];
    await restoreRange(t.db, store, '2026-09-30', '2026-10-04', (l) => lines.push(l));
    assert.deepEqual(await allRows(t.db), rowsBefore);
    assert.deepEqual(await totals(t.db), totalsBefore);
    assert.deepEqual((await reconcileLedger(t.db)).differences, []);
    lines.length = 0;
    await restoreRange(t.db, store, DAYS[0] as string, DAYS[2] as string, (l) => lines.push(l));
    assert.ok(
      lines.slice(0, 3).every((l) => l.includes(' 0 rows restored')),
      lines.join('\n'),
    );
    assert.deepEqual(await allRows(t.db), rowsBefore);
  });

  it('restore refuses a damaged archive file', async () => {
    const file = join(dir, 'spend_logs/day=2026-10-03/spend_logs_2026-10-03.parquet');
    const { appendFile } = await import('node:fs/promises');
    await appendFile(file, 'x');
    await assert.rejects(
      restoreRange(t.db, store, '2026-10-03', '2026-10-03', () => {}),
      /damaged/,
    );
  });

  it('reconcile with a range reads only those days', async () => {
    // One fact row: it stands for the day's key, user, team, org and proxy rows at once.
    await t.db.execute(sql`update daily_spend_facts set spend = spend + 1 where day = '2026-10-02'
      and ctid = (select ctid from daily_spend_facts where day = '2026-10-02' limit 1)`);
    try {
      const outside = await reconcileLedger(t.db, undefined, { from: '2026-10-03', to: '2026-10-03' });
      assert.deepEqual(outside.differences, []);
      const inside = await reconcileLedger(t.db, undefined, { from: '2026-10-02', to: '2026-10-03' });
      assert.ok(inside.differences.some((d) => d.day === '2026-10-02' && d.metric === 'spend'));
    } finally {
      await t.db.execute(sql`update daily_spend_facts set spend = spend - 1 where day = '2026-10-02'
        and spend >= 1`);
    }
  });
});
