import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, SpendEventSchema } from '@spend-ledger/contract';
import { reconcileLedger, writeSpendBatch } from '@spend-ledger/ledger-db';
import { aSpendEvent, createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

// The ledger names api keys by digest.
const K1 = normalizeApiKey('k1');
const K2 = normalizeApiKey('k2');

describe('reconcileLedger', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
    const events = [
      aSpendEvent({
        api_key: 'k1',
        team_id: 'ta',
        tags: ['x', 'y'],
        spend: '1.25',
        timestamp: '2026-11-01T10:00:00Z',
      }),
      aSpendEvent({
        api_key: 'k1',
        team_id: 'ta',
        tags: ['x'],
        spend: '0.75',
        status: 'failure',
        timestamp: '2026-11-02T10:00:00Z',
      }),
      aSpendEvent({
        api_key: 'k2',
        team_id: 'tb',
        end_user_id: 'eu',
        spend: '2',
        timestamp: '2026-11-02T23:00:00Z',
      }),
    ].map((e) => SpendEventSchema.parse(e));
    await writeSpendBatch(t.db, events);
  });
  after(async () => {
    await t?.drop();
  });

  it('finds no difference in a ledger written by the write path', async () => {
    const report = await reconcileLedger(t.db, {
      team: { ta: { spend: '2', api_requests: '2', failed_requests: '1' }, tb: { spend: '2.000000000000' } },
      tag: { x: { spend: '2' }, y: { spend: '1.25' } },
    });
    assert.deepEqual(report.differences, []);
    assert.ok(report.compared['logs-vs-daily'] > 0);
    assert.equal(report.compared['expected-vs-totals'], 4);
  });

  it('reports a tampered daily row with its entity and day, in both checks it breaks', async () => {
    await t.db.execute(sql`update daily_spend_by_entity set spend = spend + 0.000000000001
      where entity_type = 'tag' and entity_id = 'x' and day = '2026-11-02'`);
    try {
      const report = await reconcileLedger(t.db);
      const found = report.differences.map(
        (d) => `${d.check} ${d.entityType}/${d.entityId} ${d.day ?? '-'} ${d.metric}`,
      );
      assert.deepEqual(found.sort(), [
        'daily-vs-totals tag/x - spend',
        'logs-vs-daily tag/x 2026-11-02 spend',
      ]);
    } finally {
      await t.db.execute(sql`update daily_spend_by_entity set spend = spend - 0.000000000001
        where entity_type = 'tag' and entity_id = 'x' and day = '2026-11-02'`);
    }
  });

  it('reports totals that differ from the expected ones, and entities it did not expect', async () => {
    const report = await reconcileLedger(t.db, { key: { [K1]: { spend: '2.000000000001' } } });
    const found = report.differences.map(
      (d) => `${d.entityType}/${d.entityId} ${d.metric} ${d.left} ${d.right}`,
    );
    assert.deepEqual(
      found.sort(),
      [`key/${K1} spend 2.000000000001 2.000000000000`, `key/${K2} api_requests 0 1`].sort(),
    );
  });

  it('reports a missing total row', async () => {
    await t.db.execute(sql`delete from entity_totals where entity_type = 'end_user' and entity_id = 'eu'`);
    const report = await reconcileLedger(t.db);
    assert.ok(
      report.differences.some(
        (d) => d.check === 'daily-vs-totals' && d.entityId === 'eu' && d.metric === 'spend',
      ),
    );
  });
});
