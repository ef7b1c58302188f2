import type { OutgoingMessage, PartitionBatch } from '@spend-ledger/kafka';
import type { PoisonMessage } from './decode-messages.ts';

/** Header names on dead-lettered messages; the value is the original, untouched. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  at: 'dlq-at',
} as const;

/** Builds the dead-letter copies of poison messages, keyed as the originals were. */
export function toDeadLetters(
  batch: Pick<PartitionBatch, 'topic' | 'partition'>,
  poison: readonly PoisonMessage[],
): OutgoingMessage[] {
  return poison.map(({ message, reason }) => ({
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: {
      [DLQ_HEADERS.reason]: reason.slice(0, 1_000),
      [DLQ_HEADERS.topic]: batch.topic,
      [DLQ_HEADERS.partition]: String(batch.partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.at]: new Date().toISOString(),
    },
  }));
}
