import { CONTRACT_VERSION, type SpendEvent } from '@spend-ledger/contract';
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
const toMessage = (event: SpendEvent): OutgoingMessage => ({
  key: partitionKey(event),
  value: JSON.stringify(event),
  headers: HEADERS,
});

/**
 * THE durable path of every ingest endpoint: resolves once Kafka acknowledged every event with
 * acks=all, else throws the 503 (with Retry-After) that tells the sender to retry the same events.
 */
export async function publishEvents(deps: PublishDeps, events: readonly SpendEvent[]): Promise<void> {
  const stopTimer = deps.metrics.publishSeconds.startTimer();
  try {
    await deps.publisher.publish(events.map(toMessage));
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
  deps.metrics.eventsAccepted.inc(events.length);
}
