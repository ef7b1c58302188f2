import {
  CONTRACT_VERSION_HEADER,
  decodeRecord,
  ENVELOPE_VERSION,
  type SpendEvent,
  SpendEventSchema,
} from '@spend-ledger/contract';
import type { KafkaMessage } from '@spend-ledger/kafka';
import { asNormalEvent } from './normal-event.ts';

/**
 * A message, or one event inside an envelope record, that cannot be booked. `item` is set for an
 * event of a v2 envelope: its index in the record and its own JSON, which is what gets dead-lettered
 * (the envelope's other events are booked as usual).
 */
export interface PoisonMessage {
  message: KafkaMessage;
  reason: string;
  item?: { index: number; value: string };
}

export interface DecodedBatch {
  events: SpendEvent[];
  poison: PoisonMessage[];
}

// Fatal, as the gateway reads bodies: U+FFFD would store text no sender sent.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const headerText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return headerText(value[0]);
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
};

const describeIssues = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  `invalid event: ${issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
    .join('; ')}`;

/**
 * Decodes and re-validates each message with the contract: the topic may hold messages that did
 * not come through the gateway (another producer, an older gateway, a hand-made test message).
 * Reads both record versions: v1 (one event) and v2 (an envelope of events, see
 * packages/contract/src/envelope.ts); a bad event inside an envelope is poison on its own.
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
    let text: string;
    try {
      text = utf8.decode(message.value);
    } catch {
      poison.push({ message, reason: 'not valid UTF-8' });
      continue;
    }
    const version = headerText(message.headers?.[CONTRACT_VERSION_HEADER]);
    const record = decodeRecord(version, text);
    if (!record.ok) {
      poison.push({ message, reason: record.error });
      continue;
    }
    const enveloped = version === ENVELOPE_VERSION;
    for (const { index, value } of record.items) {
      // Only a poisoned item pays for re-serialising its JSON.
      const item = () => (enveloped ? { index, value: JSON.stringify(value) ?? 'null' } : undefined);
      // The gateway's events are already normal: taken as they are; anything else goes through zod.
      let event = asNormalEvent(value);
      if (event === undefined) {
        const result = SpendEventSchema.safeParse(value);
        if (!result.success) {
          poison.push({ message, reason: describeIssues(result.error.issues), item: item() });
          continue;
        }
        event = result.data;
      }
      if (oldest && Date.parse(event.timestamp) < oldest.ms) {
        // MAX_EVENT_AGE_DAYS: an event this late may belong to a day already archived and dropped;
        // it must not recreate that day's partition or be counted beside its archive.
        const reason = `event too old: timestamp ${event.timestamp} is more than MAX_EVENT_AGE_DAYS (${oldest.days}) days ago`;
        poison.push({ message, reason, item: item() });
      } else events.push(event);
    }
  }
  return { events, poison };
}
