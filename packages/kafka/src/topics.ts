import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Topic-level configs, e.g. retention.ms. */
  config?: Record<string, string>;
}

/** Producer batches of several MB must fit in one record batch. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * Creates the topics that do not exist yet; existing topics are left as they are (partition counts
 * are never shrunk, and growing them is an operator's decision: it moves keys between partitions).
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: -1,
        configEntries: Object.entries({ 'max.message.bytes': String(MAX_MESSAGE_BYTES), ...s.config }).map(
          ([name, value]) => ({ name, value }),
        ),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
