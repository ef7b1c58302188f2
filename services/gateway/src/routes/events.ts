import { CONTRACT_VERSION, parseSpendEventBatch, type SpendEvent } from '@spend-ledger/contract';
import { type OutgoingMessage, PublishError } from '@spend-ledger/kafka';
import { ApiError, type Logger } from '@spend-ledger/platform';
import { Hono } from 'hono';
import { parseJsonBody, readBody } from '../json-body.ts';
import type { GatewayMetrics } from '../metrics.ts';

export interface Publisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface EventsRouteDeps {
  publisher: Publisher;
  log: Logger;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  retryAfterSeconds: number;
}

/**
 * The message key is the api key: it spreads load across partitions and keeps one key's events in
 * one partition, so one writer at a time owns that key's rows.
 */
const HEADERS = Object.freeze({ 'contract-version': CONTRACT_VERSION });
const toMessage = (event: SpendEvent): OutgoingMessage => ({
  key: event.api_key,
  value: JSON.stringify(event),
  headers: HEADERS,
});

const JSON_TYPE = /^application\/json\b/i;

/** POST /v1/events: one event or an array; all-or-nothing; 202 only after acks=all. */
export function eventsRoute(deps: EventsRouteDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!JSON_TYPE.test(contentType)) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the events as application/json', [
        { field: 'content-type', message: `got "${contentType || '(none)'}"` },
      ]);
    }
    const body = parseJsonBody(await readBody(c, deps.maxBodyBytes));
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) {
      throw new ApiError('VALIDATION_FAILED', 'the batch is empty', [
        { field: '(body)', message: 'no events' },
      ]);
    }
    if (items.length > deps.maxEventsPerRequest) {
      throw new ApiError('VALIDATION_FAILED', `at most ${deps.maxEventsPerRequest} events per request`, [
        { field: '(body)', message: `got ${items.length} events` },
      ]);
    }
    const parsed = parseSpendEventBatch(items);
    if (!parsed.ok) {
      deps.metrics.eventsRejected.inc(items.length);
      const bad = new Set(parsed.issues.map((i) => i.index)).size;
      throw new ApiError(
        'VALIDATION_FAILED',
        `${bad} of ${items.length} events are invalid; nothing was accepted`,
        parsed.issues.map((i) => ({ index: i.index, field: i.field, message: i.message })),
      );
    }
    const stopTimer = deps.metrics.publishSeconds.startTimer();
    try {
      await deps.publisher.publish(parsed.events.map(toMessage));
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
    deps.metrics.eventsAccepted.inc(parsed.events.length);
    return c.json({ accepted: parsed.events.length }, 202);
  });
  return app;
}
