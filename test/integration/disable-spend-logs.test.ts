import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reconcileLedger } from '@spend-ledger/ledger-db';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

type ErrorBody = { error: { code: string; details?: Array<{ field: string }> } };

describe('DISABLE_SPEND_LOGS=true, end to end through the broker and the database', () => {
  let p: Pipeline;
  const team = `team-${uniqueSuffix()}`;
  // 18:45Z is 00:15 in Kolkata: an hour that Kolkata's local midnight cuts.
  const events = [
    aSpendEvent({ team_id: team, spend: '1.000000000001', timestamp: '2026-11-20T18:45:00Z' }),
    aSpendEvent({ team_id: team, spend: '2.5', timestamp: '2026-11-20T18:15:00Z', status: 'failure' }),
    aSpendEvent({ team_id: team, spend: '0.25', timestamp: '2026-11-21T09:00:00Z', tags: ['a'] }),
  ];
  const count = async (table: string) =>
    Number(
      (
        await p.database.db.execute<{ n: string }>(
          sql`select count(*)::text as n from ${sql.identifier(table)}`,
        )
      )[0]?.n,
    );
  const teamSpend = async () =>
    (await p.get<{ spend: string; api_requests: number }>(`/v1/spend/team/${team}`)).body;

  before(async () => {
    p = await startPipeline({ partitions: 2, env: { DISABLE_SPEND_LOGS: 'true' } });
  });
  after(async () => {
    await p?.stop();
  });

  it('keeps aggregates and the dedupe record, no per-request rows', async () => {
    // One event twice in the same post: counted once.
    const res = await p.post([...events, events[0]]);
    assert.equal(res.status, 202);
    await p.waitForLagZero();
    const totals = await waitUntil(
      async () => ((await teamSpend()).api_requests === 3 ? teamSpend() : undefined),
      {
        description: 'the events to be counted',
      },
    );
    assert.equal(totals.spend, '3.750000000001');
    assert.equal(await count('spend_logs'), 0);
    assert.equal(await count('request_ids'), 3);
    const report = await reconcileLedger(p.database.db, undefined, { spendLogs: false });
    assert.deepEqual(report.differences, []);
  });

  it('counts a redelivery nothing: dedupe is kept without the rows', async () => {
    assert.equal((await p.post(events)).status, 202);
    await p.waitForLagZero();
    const totals = await teamSpend();
    assert.deepEqual([totals.api_requests, totals.spend], [3, '3.750000000001']);
    assert.equal(await count('spend_logs'), 0);
  });

  it('answers the per-request endpoints with SPEND_LOGS_DISABLED', async () => {
    const list = await p.get<ErrorBody>('/v1/logs');
    assert.deepEqual([list.status, list.body.error.code], [409, 'SPEND_LOGS_DISABLED']);
    const one = await p.get<ErrorBody>(`/v1/logs/${events[0]?.request_id}`);
    assert.deepEqual([one.status, one.body.error.code], [409, 'SPEND_LOGS_DISABLED']);
  });

  it('answers local days exactly in whole-hour zones and refuses :30 zones with a 400 on timezone', async () => {
    const range = 'from=2026-11-20&to=2026-11-21';
    // New York (UTC-5): every event is on 2026-11-20 or 2026-11-21 local, from hourly aggregates.
    const ny = await p.get<{ days: Array<{ date: string; spend: string }> }>(
      `/v1/spend/team/${team}/daily?${range}&timezone=America/New_York`,
    );
    assert.equal(ny.status, 200);
    assert.deepEqual(
      ny.body.days.map((d) => [d.date, d.spend]),
      [
        ['2026-11-20', '3.500000000001'],
        ['2026-11-21', '0.250000000000'],
      ],
    );
    for (const path of [
      `/v1/spend/team/${team}/daily?${range}&timezone=Asia/Kolkata`,
      `/v1/spend/team/${team}/activity?${range}&timezone=Asia/Kathmandu`,
      `/v1/report?group_by=team&${range}&timezone=Europe/Paris`,
    ]) {
      const refused = await p.get<ErrorBody>(path);
      assert.equal(refused.status, 400, path);
      assert.equal(refused.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(
        refused.body.error.details?.map((d) => d.field),
        ['timezone'],
      );
    }
    const utc = await p.get<{ results: Array<{ value: string; spend: string }> }>(
      `/v1/report?group_by=team&${range}`,
    );
    assert.equal(utc.status, 200);
    assert.deepEqual(
      utc.body.results.filter((r) => r.value === team).map((r) => r.spend),
      ['3.750000000001'],
    );
  });
});
