import type { SpendEvent } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import {
  aggregateSpend,
  type DailyDelta,
  type RollupDelta,
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
 * THE write path into the ledger: one transaction that records the per-request rows and adds only
 * the events whose request_id was new to the daily aggregates and entity totals. Redelivering any
 * batch, in whole or in part, changes no total. The caller must not acknowledge the source messages
 * until this resolves; on a throw nothing was written.
 */
export async function writeSpendBatch(
  db: LedgerDb,
  events: readonly SpendEvent[],
): Promise<WriteSpendResult> {
  const unique = dedupeByRequestId(events);
  return db.transaction(async (tx) => {
    const fresh = await insertSpendLogs(tx, unique);
    const deltas = aggregateSpend(fresh);
    await upsertDailySpend(tx, deltas.daily);
    await upsertDailyRollup(tx, deltas.rollup);
    await upsertEntityTotals(tx, deltas.totals);
    return {
      received: events.length,
      written: fresh.length,
      duplicates: events.length - fresh.length,
      dailyRows: deltas.daily.length,
      rollupRows: deltas.rollup.length,
      totalRows: deltas.totals.length,
    };
  });
}

type Tx = Parameters<Parameters<LedgerDb['transaction']>[0]>[0];

/** First occurrence wins; sorted by request_id so concurrent inserts take index locks in one order. */
function dedupeByRequestId(events: readonly SpendEvent[]): SpendEvent[] {
  const seen = new Map<string, SpendEvent>();
  for (const event of events) if (!seen.has(event.request_id)) seen.set(event.request_id, event);
  return [...seen.values()].sort((a, b) => (a.request_id < b.request_id ? -1 : 1));
}

/** Inserts per-request rows and returns the events whose request_id was not yet in the ledger. */
export async function insertSpendLogs(
  tx: Tx | LedgerDb,
  events: readonly SpendEvent[],
): Promise<SpendEvent[]> {
  if (events.length === 0) return [];
  const rows = await tx.execute<{ request_id: string }>(sql`
    insert into spend_logs (request_id, "timestamp", day, end_time, api_key, user_id, team_id, org_id,
      end_user_id, tags, model, model_group, provider, prompt_tokens, completion_tokens, spend, status, metadata)
    select request_id, "timestamp", ("timestamp" at time zone 'UTC')::date, end_time, api_key, user_id,
      team_id, org_id, end_user_id, coalesce(tags, '{}'), model, model_group, provider, prompt_tokens,
      completion_tokens, spend, status, metadata
    from ${jsonRows(events, 'request_id text, "timestamp" timestamptz, end_time timestamptz, api_key text, user_id text, team_id text, org_id text, end_user_id text, tags text[], model text, model_group text, provider text, prompt_tokens integer, completion_tokens integer, spend numeric, status text, metadata jsonb')}
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
const jsonRows = (rows: unknown, columns: string) =>
  sql`rows from (json_to_recordset(${JSON.stringify(rows)}::json) as (${sql.raw(columns)})) with ordinality`;

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

/**
 * The one shape of every aggregate write: insert the rows, and where the conflict key exists add
 * each metric to it. `keys` maps the conflict-key columns to their Postgres types; table and column
 * names are constants of this module, never input. `rows` must be sorted by the key (lock order).
 */
async function upsertAdditive(
  tx: Tx | LedgerDb,
  table: string,
  keys: Record<string, string>,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = { ...keys, ...METRIC_COLUMNS };
  const names = Object.keys(columns).join(', ');
  const definitions = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  const additions = Object.keys(METRIC_COLUMNS)
    .map((m) => `${m} = t.${m} + excluded.${m}`)
    .join(', ');
  await tx.execute(sql`
    insert into ${sql.raw(table)} as t (${sql.raw(names)})
    select ${sql.raw(names)} from ${jsonRows(rows, definitions)}
    order by ordinality
    on conflict (${sql.raw(Object.keys(keys).join(', '))}) do update set ${sql.raw(additions)}, updated_at = now()`);
}

/** Additive upsert of the hourly-grain daily rows, sorted by conflict key (aggregateSpend does this). */
export const upsertDailySpend = (tx: Tx | LedgerDb, rows: readonly DailyDelta[]) =>
  upsertAdditive(
    tx,
    'daily_spend',
    {
      entity_type: 'text',
      entity_id: 'text',
      day: 'date',
      hour: 'smallint',
      api_key: 'text',
      model: 'text',
      provider: 'text',
    },
    rows.map((r) => ({
      entity_type: r.entityType,
      entity_id: r.entityId,
      day: r.day,
      hour: r.hour,
      api_key: r.apiKey,
      model: r.model,
      provider: r.provider,
      ...metricsJson(r),
    })),
  );

/** Additive upsert of the report roll-up, sorted by (dimension, value, day). */
export const upsertDailyRollup = (tx: Tx | LedgerDb, rows: readonly RollupDelta[]) =>
  upsertAdditive(
    tx,
    'daily_rollup',
    { dimension: 'text', value: 'text', day: 'date' },
    rows.map((r) => ({ dimension: r.dimension, value: r.value, day: r.day, ...metricsJson(r) })),
  );

/** Additive upsert of the running totals, sorted by (entity_type, entity_id). */
export const upsertEntityTotals = (tx: Tx | LedgerDb, rows: readonly TotalDelta[]) =>
  upsertAdditive(
    tx,
    'entity_totals',
    { entity_type: 'text', entity_id: 'text' },
    rows.map((r) => ({ entity_type: r.entityType, entity_id: r.entityId, ...metricsJson(r) })),
  );
