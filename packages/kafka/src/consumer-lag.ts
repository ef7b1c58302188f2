import type { Kafka } from 'kafkajs';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read (-1 when it has committed nothing yet). */
  committed: string;
  highWatermark: string;
  lag: number;
}

/**
 * The group's lag per partition: high watermark minus committed offset. A group that committed
 * nothing counts as lagging by everything from the log start.
 */
export async function getConsumerLag(kafka: Kafka, groupId: string, topic: string): Promise<PartitionLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [group]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committed = new Map((group?.partitions ?? []).map((p) => [p.partition, p.offset]));
    return ends
      .map((end) => {
        const offset = committed.get(end.partition) ?? '-1';
        const from = BigInt(offset) >= 0n ? BigInt(offset) : BigInt(end.low);
        return {
          partition: end.partition,
          committed: offset,
          highWatermark: end.high,
          lag: Number(BigInt(end.high) - from),
        };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
