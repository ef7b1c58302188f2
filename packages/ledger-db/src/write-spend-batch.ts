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

/** Additive upsert; `rows` must be sorted by conflict key (aggregateSpend does this). */
export async function upsertDailySpend(tx: Tx | LedgerDb, rows: readonly DailyDelta[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({
    entity_type: r.entityType,
    entity_id: r.entityId,
    day: r.day,
    hour: r.hour,
    api_key: r.apiKey,
    model: r.model,
    provider: r.provider,
    ...metricsJson(r),
  }));
  await tx.execute(sql`
    insert into daily_spend as d (entity_type, entity_id, day, hour, api_key, model, provider, prompt_tokens,
      completion_tokens, spend, api_requests, successful_requests, failed_requests)
    select entity_type, entity_id, day, hour, api_key, model, provider, prompt_tokens, completion_tokens, spend,
      api_requests, successful_requests, failed_requests
    from ${jsonRows(payload, 'entity_type text, entity_id text, day date, hour smallint, api_key text, model text, provider text, prompt_tokens bigint, completion_tokens bigint, spend numeric, api_requests bigint, successful_requests bigint, failed_requests bigint')}
    order by ordinality
    on conflict (entity_type, entity_id, day, hour, api_key, model, provider) do update set
      prompt_tokens = d.prompt_tokens + excluded.prompt_tokens,
      completion_tokens = d.completion_tokens + excluded.completion_tokens,
      spend = d.spend + excluded.spend,
      api_requests = d.api_requests + excluded.api_requests,
      successful_requests = d.successful_requests + excluded.successful_requests,
      failed_requests = d.failed_requests + excluded.failed_requests,
      updated_at = now()`);
}

/** Additive upsert; `rows` must be sorted by (dimension, value, day) (aggregateSpend does this). */
export async function upsertDailyRollup(tx: Tx | LedgerDb, rows: readonly RollupDelta[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({
    dimension: r.dimension,
    value: r.value,
    day: r.day,
    ...metricsJson(r),
  }));
  await tx.execute(sql`
    insert into daily_rollup as r (dimension, value, day, prompt_tokens, completion_tokens, spend,
      api_requests, successful_requests, failed_requests)
    select dimension, value, day, prompt_tokens, completion_tokens, spend, api_requests,
      successful_requests, failed_requests
    from ${jsonRows(payload, 'dimension text, value text, day date, prompt_tokens bigint, completion_tokens bigint, spend numeric, api_requests bigint, successful_requests bigint, failed_requests bigint')}
    order by ordinality
    on conflict (dimension, value, day) do update set
      prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,
      completion_tokens = r.completion_tokens + excluded.completion_tokens,
      spend = r.spend + excluded.spend,
      api_requests = r.api_requests + excluded.api_requests,
      successful_requests = r.successful_requests + excluded.successful_requests,
      failed_requests = r.failed_requests + excluded.failed_requests,
      updated_at = now()`);
}

/** Additive upsert; `rows` must be sorted by (entity_type, entity_id). */
export async function upsertEntityTotals(tx: Tx | LedgerDb, rows: readonly TotalDelta[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({ entity_type: r.entityType, entity_id: r.entityId, ...metricsJson(r) }));
  await tx.execute(sql`
    insert into entity_totals as t (entity_type, entity_id, prompt_tokens, completion_tokens, spend,
      api_requests, successful_requests, failed_requests)
    select entity_type, entity_id, prompt_tokens, completion_tokens, spend, api_requests,
      successful_requests, failed_requests
    from ${jsonRows(payload, 'entity_type text, entity_id text, prompt_tokens bigint, completion_tokens bigint, spend numeric, api_requests bigint, successful_requests bigint, failed_requests bigint')}
    order by ordinality
    on conflict (entity_type, entity_id) do update set
      prompt_tokens = t.prompt_tokens + excluded.prompt_tokens,
      completion_tokens = t.completion_tokens + excluded.completion_tokens,
      spend = t.spend + excluded.spend,
      api_requests = t.api_requests + excluded.api_requests,
      successful_requests = t.successful_requests + excluded.successful_requests,
      failed_requests = t.failed_requests + excluded.failed_requests,
      updated_at = now()`);
}
