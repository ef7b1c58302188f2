import { type EntityType, type SpendEvent, SpendSum, spendDay } from '@spend-ledger/contract';

/** Additive metrics shared by daily rows and entity totals; spend summed exactly. */
export interface SpendMetrics {
  promptTokens: number;
  completionTokens: number;
  spend: SpendSum;
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

function addEvent(into: SpendMetrics, event: SpendEvent, spend: SpendSum): void {
  into.promptTokens += event.prompt_tokens;
  into.completionTokens += event.completion_tokens;
  into.spend.add(spend);
  into.apiRequests += 1;
  if (event.status === 'success') into.successfulRequests += 1;
  else into.failedRequests += 1;
}

const zeroMetrics = (): SpendMetrics => ({
  promptTokens: 0,
  completionTokens: 0,
  spend: new SpendSum(),
  apiRequests: 0,
  successfulRequests: 0,
  failedRequests: 0,
});

// \u0000 cannot appear in stored text (the contract refuses it) and sorts before every other
// character, so joined keys compare exactly like the tuples they encode.
const SEP = '\u0000';

interface EntityAccumulator {
  total: TotalDelta;
  /** Daily rows of this entity keyed by day, api key, model and provider joined with SEP. */
  daily: Map<string, DailyDelta>;
}

/**
 * Collapses events (already deduplicated) into daily and total deltas, each list sorted by its
 * conflict key. Every writer upserts in this order, so two concurrent batches lock shared rows in the
 * same sequence and cannot deadlock.
 *
 * This is the writer's hot loop: entities are looked up by a short key and their daily rows by one
 * string built once per event (not one per entity), and spend is added without bigints.
 */
export function aggregateSpend(events: readonly SpendEvent[]): SpendDeltas {
  const entities = new Map<string, EntityAccumulator>();
  const book = (
    event: SpendEvent,
    spend: SpendSum,
    suffix: string,
    entityType: EntityType,
    entityId: string,
  ) => {
    const entityKey = entityType + SEP + entityId;
    let entity = entities.get(entityKey);
    if (!entity) {
      entity = { total: { entityType, entityId, ...zeroMetrics() }, daily: new Map() };
      entities.set(entityKey, entity);
    }
    addEvent(entity.total, event, spend);
    let row = entity.daily.get(suffix);
    if (!row) {
      row = {
        entityType,
        entityId,
        day: spendDay(event),
        apiKey: event.api_key,
        model: event.model,
        provider: event.provider ?? '',
        ...zeroMetrics(),
      };
      entity.daily.set(suffix, row);
    }
    addEvent(row, event, spend);
  };
  // The entity mapping (mirrored in SQL by reconcile.ts): key, user, end_user, team, org, each tag.
  for (const event of events) {
    const spend = new SpendSum();
    spend.addText(event.spend);
    const suffix = spendDay(event) + SEP + event.api_key + SEP + event.model + SEP + (event.provider ?? '');
    book(event, spend, suffix, 'key', event.api_key);
    if (event.user_id) book(event, spend, suffix, 'user', event.user_id);
    if (event.end_user_id) book(event, spend, suffix, 'end_user', event.end_user_id);
    if (event.team_id) book(event, spend, suffix, 'team', event.team_id);
    if (event.org_id) book(event, spend, suffix, 'org', event.org_id);
    for (const tag of event.tags) book(event, spend, suffix, 'tag', tag);
  }
  const totals: TotalDelta[] = [];
  const daily: DailyDelta[] = [];
  for (const key of [...entities.keys()].sort()) {
    const entity = entities.get(key) as EntityAccumulator;
    totals.push(entity.total);
    for (const suffix of [...entity.daily.keys()].sort()) daily.push(entity.daily.get(suffix) as DailyDelta);
  }
  return { daily, totals };
}
