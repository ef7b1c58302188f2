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

/** One row of daily_spend: an entity's spend in one UTC hour of one UTC day, per key, model, provider. */
export interface DailyDelta extends SpendMetrics {
  entityType: EntityType;
  entityId: string;
  day: string;
  /** UTC hour of the day, 0–23: the grain that makes local days of any whole-hour zone exact. */
  hour: number;
  apiKey: string;
  model: string;
  provider: string;
}

export interface TotalDelta extends SpendMetrics {
  entityType: EntityType;
  entityId: string;
}

/** The dimensions of the daily roll-up: every entity type, plus model and provider. */
export type RollupDimension = EntityType | 'model' | 'provider';

/** One row of daily_rollup: one dimension value's spend on one UTC day, for reports. */
export interface RollupDelta extends SpendMetrics {
  dimension: RollupDimension;
  value: string;
  day: string;
}

export interface SpendDeltas {
  daily: DailyDelta[];
  rollup: RollupDelta[];
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
  /** Daily rows of this entity keyed by day, hour, api key, model and provider joined with SEP. */
  daily: Map<string, DailyDelta>;
  /** Roll-up rows of this entity keyed by day. */
  days: Map<string, RollupDelta>;
}

/** Adds an event to the roll-up row of `day` in `days`, creating it. */
function bookDay(
  days: Map<string, RollupDelta>,
  dimension: RollupDimension,
  value: string,
  day: string,
  event: SpendEvent,
  spend: SpendSum,
): void {
  let row = days.get(day);
  if (!row) {
    row = { dimension, value, day, ...zeroMetrics() };
    days.set(day, row);
  }
  addEvent(row, event, spend);
}

/**
 * Collapses events (already deduplicated) into hourly (daily_spend), roll-up and total deltas, each
 * list sorted by its conflict key. Every writer upserts in this order, so two concurrent batches lock shared rows in the
 * same sequence and cannot deadlock.
 *
 * This is the writer's hot loop: entities are looked up by a short key and their daily rows by one
 * string built once per event (not one per entity), and spend is added without bigints.
 */
export function aggregateSpend(events: readonly SpendEvent[]): SpendDeltas {
  const entities = new Map<string, EntityAccumulator>();
  // Roll-up rows of the two dimensions that are not entities, keyed by dimension and value.
  const others = new Map<string, Map<string, RollupDelta>>();
  const bookOther = (dimension: 'model' | 'provider', value: string, event: SpendEvent, spend: SpendSum) => {
    const key = dimension + SEP + value;
    let days = others.get(key);
    if (!days) {
      days = new Map();
      others.set(key, days);
    }
    bookDay(days, dimension, value, spendDay(event), event, spend);
  };
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
      entity = { total: { entityType, entityId, ...zeroMetrics() }, daily: new Map(), days: new Map() };
      entities.set(entityKey, entity);
    }
    addEvent(entity.total, event, spend);
    bookDay(entity.days, entityType, entityId, spendDay(event), event, spend);
    let row = entity.daily.get(suffix);
    if (!row) {
      row = {
        entityType,
        entityId,
        day: spendDay(event),
        hour: spendHour(event),
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
    // The hour as two digits, so the joined key sorts like the (day, hour, ...) tuple.
    const suffix =
      spendDay(event) +
      SEP +
      event.timestamp.slice(11, 13) +
      SEP +
      event.api_key +
      SEP +
      event.model +
      SEP +
      (event.provider ?? '');
    book(event, spend, suffix, 'key', event.api_key);
    if (event.user_id) book(event, spend, suffix, 'user', event.user_id);
    if (event.end_user_id) book(event, spend, suffix, 'end_user', event.end_user_id);
    if (event.team_id) book(event, spend, suffix, 'team', event.team_id);
    if (event.org_id) book(event, spend, suffix, 'org', event.org_id);
    for (const tag of event.tags) book(event, spend, suffix, 'tag', tag);
    bookOther('model', event.model, event, spend);
    bookOther('provider', event.provider ?? '', event, spend);
  }
  const totals: TotalDelta[] = [];
  const daily: DailyDelta[] = [];
  const rollupDays = new Map(others);
  for (const key of [...entities.keys()].sort()) {
    const entity = entities.get(key) as EntityAccumulator;
    totals.push(entity.total);
    for (const suffix of [...entity.daily.keys()].sort()) daily.push(entity.daily.get(suffix) as DailyDelta);
    rollupDays.set(key, entity.days);
  }
  const rollup: RollupDelta[] = [];
  for (const key of [...rollupDays.keys()].sort()) {
    const days = rollupDays.get(key) as Map<string, RollupDelta>;
    for (const day of [...days.keys()].sort()) rollup.push(days.get(day) as RollupDelta);
  }
  return { daily, rollup, totals };
}

/** The UTC hour (0–23) of a normalised event's timestamp (ISO 8601 UTC, as the contract emits it). */
export function spendHour(event: Pick<SpendEvent, 'timestamp'>): number {
  return Number(event.timestamp.slice(11, 13));
}
