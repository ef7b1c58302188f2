import { createKafka, ensureTopics, getConsumerLag, type Kafka } from '@spend-ledger/kafka';
import { createLogger } from '@spend-ledger/platform';
import { LOCAL_TOPIC_DURABILITY } from '@spend-ledger/testing';
import { sleep } from './stats.ts';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const BENCH_PARTITIONS = 6;

const benchLog = createLogger({ service: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

export function createBenchKafka(clientId = 'spend-ledger-bench'): Kafka {
  return createKafka({ brokers: [KAFKA_BROKERS], clientId, log: benchLog });
}

/** A topic of the bench's own (6 partitions unless told), created fresh. */
export async function createBenchTopic(
  kafka: Kafka,
  topic: string,
  partitions = BENCH_PARTITIONS,
): Promise<void> {
  await ensureTopics(kafka, [{ topic, numPartitions: partitions }], LOCAL_TOPIC_DURABILITY);
}

/** Deletes only the topics this bench created; the broker is shared. */
export async function deleteBenchTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const mine = topics.filter((t) => t.startsWith('bench-'));
  if (mine.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const found = mine.filter((t) => existing.has(t));
    if (found.length > 0) await admin.deleteTopics({ topics: found, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

/** Polls the group's lag until it is zero on every partition; returns the moment it was seen. */
export async function waitForLagZero(
  kafka: Kafka,
  groupId: string,
  topic: string,
  options: { timeoutMs: number; intervalMs?: number; onPoll?: (lag: number) => void },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const lag = (await getConsumerLag(kafka, groupId, topic)).reduce((n, p) => n + p.lag, 0);
    options.onPoll?.(lag);
    if (lag === 0) return performance.now();
    if (Date.now() > deadline) throw new Error(`group ${groupId} still lags ${lag} on ${topic}`);
    await sleep(options.intervalMs ?? 200);
  }
}
