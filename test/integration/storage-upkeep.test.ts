import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, listSpendLogPartitions, utcDay } from '@spend-ledger/ledger-db';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { DLQ_HEADERS } from '../../services/ledger-writer/src/dead-letter.ts';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

describe('the writer keeps spend_logs by itself', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 1, env: { MAX_EVENT_AGE_DAYS: '30' } });
  });
  after(async () => {
    await p?.stop();
  });

  it('makes day partitions from yesterday to 7 days ahead at start-up', async () => {
    const today = utcDay();
    const wanted = Array.from({ length: 9 }, (_, i) => addDays(today, i - 1));
    await waitUntil(
      async () => {
        const days = await listSpendLogPartitions(p.database.db);
        return wanted.every((d) => days.includes(d)) || undefined;
      },
      { description: `partitions ${wanted[0]} to ${wanted[8]}` },
    );
  });

  it('dead-letters an event older than MAX_EVENT_AGE_DAYS with its reason, and counts the rest', async () => {
    const key = `key-${uniqueSuffix()}`;
    const now = Date.now();
    const recent = aSpendEvent({
      api_key: key,
      spend: '1',
      timestamp: new Date(now - 86_400_000).toISOString(),
    });
    const old = aSpendEvent({
      api_key: key,
      spend: '5',
      timestamp: new Date(now - 40 * 86_400_000).toISOString(),
    });
    assert.equal((await p.post([recent, old])).status, 202);
    await p.waitForLagZero();
    const totals = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/key/${key}`);
    assert.deepEqual([totals.body.api_requests, totals.body.spend], [1, '1.000000000000']);
    const known = await p.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from request_ids where request_id = ${old.request_id}`,
    );
    assert.equal(known[0]?.n, 0);

    const consumer = p.kafka.consumer({ groupId: `dlq-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
    const reasons: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: p.deadLetterTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        reasons.push(message.headers?.[DLQ_HEADERS.reason]?.toString() ?? '(no reason)');
      },
    });
    try {
      await waitUntil(() => reasons.length >= 1 || undefined, { description: 'the dead letter' });
    } finally {
      await consumer.disconnect();
    }
    assert.equal(reasons.length, 1);
    assert.match(reasons[0] ?? '', /too old.*MAX_EVENT_AGE_DAYS \(30\)/);
  });
});
