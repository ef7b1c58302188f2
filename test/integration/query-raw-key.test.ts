import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { writeSpendBatch } from '@spend-ledger/ledger-db';
import { createLogger } from '@spend-ledger/platform';
import { aSpendEvent } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type Figures = { spend: string; api_requests: number; entity_id?: string };

/** Every line the app logs, as text, so a test can look for a secret in all of them. */
function captureLines(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

describe('query API: raw api keys are hashed before every lookup and never logged', () => {
  const RAW = 'sk-live-raw-key-0001';
  const DIGEST = createHash('sha256').update(RAW).digest('hex');
  const captured = captureLines();
  let h: QueryHarness;
  before(async () => {
    h = await startQueryHarness({
      log: createLogger({ service: 'query-test', level: 'debug', destination: captured.stream }),
    });
    await h.seed([
      aSpendEvent({ request_id: 'raw-1', api_key: RAW, team_id: 'raw-team', spend: '1.5' }),
      aSpendEvent({ request_id: 'raw-2', api_key: RAW, team_id: 'raw-team', spend: '2' }),
      aSpendEvent({ request_id: 'other-1', api_key: 'sk-other-key-0002', team_id: 'raw-team', spend: '4' }),
    ]);
  });
  after(async () => {
    await h?.database.drop();
  });

  it('stores only the digest', async () => {
    const rows = await h.database.db.execute<{ api_key: string }>(
      sql`select distinct api_key from spend_logs where request_id like 'raw-%'`,
    );
    assert.deepEqual(
      rows.map((r) => r.api_key),
      [DIGEST],
    );
  });

  it('answers the real spend for the raw key, the digest and an upper-case digest alike', async () => {
    for (const id of [RAW, DIGEST, DIGEST.toUpperCase()]) {
      const r = await h.get<Figures>(`/v1/spend/key/${encodeURIComponent(id)}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.spend, '3.500000000000', id);
      assert.equal(r.body.entity_id, DIGEST, 'the answer names the key as stored, never the raw secret');
    }
    const daily = await h.get<{ totals: Figures }>(
      `/v1/spend/key/${RAW}/daily?from=2026-11-01&to=2026-11-30`,
    );
    assert.equal(daily.body.totals.spend, '3.500000000000');
  });

  it('hashes the api_key filters of logs, activity and report', async () => {
    const logs = await h.get<{ data: { request_id: string }[] }>(`/v1/logs?api_key=${RAW}`);
    assert.deepEqual(logs.body.data.map((l) => l.request_id).sort(), ['raw-1', 'raw-2']);
    const activity = await h.get<{ metadata: { total_spend: string } }>(
      `/v1/spend/team/raw-team/activity?from=2026-11-01&to=2026-11-30&api_key=${RAW}`,
    );
    assert.equal(activity.body.metadata.total_spend, '3.500000000000');
    const report = await h.get<{ metadata: { totals: Figures } }>(
      `/v1/report?group_by=model&from=2026-11-01&to=2026-11-30&entity_type=key&entity_id=${RAW}`,
    );
    assert.equal(report.body.metadata.totals.spend, '3.500000000000');
    const litellm = await h.get<{ metadata: { total_spend: number } }>(
      `/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30&team_ids=raw-team&api_key=${RAW}`,
    );
    assert.equal(litellm.body.metadata.total_spend, 3.5);
  });

  it('tells caches not to keep authenticated answers, errors included', async () => {
    for (const path of [
      `/v1/spend/key/${RAW}`,
      '/v1/logs?limit=0',
      '/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30',
    ]) {
      const r = await h.get(path);
      assert.equal(r.res.headers.get('cache-control'), 'no-store', path);
      assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  it('reads with a token scoped to the raw key', async () => {
    const token = await h.token({ type: 'key', id: RAW });
    const r = await h.get<Figures>(`/v1/spend/key/${RAW}`, token);
    assert.equal(r.status, 200);
    assert.equal(r.body.spend, '3.500000000000');
    const logs = await h.get<{ data: unknown[] }>(`/v1/logs?api_key=${RAW}`, token);
    assert.equal(logs.status, 200);
    assert.equal(logs.body.data.length, 2);
  });

  it('redacts secrets in metadata stored before redaction existed, in every answer', async () => {
    const event = SpendEventSchema.parse(aSpendEvent({ request_id: 'old-meta-1', team_id: 'raw-team' }));
    // Written as an older gateway did: metadata as sent.
    await writeSpendBatch(h.database.db, [
      { ...event, metadata: { headers: { authorization: 'Bearer sk-live-old-secret-0001' }, note: 'ok' } },
    ]);
    const one = await h.get<{ metadata: unknown }>('/v1/logs/old-meta-1');
    assert.deepEqual(one.body.metadata, { headers: { authorization: '[redacted]' }, note: 'ok' });
    const list = await h.get<{ data: { request_id: string; metadata: unknown }[] }>(
      '/v1/logs?team_id=raw-team',
    );
    const row = list.body.data.find((l) => l.request_id === 'old-meta-1');
    assert.deepEqual(row?.metadata, { headers: { authorization: '[redacted]' }, note: 'ok' });
  });

  it('logs the route pattern, never the raw path, even for errors and unknown routes', async () => {
    await h.get(`/v1/spend/key/${RAW}/activity?from=2026-11-30&to=2026-11-01`);
    await h.get(`/v1/nothing/${RAW}`);
    await h.get(`/v1/logs?api_key=${RAW}&limit=0`);
    const lines = captured.lines.join('');
    assert.ok(captured.lines.length >= 10, 'the requests were logged');
    assert.match(lines, /"route":"\/v1\/spend\/:entity_type\/:entity_id"/);
    assert.equal(lines.includes(RAW), false, 'the raw key appears in no log line');
    assert.equal(lines.includes('raw-key-0001'), false);
  });
});
