import { CONTRACT_VERSION, isSentInNormalForm, type SpendEvent } from '@spend-ledger/contract';
import { type OutgoingMessage, PublishError } from '@spend-ledger/kafka';
import { ApiError } from '@spend-ledger/platform';
import type { GatewayMetrics } from './metrics.ts';

export interface Publisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface PublishDeps {
  publisher: Publisher;
  metrics: GatewayMetrics;
  retryAfterSeconds: number;
}

/**
 * The message key is the api key: it spreads load across partitions and keeps one key's events in
 * one partition, so one writer at a time owns that key's rows. An event without a key (LiteLLM's
 * requests made without a virtual key, api_key "") is keyed by its request_id instead: keyed by ""
 * all such traffic would pile onto one partition, while a retry of the same request still lands
 * where its first copy did.
 */
const HEADERS = Object.freeze({ 'contract-version': CONTRACT_VERSION });
export const partitionKey = (event: SpendEvent): string => event.api_key || `request:${event.request_id}`;
const toMessage = (event: SpendEvent, sent: Buffer | undefined): OutgoingMessage => ({
  key: partitionKey(event),
  value: sent ?? JSON.stringify(event),
  headers: HEADERS,
});

/**
 * THE durable path of every ingest endpoint: resolves once Kafka acknowledged every event with
 * acks=all, else throws the 503 (with Retry-After) that tells the sender to retry the same events.
 * `sent[i]`, when given, is the JSON the i-th event arrived as, already in normal form
 * (sentAsIs): it travels as it is instead of being serialised again.
 */
export async function publishEvents(
  deps: PublishDeps,
  events: readonly SpendEvent[],
  sent: ReadonlyArray<Buffer | undefined> = [],
): Promise<void> {
  const stopTimer = deps.metrics.publishSeconds.startTimer();
  // Only the count is used after the await, so the parsed events are garbage while the request
  // waits for Kafka (tens of ms at full load): whatever stays reachable across the await outlives
  // young-generation collections and is promoted to the old space, which is what grows the RSS.
  const count = events.length;
  try {
    await deps.publisher.publish(events.map((event, i) => toMessage(event, sent[i])));
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    deps.metrics.publishFailures.inc();
    throw new ApiError(
      'UNAVAILABLE',
      'the event log is unavailable; nothing was accepted, retry with the same request_ids',
      undefined,
      deps.retryAfterSeconds,
    );
  } finally {
    stopTimer();
  }
  deps.metrics.eventsAccepted.inc(count);
}

/**
 * For each event of a request, the bytes it was sent as (a subarray of the body, no copy) when
 * the contract's reading of it changed nothing but defaults (isSentInNormalForm), else undefined.
 * Re-serialising an event cost the gateway more than validating it (docs/performance.md, "Session
 * 7"); these bytes are what JSON.stringify would have said, up to spacing and absent defaults.
 */
export function sentAsIs(
  body: Buffer,
  elements: readonly number[],
  items: readonly unknown[],
  events: readonly SpendEvent[],
): Array<Buffer | undefined> {
  // One range per item, or the scan and the parse disagree: then nothing is forwarded.
  if (elements.length !== items.length * 2) return [];
  return events.map((event, i) =>
    isSentInNormalForm(items[i], event)
      ? body.subarray(elements[i * 2] as number, elements[i * 2 + 1] as number)
      : undefined,
  );
}
