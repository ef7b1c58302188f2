import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createKafka,
  ensureTopics,
  type Kafka,
  lz4Codec,
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
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'right crc' }] });
      assert.ok(recordBatchCrcForTests.calls() > before, 'the producer path went through the replacement');

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
