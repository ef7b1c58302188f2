import { CONTRACT_VERSION_HEADER, ENVELOPE_VERSION, encodeEnvelopeBytes } from '@spend-ledger/contract';
import {
  CompressionTypes,
  coalesceRecords,
  createKeyHasher,
  type Kafka,
  type OutgoingMessage,
  Partitioners,
} from '@spend-ledger/kafka';
import { BENCH_PARTITIONS, createBenchTopic } from '../lib/bench-kafka.ts';
import { assertNormalForm } from '../workload/check-normal-form.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator, type WorkloadTotals } from '../workload/spend-events.ts';
import { toMessage } from '../workload/to-message.ts';

export interface PreloadedTopic {
  topic: string;
  /** Events in the topic (duplicates included). */
  messages: number;
  /** Kafka records that carry them: `messages` when one event per record, fewer with envelopes. */
  records: number;
  eventsPerRecord: number;
  totals: WorkloadTotals;
  seconds: number;
  eventsPerSecond: number;
}

const CHUNK = 5_000;
const IN_FLIGHT = 4;

/**
 * Fills a fresh 6-partition topic with `events` generated events exactly as the gateway would have
 * produced them (normalised JSON, key = api_key, contract-version header, Java-compatible murmur2
 * partitioner), in big sendBatch calls. With `eventsPerRecord` > 1 the events of a partition travel
 * as v2 envelopes of up to that many events, as the gateway coalesces a busy produce request (its
 * default); 1 writes one v1 record per event, as other producers do. Returns what the ledger must
 * contain once they are written.
 */
export async function preloadTopic(
  kafka: Kafka,
  topic: string,
  events: number,
  eventsPerRecord = 1,
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
  const toRecords = envelopeRecords(eventsPerRecord);
  let records = 0;
  try {
    const pending = new Set<Promise<unknown>>();
    for (let sent = 0; sent < events; sent += CHUNK) {
      const batch = generator.take(Math.min(CHUNK, events - sent));
      if (sent === 0) assertNormalForm(batch.slice(0, 200));
      const messages = toRecords(batch.map(toMessage));
      records += messages.length;
      const p = producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [{ topic, messages }],
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
    records,
    eventsPerRecord,
    totals: { ...generator.stats },
    seconds,
    eventsPerSecond: events / seconds,
  };
}

/**
 * One-event records regrouped the way the gateway's BatchingProducer coalesces them (the same
 * coalesceRecords), `size` events per v2 envelope record at most.
 */
function envelopeRecords(size: number): (messages: OutgoingMessage[]) => OutgoingMessage[] {
  if (size <= 1) return (messages) => messages;
  const hashKey = createKeyHasher();
  const envelopes = {
    combine: encodeEnvelopeBytes,
    headers: { [CONTRACT_VERSION_HEADER]: ENVELOPE_VERSION },
    maxRecordMessages: size,
  };
  return (messages) => coalesceRecords(messages, BENCH_PARTITIONS, hashKey, envelopes);
}
