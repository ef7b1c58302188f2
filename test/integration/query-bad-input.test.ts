import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: { field: string }[] };
};

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('query API: no input produces a 500', () => {
  let h: QueryHarness;
  before(async () => {
    h = await startQueryHarness();
    await h.seed([aSpendEvent({ team_id: 'bad-team', spend: '1' })]);
  });
  after(async () => {
    await h?.database.drop();
  });

  /** Asserts a JSON 400 naming `field` (and never a 500 or a 200 CSV). */
  const expect400 = async (path: string, field: string) => {
    const r = await h.get<ErrorBody>(path);
    assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
    assert.match(r.res.headers.get('content-type') ?? '', /json/, path);
    assert.equal(r.body.error.code, 'VALIDATION_FAILED', path);
    assert.ok(
      r.body.error.details?.some((d) => d.field === field),
      `${path} names ${field}: ${JSON.stringify(r.body.error.details)}`,
    );
  };

  const ranges = [
    '/v1/spend/team/bad-team/daily?',
    '/v1/spend/team/bad-team/activity?',
    '/v1/spend/team/bad-team/activity?format=csv&',
    '/v1/report?group_by=team&',
    '/v1/report?group_by=team&format=csv&',
  ];

  it('refuses dates outside what the ledger can hold, year 0000 included', async () => {
    for (const base of ranges) {
      await expect400(`${base}from=0000-01-01&to=0000-01-05`, 'from');
      await expect400(`${base}from=1999-12-31&to=2000-01-05`, 'from');
      await expect400(`${base}from=2199-12-25&to=2200-01-05`, 'to');
    }
  });

  it('refuses out-of-range instants in log filters', async () => {
    await expect400('/v1/logs?start_time=0000-01-01T00:00:00Z', 'start_time');
    await expect400('/v1/logs?end_time=0000-06-01T00:00:00%2B01:00', 'end_time');
    await expect400('/v1/logs?start_time=2200-01-01T00:00:01Z', 'start_time');
  });

  it('refuses a cursor whose timestamp is not a real instant in range, or whose id Postgres cannot hold', async () => {
    for (const cursor of [
      cursorOf(['0000-01-01T00:00:00.000000Z', 'r']),
      cursorOf(['2026-99-99T99:99:99.000000Z', 'r']),
      cursorOf(['2026-02-30T00:00:00.000000Z', 'r']),
      cursorOf(['2026-11-01T00:00:00.000000Z', 'r\u0000']),
      cursorOf(['2026-11-01T00:00:00.000000Z', '\ud800']),
    ]) {
      await expect400(`/v1/logs?cursor=${cursor}`, 'cursor');
    }
  });

  it('refuses a time zone the database does not know (US/Pacific-New: Node knows it, Postgres 15 does not)', async () => {
    for (const base of ranges) {
      await expect400(`${base}from=2026-11-01&to=2026-11-05&timezone=US/Pacific-New`, 'timezone');
    }
  });

  it('refuses text Postgres cannot hold (NUL) in every path and query parameter', async () => {
    await expect400('/v1/spend/team/a%00b', 'entity_id');
    await expect400('/v1/spend/key/a%00b/daily?from=2026-11-01&to=2026-11-02', 'entity_id');
    await expect400('/v1/logs/a%00b', 'request_id');
    for (const field of ['user_id', 'team_id', 'org_id', 'end_user_id', 'tag', 'model']) {
      await expect400(`/v1/logs?${field}=a%00b`, field);
    }
    await expect400('/v1/spend/team/bad-team/activity?from=2026-11-01&to=2026-11-02&model=%00', 'model');
    await expect400(
      '/v1/spend/team/bad-team/activity?from=2026-11-01&to=2026-11-02&provider=%00',
      'provider',
    );
    await expect400(
      '/v1/report?group_by=key&from=2026-11-01&to=2026-11-02&entity_type=team&entity_id=%00',
      'entity_id',
    );
  });

  it("holds LiteLLM's read endpoints and the admin endpoint to the same rules", async () => {
    for (const [path, field] of [
      ['/team/daily/activity?start_date=0000-01-01&end_date=0000-01-02', 'start_date'],
      ['/user/daily/activity?start_date=2026-11-01&end_date=2200-01-02', 'end_date'],
      ['/user/daily/activity?start_date=2026-11-01&end_date=2026-11-02&user_id=a%00', 'user_id'],
      ['/team/daily/activity?start_date=2026-11-01&end_date=2026-11-02&team_ids=a,b%00', 'team_ids.1'],
      ['/tag/daily/activity?start_date=2026-11-01&end_date=2026-11-02&model=%00', 'model'],
      ['/v1/admin/request-id-conflicts?request_id=%00', 'request_id'],
    ] as const) {
      await expect400(path, field);
    }
  });

  it('answers a repeated, over-long or malformed parameter with a 400, never a 500', async () => {
    for (const path of [
      '/v1/logs?user_id=a&user_id=b',
      `/v1/logs?tag=${'t'.repeat(10_000)}`,
      '/v1/logs?user_id=%ED%A0%80',
      '/v1/logs?user_id=%E0%A4%A',
      '/v1/spend/team/bad-team/activity?from=2026-11-01&to=2026-11-02&page=1e400',
      '/v1/spend/team/bad-team/activity?from=2026-11-01&to=2026-11-02&page=99999999999999999999',
    ]) {
      const r = await h.get<ErrorBody>(path);
      assert.ok(r.status < 500, `${path}: ${r.status}`);
      if (r.status !== 200) assert.equal(r.body.error.code, 'VALIDATION_FAILED', path);
    }
  });
});
