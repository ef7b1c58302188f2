import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeRecord, ENVELOPE_VERSION, encodeEnvelopeBytes } from '@spend-ledger/contract';
import {
  BatchingProducer,
  createKafka,
  createKeyHasher,
  ensureTopics,
  type Kafka,
} from '@spend-ledger/kafka';
import { createLogger } from '@spend-ledger/platform';
import { LOCAL_TOPIC_DURABILITY, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { KAFKA_BROKERS } from './support/pipeline.ts';
import { readRecords } from './support/read-records.ts';

const PARTITIONS = 3;

describe('envelope records (topic contract v2)', () => {
  const log = createLogger({ service: 'test', level: 'silent' });
  let kafka: Kafka;
  let topic: string;
  let producer: BatchingProducer;

  before(async () => {
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'envelope-test', log });
    topic = `envelope-test-${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, numPartitions: PARTITIONS }], LOCAL_TOPIC_DURABILITY);
    producer = new BatchingProducer(kafka, {
      topic,
      log,
      // Concurrent publishes below share one produce request only if they queue behind each other.
      lingerMs: 20,
      coalesce: { combine: encodeEnvelopeBytes, headers: { 'contract-version': ENVELOPE_VERSION } },
    });
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
  });

  it("coalesces a request's events per partition, each where its key alone would land", async () => {
    const hash = createKeyHasher();
    const requests = Array.from({ length: 4 }, (_, r) =>
      Array.from({ length: 30 }, (_, i) => {
        const key = `key-${(r * 7 + i) % 25}`;
        return { key, value: JSON.stringify({ request_id: `r${r}-${i}`, key }) };
      }),
    );
    await Promise.all(requests.map((messages) => producer.publish(messages)));
    // One event alone stays a v1 record: nothing to coalesce.
    await producer.publish([{ key: 'solo', value: JSON.stringify({ request_id: 'solo', key: 'solo' }) }]);

    const sent = requests.flat().length + 1;
    const seen = new Map<string, number>();
    // Read until every event is there: partitions are fetched independently.
    const all = await waitUntil(
      async () => {
        const batch = await readRecords(kafka, topic, 1);
        seen.clear();
        for (const { partition, message } of batch) {
          const version = message.headers?.['contract-version']?.toString();
          const decoded = decodeRecord(version, message.value?.toString() ?? '');
          assert.ok(decoded.ok, 'every record decodes');
          for (const { value } of decoded.items) {
            const event = value as { request_id: string; key: string };
            assert.equal(
              hash(event.key) % PARTITIONS,
              partition,
              `${event.request_id} is on its key's partition`,
            );
            seen.set(event.request_id, (seen.get(event.request_id) ?? 0) + 1);
          }
        }
        return seen.size === sent ? batch : undefined;
      },
      { description: `all ${sent} events on the topic` },
    );
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      'each event once',
    );
    assert.ok(all.length < sent / 4, `${all.length} records carry ${sent} events`);
    const solo = all.find((r) => r.message.value?.toString().includes('"solo"'));
    assert.equal(solo?.message.headers?.['contract-version'], undefined, 'a lone event is a v1 record');
  });
});
