import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listSpendLogPartitions, maintainSpendLogs } from '@spend-ledger/ledger-db';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string }> } };

describe('queries that need per-request rows of days dropped by retention', () => {
  let q: QueryHarness;
  before(async () => {
    q = await startQueryHarness();
    await q.seed([
      // 18:45Z is 00:15 in Kolkata: an hour cut by Kolkata's local midnight.
      aSpendEvent({ team_id: 'arch', spend: '1', timestamp: '2026-10-01T18:45:00Z' }),
      aSpendEvent({ team_id: 'arch', spend: '2', timestamp: '2026-11-25T18:45:00Z' }),
    ]);
    // Retention of 30 days on 2026-11-27 drops 2026-10-01 (no archive configured: dropped as is).
    const result = await maintainSpendLogs(q.database.db, {
      aheadDays: 1,
      retentionDays: 30,
      now: new Date('2026-11-27T12:00:00Z'),
    });
    assert.ok(result.dropped.includes('2026-10-01'));
    assert.ok((await listSpendLogPartitions(q.database.db)).includes('2026-11-25'));
  });
  after(async () => {
    await q?.database.drop();
  });

  it('refuses a :30 zone or a non-UTC report that reaches a dropped day, naming the days', async () => {
    for (const path of [
      '/v1/spend/team/arch/daily?from=2026-09-30&to=2026-10-02&timezone=Asia/Kolkata',
      '/v1/spend/team/arch/activity?from=2026-10-02&to=2026-10-05&timezone=Asia/Kolkata',
      '/v1/report?group_by=team&from=2026-10-01&to=2026-11-26&timezone=Europe/Paris',
    ]) {
      const r = await q.get<ErrorBody>(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
      assert.match(r.body.error.message, /2026-10-01.*archived/);
      assert.deepEqual(
        r.body.error.details?.map((d) => d.field),
        ['timezone'],
      );
    }
  });

  it('answers what the aggregates hold exactly: UTC, whole-hour zones, and ranges of kept days', async () => {
    const utc = await q.get<{ totals: { spend: string } }>(
      '/v1/spend/team/arch/daily?from=2026-09-30&to=2026-11-30',
    );
    assert.deepEqual([utc.status, utc.body.totals.spend], [200, '3.000000000000']);
    const paris = await q.get<{ days: Array<{ date: string; spend: string }> }>(
      '/v1/spend/team/arch/daily?from=2026-09-30&to=2026-10-02&timezone=Europe/Paris',
    );
    assert.equal(paris.status, 200);
    assert.deepEqual(
      paris.body.days.map((d) => [d.date, d.spend]),
      [['2026-10-01', '1.000000000000']],
    );
    const kolkata = await q.get<{ days: Array<{ date: string; spend: string }> }>(
      '/v1/spend/team/arch/daily?from=2026-11-24&to=2026-11-27&timezone=Asia/Kolkata',
    );
    assert.equal(kolkata.status, 200);
    assert.deepEqual(
      kolkata.body.days.map((d) => [d.date, d.spend]),
      [['2026-11-26', '2.000000000000']],
    );
    const logs = await q.get<{ data: unknown[] }>('/v1/logs?team_id=arch');
    assert.deepEqual([logs.status, logs.body.data.length], [200, 1]);
  });
});
