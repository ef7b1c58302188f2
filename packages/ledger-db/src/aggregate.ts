import { type EntityType, type SpendEvent, spendDay, spendToUnits } from '@spend-ledger/contract';

/** Additive metrics shared by daily rows and entity totals. Spend in exact 10^-12 USD units. */
export interface SpendMetrics {
  promptTokens: number;
  completionTokens: number;
  spendUnits: bigint;
  apiRequests: number;
  successfulRequests: number;
  failedRequests: number;
}

export interface DailyDelta extends SpendMetrics {
  entityType: EntityType;
  entityId: string;
  day: string;
  apiKey: string;
  model: string;
  provider: string;
}

export interface TotalDelta extends SpendMetrics {
  entityType: EntityType;
  entityId: string;
}

export interface SpendDeltas {
  daily: DailyDelta[];
  totals: TotalDelta[];
}

/** The entities one event is booked against; an event with n tags adds to n tag rows. */
export function entitiesOf(event: SpendEvent): Array<[EntityType, string]> {
  const out: Array<[EntityType, string]> = [['key', event.api_key]];
  if (event.user_id) out.push(['user', event.user_id]);
  if (event.end_user_id) out.push(['end_user', event.end_user_id]);
  if (event.team_id) out.push(['team', event.team_id]);
  if (event.org_id) out.push(['org', event.org_id]);
  for (const tag of event.tags) out.push(['tag', tag]);
  return out;
}

function addMetrics(into: SpendMetrics, event: SpendEvent, spendUnits: bigint): void {
  into.promptTokens += event.prompt_tokens;
  into.completionTokens += event.completion_tokens;
  into.spendUnits += spendUnits;
  into.apiRequests += 1;
  if (event.status === 'success') into.successfulRequests += 1;
  else into.failedRequests += 1;
}

const zero = (): SpendMetrics => ({
  promptTokens: 0,
  completionTokens: 0,
  spendUnits: 0n,
  apiRequests: 0,
  successfulRequests: 0,
  failedRequests: 0,
});

// \u0000 cannot appear in Postgres text, so it separates key parts unambiguously.
const SEP = '\u0000';

const byKey = <T>(entries: Map<string, T>): T[] =>
  [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/**
 * Collapses events (already deduplicated) into daily and total deltas, each list sorted by its
 * conflict key. Every writer upserts in this order, so two concurrent batches lock shared rows in the
 * same sequence and cannot deadlock.
 */
export function aggregateSpend(events: readonly SpendEvent[]): SpendDeltas {
  const daily = new Map<string, DailyDelta>();
  const totals = new Map<string, TotalDelta>();
  for (const event of events) {
    const spendUnits = spendToUnits(event.spend);
    const day = spendDay(event);
    const provider = event.provider ?? '';
    for (const [entityType, entityId] of entitiesOf(event)) {
      const dailyKey = [entityType, entityId, day, event.api_key, event.model, provider].join(SEP);
      let row = daily.get(dailyKey);
      if (!row) {
        row = { entityType, entityId, day, apiKey: event.api_key, model: event.model, provider, ...zero() };
        daily.set(dailyKey, row);
      }
      addMetrics(row, event, spendUnits);

      const totalKey = entityType + SEP + entityId;
      let total = totals.get(totalKey);
      if (!total) {
        total = { entityType, entityId, ...zero() };
        totals.set(totalKey, total);
      }
      addMetrics(total, event, spendUnits);
    }
  }
  return { daily: byKey(daily), totals: byKey(totals) };
}
