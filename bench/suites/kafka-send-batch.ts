import { CompressionTypes, type Kafka, type OutgoingMessage, Partitioners } from '@spend-ledger/kafka';

export interface SendBatchResult {
  messagesPerCall: number;
  eventsPerSecond: number;
  msPerCall: number;
}

/**
 * The Kafka client's own limit for the gateway's producer settings (idempotent, one request in
 * flight, acks=all, no compression, the same partitioner): sendBatch of already-serialised
 * messages in a loop, one call at a time, for `seconds`.
 */
export async function measureSendBatch(
  kafka: Kafka,
  topic: string,
  messages: readonly OutgoingMessage[],
  messagesPerCall: number,
  seconds: number,
): Promise<SendBatchResult> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
  await producer.connect();
  try {
    let sent = 0;
    let calls = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) {
      const from = (calls * messagesPerCall) % Math.max(1, messages.length - messagesPerCall);
      const chunk = messages.slice(from, from + messagesPerCall);
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [{ topic, messages: chunk }],
      });
      sent += chunk.length;
      calls += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    return { messagesPerCall, eventsPerSecond: sent / elapsed, msPerCall: (elapsed * 1000) / calls };
  } finally {
    await producer.disconnect();
  }
}
