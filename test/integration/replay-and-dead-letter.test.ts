import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENVELOPE_VERSION, encodeEnvelope } from '@spend-ledger/contract';
import type { KafkaMessage } from '@spend-ledger/kafka';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { DLQ_HEADERS } from '../../services/ledger-writer/src/dead-letter.ts';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

/**
 * Every aggregate and total, summed over shards (a redelivery may be read by another writer, which
 * writes its own shard), as text, in a stable order: equal snapshots mean equal ledgers.
 */
async function ledgerSnapshot(p: Pipeline): Promise<string> {
  const totals = await p.database.db.execute(
    sql`select entity_type, entity_id, sum(spend)::text as spend, sum(prompt_tokens) as prompt_tokens,
          sum(completion_tokens) as completion_tokens, sum(api_requests) as api_requests,
          sum(successful_requests) as successful_requests, sum(failed_requests) as failed_requests
        from entity_totals group by 1, 2 order by 1, 2`,
  );
  const daily = await p.database.db.execute(
    sql`select entity_type, entity_id, day, hour, api_key, model, provider, sum(spend)::text as spend,
          sum(api_requests) as api_requests
        from daily_spend group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7`,
  );
  const logs = await p.database.db.execute(sql`select count(*)::int as n from spend_logs`);
  return JSON.stringify({ totals, daily, logs });
}

describe('replay and dead letters', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 3 });
  });
  after(async () => {
    await p?.stop();
  });

  it('changes no total when the whole topic is replayed from the start', async () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      aSpendEvent({
        api_key: `key-${i % 7}`,
        team_id: `team-${i % 3}`,
        tags: [`t${i % 5}`],
        spend: `0.00${i}1`,
      }),
    );
    for (let i = 0; i < events.length; i += 100) {
      assert.equal((await p.post(events.slice(i, i + 100))).status, 202);
    }
    await p.waitForLagZero();
    const first = await ledgerSnapshot(p);

    // Stop the group's only member, rewind its offsets to the earliest, and let a new writer redo it all.
    await p.writers[0]?.stop();
    const admin = p.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: p.groupId, topic: p.topic, earliest: true });
    const rewound = await admin.fetchOffsets({ groupId: p.groupId, topics: [p.topic] });
    await admin.disconnect();
    assert.ok(
      rewound[0]?.partitions.every((x) => ['-2', '-1', '0'].includes(x.offset)), // -2: "earliest"
      'offsets were reset to the start',
    );
    const replayer = await p.startWriter();
    await p.waitForLagZero();
    await waitUntil(async () => (await fetch(`${replayer.url}/readyz`)).status === 200 || undefined, {
      description: 'the replaying writer to be ready',
    });
    assert.equal(await ledgerSnapshot(p), first);
  });

  it('sends malformed messages to the dead-letter topic and writes the good ones around them', async () => {
    const key = `key-${uniqueSuffix()}`;
    const good = [aSpendEvent({ api_key: key, spend: '1' }), aSpendEvent({ api_key: key, spend: '2' })];
    const producer = p.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: p.topic,
      acks: -1,
      messages: [
        { key, value: JSON.stringify(good[0]) },
        { key, value: 'this is not json' },
        { key, value: JSON.stringify({ ...good[1], request_id: undefined, spend: 'lots' }) },
        { key, value: null },
        { key, value: JSON.stringify(good[1]) },
      ],
    });
    await producer.disconnect();

    const totals = await waitUntil(
      async () => {
        const r = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/key/${key}`);
        return r.body.api_requests === 2 ? r.body : undefined;
      },
      { description: 'the two good events to be written' },
    );
    assert.equal(totals.spend, '3.000000000000');

    const reasons = await readDeadLetters(p, 3);
    assert.equal(reasons.length, 3);
    assert.match(reasons[0] ?? '', /not JSON/);
    assert.match(reasons[1] ?? '', /request_id/);
    assert.match(reasons[1] ?? '', /spend/);
    assert.match(reasons[2] ?? '', /empty/);
  });

  it('books the good events of an envelope record and dead-letters only its bad one, with its index', async () => {
    const key = `key-${uniqueSuffix()}`;
    const good = [aSpendEvent({ api_key: key, spend: '0.5' }), aSpendEvent({ api_key: key, spend: '0.25' })];
    const bad = { ...aSpendEvent({ api_key: key }), model: '' };
    const producer = p.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: p.topic,
      acks: -1,
      messages: [
        {
          key,
          value: encodeEnvelope([good[0], bad, good[1]].map((e) => JSON.stringify(e))),
          headers: { 'contract-version': ENVELOPE_VERSION },
        },
      ],
    });
    await producer.disconnect();
    const totals = await waitUntil(
      async () => {
        const r = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/key/${key}`);
        return r.body.api_requests === 2 ? r.body : undefined;
      },
      { description: "the envelope's two good events to be written" },
    );
    assert.equal(totals.spend, '0.750000000000');
    const letters = await readDeadLetterMessages(p, (m) => m.headers?.[DLQ_HEADERS.index] !== undefined);
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.headers?.[DLQ_HEADERS.index]?.toString(), '1');
    assert.match(letters[0]?.headers?.[DLQ_HEADERS.reason]?.toString() ?? '', /model/);
    assert.equal(JSON.parse(letters[0]?.value?.toString() ?? '').request_id, bad.request_id);
  });
});

/** Reads the dead-letter topic until `count` messages matched, and returns the matching ones. */
async function readDeadLetterMessages(
  p: Pipeline,
  match: (m: KafkaMessage) => boolean,
  count = 1,
): Promise<KafkaMessage[]> {
  const consumer = p.kafka.consumer({ groupId: `dlq-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
  const found: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: p.deadLetterTopic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (match(message)) found.push(message);
    },
  });
  try {
    await waitUntil(() => found.length >= count || undefined, { description: `${count} dead letters` });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

/** Reads `count` messages from the dead-letter topic and returns their reason headers in order. */
async function readDeadLetters(p: Pipeline, count: number): Promise<string[]> {
  const letters = await readDeadLetterMessages(p, () => true, count);
  return letters.map((m) => m.headers?.[DLQ_HEADERS.reason]?.toString() ?? '(no reason)');
}
