import type { SpendEvent } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import {
  aggregateSpend,
  type DailyDelta,
  type RollupDelta,
  type SpendDeltas,
  type SpendMetrics,
  type TotalDelta,
} from './aggregate.ts';
import type { LedgerDb } from './client.ts';

export interface WriteSpendResult {
  /** Events handed in. */
  received: number;
  /** Events whose request_id was new: the only ones that count. */
  written: number;
  /** Events skipped because their request_id was already in the batch or in the ledger. */
  duplicates: number;
  dailyRows: number;
  rollupRows: number;
  totalRows: number;
}

/**
 * A batch made ready for the database without touching it: deduplicated, sorted, aggregated and
 * encoded on the assumption that every event is new (almost always true: duplicates come from
 * client retries and redeliveries). The CPU work happens outside the transaction, so a writer can
 * prepare the next window while Postgres writes this one, and no transaction waits on JavaScript.
 */
export interface PreparedSpendBatch {
  received: number;
  /** Deduplicated by request_id, sorted by it (the lock order of the spend_logs inserts). */
  events: SpendEvent[];
  logs: string;
  aggregates: EncodedAggregates;
}

interface EncodedAggregates {
  daily: string;
  rollup: string;
  totals: string;
  rows: { daily: number; rollup: number; totals: number };
}

/** The CPU half of the write path; pure. */
export function prepareSpendBatch(events: readonly SpendEvent[]): PreparedSpendBatch {
  const unique = dedupeByRequestId(events);
  return {
    received: events.length,
    events: unique,
    logs: JSON.stringify(unique),
    aggregates: encodeAggregates(aggregateSpend(unique)),
  };
}

/**
 * THE write path into the ledger: one transaction that records the per-request rows and adds only
 * the events whose request_id was new to the daily aggregates and entity totals. Redelivering any
 * batch, in whole or in part, changes no total. The caller must not acknowledge the source messages
 * until this resolves; on a throw nothing was written.
 */
export async function writePreparedBatch(db: LedgerDb, batch: PreparedSpendBatch): Promise<WriteSpendResult> {
  return db.transaction(async (tx) => {
    const fresh = await insertSpendLogs(tx, batch.events, batch.logs);
    // Some request_ids were already in the ledger: aggregate only the new events (the rare path).
    const aggregates =
      fresh.length === batch.events.length ? batch.aggregates : encodeAggregates(aggregateSpend(fresh));
    if (fresh.length > 0) {
      await upsertAdditive(tx, DAILY_SPEND, aggregates.daily);
      await upsertAdditive(tx, DAILY_ROLLUP, aggregates.rollup);
      await upsertAdditive(tx, ENTITY_TOTALS, aggregates.totals);
    }
    return {
      received: batch.received,
      written: fresh.length,
      duplicates: batch.received - fresh.length,
      dailyRows: fresh.length > 0 ? aggregates.rows.daily : 0,
      rollupRows: fresh.length > 0 ? aggregates.rows.rollup : 0,
      totalRows: fresh.length > 0 ? aggregates.rows.totals : 0,
    };
  });
}

/** Prepare and write in one go: for callers that have nothing to overlap with the write. */
export const writeSpendBatch = (db: LedgerDb, events: readonly SpendEvent[]): Promise<WriteSpendResult> =>
  writePreparedBatch(db, prepareSpendBatch(events));

type Tx = Parameters<Parameters<LedgerDb['transaction']>[0]>[0];

/** First occurrence wins; sorted by request_id so concurrent inserts take index locks in one order. */
function dedupeByRequestId(events: readonly SpendEvent[]): SpendEvent[] {
  const seen = new Map<string, SpendEvent>();
  for (const event of events) if (!seen.has(event.request_id)) seen.set(event.request_id, event);
  return [...seen.values()].sort((a, b) => (a.request_id < b.request_id ? -1 : 1));
}

/**
 * Inserts per-request rows and returns the events whose request_id was not yet in the ledger.
 * `logs` is `events` encoded as JSON (prepared outside the transaction).
 */
async function insertSpendLogs(
  tx: Tx | LedgerDb,
  events: readonly SpendEvent[],
  logs: string,
): Promise<SpendEvent[]> {
  if (events.length === 0) return [];
  const rows = await tx.execute<{ request_id: string }>(sql`
    insert into spend_logs (request_id, "timestamp", day, end_time, api_key, user_id, team_id, org_id,
      end_user_id, tags, model, model_group, provider, prompt_tokens, completion_tokens, spend, status, metadata)
    select request_id, "timestamp", ("timestamp" at time zone 'UTC')::date, end_time, api_key, user_id,
      team_id, org_id, end_user_id, coalesce(tags, '{}'), model, model_group, provider, prompt_tokens,
      completion_tokens, spend, status, metadata
    from ${jsonRows(logs, 'request_id text, "timestamp" timestamptz, end_time timestamptz, api_key text, user_id text, team_id text, org_id text, end_user_id text, tags text[], model text, model_group text, provider text, prompt_tokens integer, completion_tokens integer, spend numeric, status text, metadata jsonb')}
    order by ordinality
    on conflict (request_id) do nothing
    returning request_id`);
  const inserted = new Set(rows.map((r) => r.request_id));
  return events.filter((e) => inserted.has(e.request_id));
}

/**
 * Rows travel as one JSON parameter unpacked by json_to_recordset: one round trip and one statement
 * whatever the batch size, far from the 65,535-parameter limit of multi-row VALUES. WITH ORDINALITY
 * keeps the caller's (sorted) order, which is the lock order.
 */
const jsonRows = (json: string, columns: string) =>
  sql`rows from (json_to_recordset(${json}::json) as (${sql.raw(columns)})) with ordinality`;

const metricsJson = (m: SpendMetrics) => ({
  prompt_tokens: m.promptTokens,
  completion_tokens: m.completionTokens,
  spend: m.spend.toString(),
  api_requests: m.apiRequests,
  successful_requests: m.successfulRequests,
  failed_requests: m.failedRequests,
});

const METRIC_COLUMNS: Record<keyof ReturnType<typeof metricsJson>, string> = {
  prompt_tokens: 'bigint',
  completion_tokens: 'bigint',
  spend: 'numeric',
  api_requests: 'bigint',
  successful_requests: 'bigint',
  failed_requests: 'bigint',
};

interface AggregateTable {
  name: string;
  /** Conflict-key columns and their Postgres types; the metric columns follow them. */
  keys: Record<string, string>;
}

const DAILY_SPEND: AggregateTable = {
  name: 'daily_spend',
  keys: {
    entity_type: 'text',
    entity_id: 'text',
    day: 'date',
    hour: 'smallint',
    api_key: 'text',
    model: 'text',
    provider: 'text',
  },
};
const DAILY_ROLLUP: AggregateTable = {
  name: 'daily_rollup',
  keys: { dimension: 'text', value: 'text', day: 'date' },
};
const ENTITY_TOTALS: AggregateTable = {
  name: 'entity_totals',
  keys: { entity_type: 'text', entity_id: 'text' },
};

/** The rows of each aggregate table as the JSON its upsert unpacks, in conflict-key (lock) order. */
function encodeAggregates(deltas: SpendDeltas): EncodedAggregates {
  return {
    daily: JSON.stringify(deltas.daily.map(dailyRow)),
    rollup: JSON.stringify(deltas.rollup.map(rollupRow)),
    totals: JSON.stringify(deltas.totals.map(totalRow)),
    rows: { daily: deltas.daily.length, rollup: deltas.rollup.length, totals: deltas.totals.length },
  };
}

const dailyRow = (r: DailyDelta) => ({
  entity_type: r.entityType,
  entity_id: r.entityId,
  day: r.day,
  hour: r.hour,
  api_key: r.apiKey,
  model: r.model,
  provider: r.provider,
  ...metricsJson(r),
});
const rollupRow = (r: RollupDelta) => ({
  dimension: r.dimension,
  value: r.value,
  day: r.day,
  ...metricsJson(r),
});
const totalRow = (r: TotalDelta) => ({ entity_type: r.entityType, entity_id: r.entityId, ...metricsJson(r) });

/**
 * The one shape of every aggregate write: insert the rows, and where the conflict key exists add
 * each metric to it. Table and column names are constants of this module, never input. `json`
 * holds the rows sorted by the conflict key (lock order).
 */
async function upsertAdditive(tx: Tx | LedgerDb, table: AggregateTable, json: string): Promise<void> {
  if (json === '[]') return;
  const columns = { ...table.keys, ...METRIC_COLUMNS };
  const names = Object.keys(columns).join(', ');
  const definitions = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  const additions = Object.keys(METRIC_COLUMNS)
    .map((m) => `${m} = t.${m} + excluded.${m}`)
    .join(', ');
  await tx.execute(sql`
    insert into ${sql.raw(table.name)} as t (${sql.raw(names)})
    select ${sql.raw(names)} from ${jsonRows(json, definitions)}
    order by ordinality
    on conflict (${sql.raw(Object.keys(table.keys).join(', '))}) do update set ${sql.raw(additions)}, updated_at = now()`);
}
