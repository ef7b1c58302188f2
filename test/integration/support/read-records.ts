import type { Kafka, KafkaMessage } from '@spend-ledger/kafka';
import { uniqueSuffix, waitUntil } from '@spend-ledger/testing';

export interface RawRecord {
  partition: number;
  message: KafkaMessage;
}

/** The first `count` records on a topic, as the broker stores them (a consumer group of its own). */
export async function readRecords(kafka: Kafka, topic: string, count: number): Promise<RawRecord[]> {
  const consumer = kafka.consumer({ groupId: `record-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
  const records: RawRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({ partition, message });
    },
  });
  try {
    await waitUntil(() => records.length >= count || undefined, { description: `${count} records` });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
