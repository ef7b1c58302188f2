import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey } from '@spend-ledger/contract';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

/** Sum of api_requests in entity_totals for one entity, straight from the database. */
async function requestsCounted(p: Pipeline, entityType: string, entityId: string): Promise<number> {
  const rows = await p.database.db.execute<{ n: string }>(
    // The ledger names an api key by its digest (the contract's rule).
    sql`select coalesce(sum(api_requests), 0)::text as n from entity_totals where entity_type = ${entityType}
      and entity_id = ${entityType === 'key' ? normalizeApiKey(entityId) : entityId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe('spend pipeline: gateway → Kafka → writer → Postgres → query API', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 3 });
  });
  after(async () => {
    await p?.stop();
  });

  it('makes a posted event readable from the query API', async () => {
    const team = `team-${uniqueSuffix()}`;
    const event = aSpendEvent({
      team_id: team,
      user_id: `user-${uniqueSuffix()}`,
      tags: ['prod', 'chat'],
      spend: '0.123456789012',
      prompt_tokens: 11,
      completion_tokens: 7,
      timestamp: '2026-11-27T23:59:59.999Z',
      metadata: { route: '/chat' },
    });
    const res = await p.post(event);
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 1 });

    const totals = await waitUntil(
      async () => {
        const r = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/team/${team}`);
        return r.body.api_requests === 1 ? r.body : undefined;
      },
      { description: 'the event to reach the ledger' },
    );
    assert.equal(totals.spend, '0.123456789012');

    const daily = await p.get<{
      days: Array<{ date: string; spend: string }>;
      totals: { prompt_tokens: number };
    }>(`/v1/spend/team/${team}/daily?from=2026-11-01&to=2026-11-30`);
    assert.equal(daily.status, 200);
    assert.deepEqual(
      daily.body.days.map((d) => [d.date, d.spend]),
      [['2026-11-27', '0.123456789012']],
    );
    assert.equal(daily.body.totals.prompt_tokens, 11);

    const log = await p.get<{ request_id: string; tags: string[]; spend: string; metadata: unknown }>(
      `/v1/logs/${event.request_id}`,
    );
    assert.equal(log.status, 200);
    assert.equal(log.body.spend, '0.123456789012');
    assert.deepEqual(log.body.tags, ['prod', 'chat']);
    assert.deepEqual(log.body.metadata, { route: '/chat' });

    for (const tag of ['prod', 'chat']) {
      assert.equal(await requestsCounted(p, 'tag', tag), 1, `tag ${tag} counted once`);
    }
  });

  it('counts a request_id once whether repeated in one batch or across requests', async () => {
    const key = `key-${uniqueSuffix()}`;
    const event = aSpendEvent({ api_key: key, spend: '1.5' });
    const marker = aSpendEvent({ api_key: key, spend: '0.25' });
    assert.equal((await p.post([event, event, { ...event, spend: '99' }])).status, 202);
    assert.equal((await p.post(event)).status, 202);
    assert.equal((await p.post([event, marker])).status, 202);

    await waitUntil(async () => (await requestsCounted(p, 'key', key)) === 2 || undefined, {
      description: 'both distinct request_ids to be written',
    });
    await p.waitForLagZero();
    const totals = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/key/${key}`);
    assert.equal(totals.body.api_requests, 2);
    assert.equal(totals.body.spend, '1.750000000000', 'the first copy of a request_id wins');
  });

  it('shows the writer ready, its lag and its counters', async () => {
    const writer = p.writers[0]?.url;
    await p.waitForLagZero();
    const ready = await fetch(`${writer}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { consumer: 'ok', database: 'ok' } });
    const lag = (await (await fetch(`${writer}/lag`)).json()) as { total: number; partitions: unknown[] };
    assert.equal(lag.total, 0);
    assert.equal(lag.partitions.length, 3);
    const metrics = await (await fetch(`${writer}/metrics`)).text();
    assert.match(metrics, /writer_events_written_total\{service="ledger-writer"\} [1-9]/);
    assert.match(metrics, /writer_database_up\{service="ledger-writer"\} 1/);
  });

  it('answers zero totals for an entity it never saw, and 404 for an unknown request_id', async () => {
    const r = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/user/nobody-${uniqueSuffix()}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.spend, '0.000000000000');
    assert.equal(r.body.api_requests, 0);
    const missing = await p.get<{ error: { code: string } }>(`/v1/logs/unknown-${uniqueSuffix()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
  });

  it('publishes nothing from an invalid batch', async () => {
    const before = await topicEnd(p);
    const key = `key-${uniqueSuffix()}`;
    const res = await p.post([aSpendEvent({ api_key: key }), aSpendEvent({ api_key: key, spend: '-1' })]);
    assert.equal(res.status, 400);
    const body = (await res.json()) as {
      error: { code: string; details: Array<{ index: number; field: string }> };
    };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      body.error.details.map((d) => [d.index, d.field]),
      [[1, 'spend']],
    );
    assert.equal(await topicEnd(p), before, 'the topic did not grow');
    assert.equal(await requestsCounted(p, 'key', key), 0);
  });

  it('records a request_id reused with other content, from the recent-id cache and after a writer restart', async () => {
    const key = `key-${uniqueSuffix()}`;
    const event = aSpendEvent({ api_key: key, spend: '1' });
    const other = { ...event, spend: '2' };
    type Conflicts = { data: Array<{ request_id: string; api_key: string; content_digest: string }> };
    const conflicts = async () =>
      (await p.get<Conflicts>(`/v1/admin/request-id-conflicts?request_id=${event.request_id}`)).body.data;
    const writer = p.writers[0]?.url;
    const conflictsCounted = async () => {
      const metrics = await (await fetch(`${writer}/metrics`)).text();
      return Number(/^writer_request_id_conflicts_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    };
    // Earlier tests of this file may have recorded conflicts of their own.
    const before = await conflictsCounted();
    assert.equal((await p.post(event)).status, 202);
    await waitUntil(async () => (await requestsCounted(p, 'key', key)) === 1 || undefined, {
      description: 'the first event to be written',
    });
    // Same writer: its recent-id cache drops the exact copy silently and hands the other on as a conflict.
    assert.equal((await p.post([event, other])).status, 202);
    await waitUntil(async () => ((await conflicts()).length === 1 ? true : undefined), {
      description: 'the conflict to be recorded',
    });
    // The row commits a moment before the writer's counter moves.
    await waitUntil(async () => (await conflictsCounted()) === before + 1 || undefined, {
      description: 'writer_request_id_conflicts_total to count the conflict',
    });

    // A fresh writer (empty cache) finds the third version through the ledger's own guard.
    const [old] = p.writers.splice(0, 1);
    await old?.stop();
    await p.startWriter();
    const third = { ...event, model: 'another-model' };
    assert.equal((await p.post([third, event, other])).status, 202);
    await waitUntil(async () => ((await conflicts()).length === 2 ? true : undefined), {
      description: 'the second distinct conflict to be recorded',
    });
    await p.waitForLagZero();
    const totals = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/key/${key}`);
    assert.deepEqual([totals.body.spend, totals.body.api_requests], ['1.000000000000', 1]);
    assert.equal((await conflicts()).length, 2, 'the same conflicting content is recorded once');
  });
});

/** Sum of the topic's high watermarks: grows by one per published message. */
async function topicEnd(p: Pipeline): Promise<bigint> {
  const admin = p.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(p.topic);
    return offsets.reduce((n, o) => n + BigInt(o.high), 0n);
  } finally {
    await admin.disconnect();
  }
}
