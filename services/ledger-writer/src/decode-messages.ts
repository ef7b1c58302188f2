import { type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import type { KafkaMessage } from '@spend-ledger/kafka';

export interface PoisonMessage {
  message: KafkaMessage;
  reason: string;
}

export interface DecodedBatch {
  events: SpendEvent[];
  poison: PoisonMessage[];
}

/**
 * Decodes and re-validates each message with the contract: the topic may hold messages that did
 * not come through the gateway (another producer, an older gateway, a hand-made test message).
 */
export function decodeMessages(
  messages: readonly KafkaMessage[],
  oldest?: { ms: number; days: number },
): DecodedBatch {
  const events: SpendEvent[] = [];
  const poison: PoisonMessage[] = [];
  for (const message of messages) {
    if (!message.value) {
      poison.push({ message, reason: 'empty message value' });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      poison.push({ message, reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const result = SpendEventSchema.safeParse(json);
    if (result.success) {
      // MAX_EVENT_AGE_DAYS: an event this late may belong to a day already archived and dropped; it
      // must not recreate that day's partition or be counted beside its archive.
      if (oldest && Date.parse(result.data.timestamp) < oldest.ms)
        poison.push({
          message,
          reason: `event too old: timestamp ${result.data.timestamp} is more than MAX_EVENT_AGE_DAYS (${oldest.days}) days ago`,
        });
      else events.push(result.data);
    } else {
      const first = result.error.issues.slice(0, 5);
      poison.push({
        message,
        reason: `invalid event: ${first.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}`,
      });
    }
  }
  return { events, poison };
}
