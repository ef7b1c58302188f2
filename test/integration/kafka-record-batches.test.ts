import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createKafka,
  ensureTopics,
  type Kafka,
  lz4Codec,
  oneProduceEncodingForTests,
  Partitioners,
  recordBatchCrcForTests,
  zstdCodec,
} from '@spend-ledger/kafka';
import { createLogger } from '@spend-ledger/platform';
import { aSpendEvent, LOCAL_TOPIC_DURABILITY, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { KAFKA_BROKERS, type Pipeline, startPipeline } from './support/pipeline.ts';

/** Every error in a cause chain, as text: kafkajs wraps the broker's error code in its retrier's. */
function chain(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: string; type?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as never
  )
    parts.push(`${e.type ?? ''} ${e.message ?? ''}`);
  return parts.join(' <- ');
}

describe("kafkajs' record batch CRC, computed by @spend-ledger/kafka's CRC-32C", () => {
  const log = createLogger({ service: 'test', level: 'silent' });
  let kafka: Kafka;
  let topic: string;

  before(async () => {
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'crc-test', log });
    topic = `crc-test-${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }], LOCAL_TOPIC_DURABILITY);
  });

  it('is what the broker checks: accepted as computed, refused when wrong', async () => {
    // Not idempotent: kafkajs insists on retries for that, and a refused batch should fail at once.
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
    await producer.connect();
    try {
      const before = recordBatchCrcForTests.calls();
      const encoded = { ...oneProduceEncodingForTests };
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'right crc' }] });
      assert.ok(recordBatchCrcForTests.calls() > before, 'the producer path went through the replacement');
      // The CRC above is the one-pass encoder's, and its request is framed in place.
      assert.ok(oneProduceEncodingForTests.onePass > encoded.onePass, 'encoded in one pass');
      assert.ok(oneProduceEncodingForTests.framedInPlace > encoded.framedInPlace, 'framed in place');

      const restore = recordBatchCrcForTests.use((bytes) => 1 + bytes.length);
      try {
        await assert.rejects(
          producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'wrong crc' }] }),
          (error: unknown) => /CORRUPT_MESSAGE/.test(chain(error)),
        );
      } finally {
        restore();
      }
    } finally {
      await producer.disconnect();
    }
  });
});

for (const [compression, codec] of [
  ['lz4', lz4Codec],
  ['zstd', zstdCodec],
] as const) {
  describe(`PUBLISH_COMPRESSION=${compression}: gateway → Kafka (compressed batches) → writer → ledger`, () => {
    let p: Pipeline;
    const calls = { compress: 0, decompress: 0 };
    const original = { ...codec };

    before(async () => {
      // Counted where kafkajs calls them (its codec registry hands out this object).
      codec.compress = async (encoder) => {
        calls.compress++;
        return original.compress(encoder);
      };
      codec.decompress = async (buffer) => {
        calls.decompress++;
        return original.decompress(buffer);
      };
      p = await startPipeline({ partitions: 2, gatewayEnv: { PUBLISH_COMPRESSION: compression } });
    });
    after(async () => {
      await p?.stop();
      Object.assign(codec, original);
    });

    it('counts every event exactly, the batches compressed by the gateway and read by the writer', async () => {
      const team = `team-${compression}-${uniqueSuffix()}`;
      const events = Array.from({ length: 300 }, (_, i) =>
        aSpendEvent({ team_id: team, api_key: `key-${i % 17}`, spend: '0.000000000001', prompt_tokens: i }),
      );
      for (let i = 0; i < events.length; i += 100) {
        assert.equal((await p.post(events.slice(i, i + 100))).status, 202);
      }
      const totals = await waitUntil(
        async () => {
          const r = await p.get<{ spend: string; api_requests: number }>(`/v1/spend/team/${team}`);
          return r.body.api_requests === events.length ? r.body : undefined;
        },
        { description: `the ${compression} batches to reach the ledger` },
      );
      assert.equal(totals.spend, '0.000000000300');
      // The broker decompresses every batch to validate it, so an unreadable frame would have been refused.
      assert.ok(calls.compress >= 3, `gateway compressed ${calls.compress} batches`);
      assert.ok(calls.decompress >= 1, `writer decompressed ${calls.decompress} batches`);
    });
  });
}

describe('produce requests encoded in one pass (@spend-ledger/kafka), read back through the broker', () => {
  const log = createLogger({ service: 'test', level: 'silent' });
  let kafka: Kafka;
  const topics = [`one-pass-a-${uniqueSuffix()}`, `one-pass-b-${uniqueSuffix()}`];

  before(async () => {
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'one-pass-test', log });
    await ensureTopics(
      kafka,
      topics.map((topic) => ({ topic, numPartitions: 3 })),
      LOCAL_TOPIC_DURABILITY,
    );
  });

  it('keeps every key, value, header and timestamp, over several topics and partitions in one request', async () => {
    const now = Date.now();
    const sent = topics.flatMap((topic, t) =>
      Array.from({ length: 24 }, (_, i) => ({
        topic,
        partition: i % 3,
        key: i % 5 === 0 ? null : `key-${t}-${i}`,
        value: i % 4 === 0 ? Buffer.from([i, 0, 255, t]) : `värde ${i} ${'x'.repeat(i === 7 ? 300_000 : i)}`,
        headers: i % 2 === 0 ? { 'contract-version': '2', multi: ['ä', Buffer.from([1, 2])] } : undefined,
        timestamp: i % 3 === 0 ? String(now - 1_000 + i) : undefined,
      })),
    );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const encoded = { ...oneProduceEncodingForTests };
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: topics.map((topic) => ({
          topic,
          messages: sent.filter((m) => m.topic === topic).map(({ topic: _, ...m }) => m),
        })),
      });
    } finally {
      await producer.disconnect();
    }
    assert.equal(oneProduceEncodingForTests.onePass - encoded.onePass, 1, 'one request, encoded in one pass');

    const received: { topic: string; partition: number; message: import('kafkajs').KafkaMessage }[] = [];
    const consumer = kafka.consumer({ groupId: `one-pass-${uniqueSuffix()}` });
    await consumer.connect();
    try {
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received.push({ topic, partition, message });
        },
      });
      await waitUntil(() => received.length === sent.length, { description: 'every record read back' });
    } finally {
      await consumer.disconnect();
    }
    const bytes = (v: string | Buffer) => Buffer.from(v);
    for (const m of sent) {
      // Values are unique within a topic.
      const got = received.find(
        (r) => r.topic === m.topic && bytes(m.value).equals(r.message.value ?? Buffer.alloc(0)),
      );
      assert.ok(got, `${m.topic}/${m.partition}/${m.key} read back`);
      assert.equal(got.partition, m.partition);
      assert.deepEqual(got.message.key, m.key === null ? null : bytes(m.key));
      const headers = m.headers
        ? { 'contract-version': Buffer.from('2'), multi: [Buffer.from('ä'), Buffer.from([1, 2])] }
        : {};
      assert.deepEqual(got.message.headers, headers);
      if (m.timestamp !== undefined) assert.equal(got.message.timestamp, m.timestamp);
    }
  });
});
