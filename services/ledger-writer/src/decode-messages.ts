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

// Fatal, as the gateway reads bodies: U+FFFD would store text no sender sent.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Why a value is not JSON, without V8's message, which quotes the start of the value: a secret in a
 * malformed message would reach the log and the dead-letter header.
 */
const notJsonReason = (error: unknown): string => {
  const position = /at position (\d+)/.exec((error as Error).message)?.[1];
  return position === undefined ? 'not JSON' : `not JSON: syntax error at position ${position}`;
};

/**
 * Decodes and re-validates each message with the contract: the topic may hold messages that did
 * not come through the gateway (another producer, an older gateway, a hand-made test message).
 */
export function decodeMessages(messages: readonly KafkaMessage[]): DecodedBatch {
  const events: SpendEvent[] = [];
  const poison: PoisonMessage[] = [];
  for (const message of messages) {
    if (!message.value) {
      poison.push({ message, reason: 'empty message value' });
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(message.value);
    } catch {
      poison.push({ message, reason: 'not valid UTF-8' });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      poison.push({ message, reason: notJsonReason(error) });
      continue;
    }
    const result = SpendEventSchema.safeParse(json);
    if (result.success) events.push(result.data);
    else {
      const first = result.error.issues.slice(0, 5);
      poison.push({
        message,
        reason: `invalid event: ${first.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}`,
      });
    }
  }
  return { events, poison };
}
