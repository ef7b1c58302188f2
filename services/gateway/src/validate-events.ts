import { type BatchParseResult, parseSpendEventBatchFast } from '@spend-ledger/contract';
import { ApiError, type ErrorDetail } from '@spend-ledger/platform';
import type { GatewayMetrics } from './metrics.ts';
import { fillMissingSpend } from './pricing/fill-missing-spend.ts';
import type { SpendPricer } from './pricing/spend-pricer.ts';

export interface ValidateDeps {
  pricer: SpendPricer;
  metrics: GatewayMetrics;
  maxEventsPerRequest: number;
}

/** Refuses an empty batch or one over MAX_EVENTS_PER_REQUEST, before any per-event work. */
export function checkBatchSize(count: number, max: number): void {
  if (count === 0) {
    throw new ApiError('VALIDATION_FAILED', 'the batch is empty', [
      { field: '(body)', message: 'no events' },
    ]);
  }
  if (count > max) {
    throw new ApiError('VALIDATION_FAILED', `at most ${max} events per request`, [
      { field: '(body)', message: `got ${count} events` },
    ]);
  }
}

/**
 * Prices the events that arrived without a cost, then validates the batch with the contract:
 * the one step between a parsed body and publishEvents for every ingest endpoint. The contract's
 * fast path answers for events of the common shape; zod (the source of truth) for the rest and for
 * every refusal.
 */
export function validateEvents(items: readonly unknown[], deps: ValidateDeps): BatchParseResult {
  return parseSpendEventBatchFast(
    fillMissingSpend(items, deps.pricer, (outcome) =>
      deps.metrics.eventsPriced.labels({ source: outcome }).inc(),
    ),
  );
}

/** The 400 of an all-or-nothing batch: one detail per problem, each with its event's index. */
export function invalidBatch(details: ErrorDetail[], total: number, metrics: GatewayMetrics): ApiError {
  metrics.eventsRejected.inc(total);
  const bad = new Set(details.map((d) => d.index)).size;
  return new ApiError(
    'VALIDATION_FAILED',
    `${bad} of ${total} events are invalid; nothing was accepted`,
    details,
  );
}
