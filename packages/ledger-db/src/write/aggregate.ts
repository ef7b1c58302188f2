import {
  ENTITY_TYPES as ALL_ENTITY_TYPES,
  type EntityType,
  PROXY_ENTITY_ID,
  type SpendEvent,
  SpendSum,
  spendDay,
  teamMemberId,
} from '@spend-ledger/contract';

/** Additive metrics shared by daily rows and entity totals; spend summed exactly. */
export interface SpendMetrics {
  promptTokens: number;
  completionTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  spend: SpendSum;
  apiRequests: number;
  successfulRequests: number;
  failedRequests: number;
}

/**
 * One row of daily_spend_by_entity: a tag's or end user's spend in one UTC hour of one UTC day, per
 * key, model, provider.
 */
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

/**
 * One row of daily_spend_facts: the spend of one api key in one UTC hour, per model and provider,
 * with the user, team and org it belonged to ('' when absent). The key, user, team, org, team member
 * and proxy aggregates are all sums of these rows (docs/decisions.md, "Aggregates as fact rows").
 */
export interface FactDelta extends SpendMetrics {
  apiKey: string;
  day: string;
  hour: number;
  model: string;
  provider: string;
  userId: string;
  teamId: string;
  orgId: string;
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
  /** Fact rows, sorted by their key (api key, day, hour, model, provider, user, team, org). */
  facts: FactDelta[];
  /** Per-entity hourly rows: tags and end users. */
  daily: DailyDelta[];
  rollup: RollupDelta[];
  totals: TotalDelta[];
}

function addEvent(into: SpendMetrics, event: SpendEvent, spend: SpendSum): void {
  into.promptTokens += event.prompt_tokens;
  into.completionTokens += event.completion_tokens;
  into.cacheReadInputTokens += event.cache_read_input_tokens;
  into.cacheCreationInputTokens += event.cache_creation_input_tokens;
  into.spend.add(spend);
  into.apiRequests += 1;
  if (event.status === 'success') into.successfulRequests += 1;
  else into.failedRequests += 1;
}

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

/** What one event contributes, computed once and shared by every entity it is booked against. */
interface Booking {
  event: SpendEvent;
  spend: SpendSum;
  day: string;
  hour: number;
  /** The hour as two digits, as it sorts in the joined keys. */
  hh: string;
  provider: string;
  /** day, hour (two digits), api key, model and provider joined with SEP: the daily row's key. */
  suffix: string;
}

/**
 * Adds zeroed metrics to a new row. Fields are assigned, not spread, so every row of a kind gets
 * one hidden class: the aggregation allocates tens of thousands of rows per window.
 */
function withZeroMetrics<R extends object>(row: R): R & SpendMetrics {
  const r = row as R & SpendMetrics;
  r.promptTokens = 0;
  r.completionTokens = 0;
  r.cacheReadInputTokens = 0;
  r.cacheCreationInputTokens = 0;
  r.spend = new SpendSum();
  r.apiRequests = 0;
  r.successfulRequests = 0;
  r.failedRequests = 0;
  return r;
}

const newDaily = (entityType: EntityType, entityId: string, b: Booking): DailyDelta =>
  withZeroMetrics({
    entityType,
    entityId,
    day: b.day,
    hour: b.hour,
    apiKey: b.event.api_key,
    model: b.event.model,
    provider: b.provider,
  });

const newRollup = (dimension: RollupDimension, value: string, day: string): RollupDelta =>
  withZeroMetrics({ dimension, value, day });

/** Adds the booking to the roll-up row of its day in `days`, creating it. */
function bookDay(
  days: Map<string, RollupDelta>,
  dimension: RollupDimension,
  value: string,
  b: Booking,
): void {
  let row = days.get(b.day);
  if (!row) {
    row = newRollup(dimension, value, b.day);
    days.set(b.day, row);
  }
  addEvent(row, b.event, b.spend);
}

/**
 * Books the event against one entity: its total and its roll-up day, and, when `hourly`, its own
 * hourly row (tags and end users; the other entity types' hourly spend is in the fact rows).
 */
function book(
  entities: Map<string, EntityAccumulator>,
  entityType: EntityType,
  entityId: string,
  b: Booking,
  hourly = false,
): void {
  let entity = entities.get(entityId);
  if (!entity) {
    entity = { total: withZeroMetrics({ entityType, entityId }), daily: new Map(), days: new Map() };
    entities.set(entityId, entity);
  }
  addEvent(entity.total, b.event, b.spend);
  bookDay(entity.days, entityType, entityId, b);
  if (!hourly) return;
  let row = entity.daily.get(b.suffix);
  if (!row) {
    row = newDaily(entityType, entityId, b);
    entity.daily.set(b.suffix, row);
  }
  addEvent(row, b.event, b.spend);
}

function bookOther(
  others: Map<string, Map<string, RollupDelta>>,
  dimension: RollupDimension,
  value: string,
  b: Booking,
) {
  let days = others.get(value);
  if (!days) {
    days = new Map();
    others.set(value, days);
  }
  bookDay(days, dimension, value, b);
}

const sortedKeys = <K extends string, V>(map: Map<K, V>): K[] => [...map.keys()].sort();

/** Entity types in the order their rows are sorted (the lock order): by name. */
const ENTITY_TYPES: readonly EntityType[] = ALL_ENTITY_TYPES.slice().sort();

/** Adds the event to its fact row in `facts`, keyed by the fact key joined with SEP. */
function bookFact(facts: Map<string, FactDelta>, b: Booking): void {
  const e = b.event;
  const userId = e.user_id ?? '';
  const teamId = e.team_id ?? '';
  const orgId = e.org_id ?? '';
  // The fact key in the primary key's column order (the lock order).
  const key =
    e.api_key +
    SEP +
    b.day +
    SEP +
    b.hh +
    SEP +
    e.model +
    SEP +
    b.provider +
    SEP +
    userId +
    SEP +
    teamId +
    SEP +
    orgId;
  let row = facts.get(key);
  if (!row) {
    row = withZeroMetrics({
      apiKey: e.api_key,
      day: b.day,
      hour: b.hour,
      model: e.model,
      provider: b.provider,
      userId,
      teamId,
      orgId,
    });
    facts.set(key, row);
  }
  addEvent(row, e, b.spend);
}

/**
 * Collapses events (already deduplicated) into fact and hourly rows, roll-up and total deltas, each
 * list sorted by its conflict key. Every writer upserts in this order, so two concurrent batches
 * lock shared rows in the same sequence and cannot deadlock.
 *
 * This is the writer's hot loop, and it is allocation-bound: entities are found by type, then id,
 * in nested maps (no joined key per entity), an event's day, hour and daily-row key are built once
 * and shared by all its entities, and spend is added without bigints.
 */
export function aggregateSpend(events: readonly SpendEvent[]): SpendDeltas {
  const byType = new Map<EntityType, Map<string, EntityAccumulator>>(ENTITY_TYPES.map((t) => [t, new Map()]));
  const entitiesOf = (t: EntityType) => byType.get(t) as Map<string, EntityAccumulator>;
  const keys = entitiesOf('key');
  const users = entitiesOf('user');
  const endUsers = entitiesOf('end_user');
  const teams = entitiesOf('team');
  const orgs = entitiesOf('org');
  const tags = entitiesOf('tag');
  const members = entitiesOf('team_member');
  const proxy = entitiesOf('proxy');
  // Roll-up rows of the two dimensions that are not entities, by value, then day.
  const models = new Map<string, Map<string, RollupDelta>>();
  const providers = new Map<string, Map<string, RollupDelta>>();
  const facts = new Map<string, FactDelta>();
  // The entity mapping (mirrored in SQL by reconcile.ts): key (unless '': a request made without a
  // virtual key), user, end_user, team, team member (team and user both set), org, each tag, proxy.
  for (const event of events) {
    const spend = new SpendSum();
    spend.addText(event.spend);
    const day = spendDay(event);
    const hour = event.timestamp.slice(11, 13);
    const provider = event.provider ?? '';
    // The hour as two digits, so the joined key sorts like the (day, hour, ...) tuple.
    const suffix = day + SEP + hour + SEP + event.api_key + SEP + event.model + SEP + provider;
    const b: Booking = { event, spend, day, hour: Number(hour), hh: hour, provider, suffix };
    bookFact(facts, b);
    if (event.api_key !== '') book(keys, 'key', event.api_key, b);
    if (event.user_id) book(users, 'user', event.user_id, b);
    if (event.end_user_id) book(endUsers, 'end_user', event.end_user_id, b, true);
    if (event.team_id) book(teams, 'team', event.team_id, b);
    if (event.team_id && event.user_id) {
      book(members, 'team_member', teamMemberId(event.team_id, event.user_id), b);
    }
    if (event.org_id) book(orgs, 'org', event.org_id, b);
    for (const tag of event.tags) book(tags, 'tag', tag, b, true);
    book(proxy, 'proxy', PROXY_ENTITY_ID, b);
    bookOther(models, 'model', event.model, b);
    bookOther(providers, 'provider', provider, b);
  }
  const totals: TotalDelta[] = [];
  const daily: DailyDelta[] = [];
  const rollup: RollupDelta[] = [];
  const pushDays = (days: Map<string, RollupDelta>) => {
    for (const day of sortedKeys(days)) rollup.push(days.get(day) as RollupDelta);
  };
  // Roll-up dimensions sort with the entity types by name: model and provider fall between them.
  const dimensions = [...ENTITY_TYPES, 'model', 'provider'].sort() as RollupDimension[];
  for (const dimension of dimensions) {
    if (dimension === 'model' || dimension === 'provider') {
      const values = dimension === 'model' ? models : providers;
      for (const value of sortedKeys(values)) pushDays(values.get(value) as Map<string, RollupDelta>);
      continue;
    }
    const entities = entitiesOf(dimension);
    for (const id of sortedKeys(entities)) {
      const entity = entities.get(id) as EntityAccumulator;
      totals.push(entity.total);
      for (const suffix of sortedKeys(entity.daily)) daily.push(entity.daily.get(suffix) as DailyDelta);
      pushDays(entity.days);
    }
  }
  const factRows: FactDelta[] = [];
  for (const key of sortedKeys(facts)) factRows.push(facts.get(key) as FactDelta);
  return { facts: factRows, daily, rollup, totals };
}
