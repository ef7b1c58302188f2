import type { OutgoingMessage, PartitionBatch } from '@spend-ledger/kafka';
import type { PoisonMessage } from './decode-messages.ts';

/** Header names on dead-lettered messages; the value is the original, untouched. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  /** Set when the dead letter is one event of a v2 envelope: its index in the record. */
  index: 'dlq-source-index',
  at: 'dlq-at',
} as const;

/**
 * Builds the dead-letter copies of poison messages, keyed as the originals were. A bad event of an
 * envelope is dead-lettered alone, as a v1 record of its own JSON, with its index in the envelope.
 */
export function toDeadLetters(
  batch: Pick<PartitionBatch, 'topic' | 'partition'>,
  poison: readonly PoisonMessage[],
): OutgoingMessage[] {
  return poison.map(({ message, reason, item }) => {
    const headers: Record<string, string> = {
      [DLQ_HEADERS.reason]: reason.slice(0, 1_000),
      [DLQ_HEADERS.topic]: batch.topic,
      [DLQ_HEADERS.partition]: String(batch.partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.at]: new Date().toISOString(),
    };
    if (item) headers[DLQ_HEADERS.index] = String(item.index);
    return {
      key: message.key?.toString('utf8') ?? '',
      value: item ? item.value : (message.value?.toString('utf8') ?? ''),
      headers,
    };
  });
}
