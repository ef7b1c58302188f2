import type { Kafka } from '@spend-ledger/kafka';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { createBenchTopic } from '../lib/bench-kafka.ts';
import { assertNormalForm } from '../workload/check-normal-form.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator, type WorkloadTotals } from '../workload/spend-events.ts';
import { toMessage } from '../workload/to-message.ts';

export interface PreloadedTopic {
  topic: string;
  messages: number;
  totals: WorkloadTotals;
  seconds: number;
  eventsPerSecond: number;
}

const CHUNK = 5_000;
const IN_FLIGHT = 4;

/**
 * Fills a fresh 6-partition topic with `events` generated events exactly as the gateway would have
 * produced them (normalised JSON, key = api_key, contract-version header, Java-compatible murmur2
 * partitioner), in big sendBatch calls. Returns what the ledger must contain once they are written.
 */
export async function preloadTopic(
  kafka: Kafka,
  topic: string,
  events: number,
  workload: Partial<typeof DEFAULT_WORKLOAD> = {},
): Promise<PreloadedTopic> {
  await createBenchTopic(kafka, topic);
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, ...workload, expectedEvents: events });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const started = performance.now();
  try {
    const pending = new Set<Promise<unknown>>();
    for (let sent = 0; sent < events; sent += CHUNK) {
      const batch = generator.take(Math.min(CHUNK, events - sent));
      if (sent === 0) assertNormalForm(batch.slice(0, 200));
      const p = producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [{ topic, messages: batch.map(toMessage) }],
      });
      pending.add(p);
      void p.finally(() => pending.delete(p)).catch(() => {});
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    topic,
    messages: events,
    totals: { ...generator.stats },
    seconds,
    eventsPerSecond: events / seconds,
  };
}
