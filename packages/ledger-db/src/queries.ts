import { type EntityType, formatSpend, spendToUnits } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import type { LedgerDb } from './client.ts';

/** Metrics as the query API returns them: spend an exact decimal string, counts as numbers. */
export interface SpendFigures {
  spend: string;
  prompt_tokens: number;
  completion_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
}

type RawFigures = {
  spend: string;
  prompt_tokens: string;
  completion_tokens: string;
  api_requests: string;
  successful_requests: string;
  failed_requests: string;
};

const toFigures = (r: RawFigures): SpendFigures => ({
  spend: r.spend,
  prompt_tokens: Number(r.prompt_tokens),
  completion_tokens: Number(r.completion_tokens),
  api_requests: Number(r.api_requests),
  successful_requests: Number(r.successful_requests),
  failed_requests: Number(r.failed_requests),
});

// Sums cast back to numeric(38,12) so every spend string has the same 12-decimal form.
const sumFigures = sql`
  coalesce(sum(spend), 0)::numeric(38,12)::text as spend,
  coalesce(sum(prompt_tokens), 0)::text as prompt_tokens,
  coalesce(sum(completion_tokens), 0)::text as completion_tokens,
  coalesce(sum(api_requests), 0)::text as api_requests,
  coalesce(sum(successful_requests), 0)::text as successful_requests,
  coalesce(sum(failed_requests), 0)::text as failed_requests`;

export interface EntityRef {
  entityType: EntityType;
  entityId: string;
}

/** Running total for one entity; an entity the ledger has never seen has zero totals. */
export async function getEntityTotals(db: LedgerDb, ref: EntityRef): Promise<SpendFigures> {
  const rows = await db.execute<RawFigures>(sql`
    select ${sumFigures} from entity_totals
    where entity_type = ${ref.entityType} and entity_id = ${ref.entityId}`);
  return toFigures(rows[0] as RawFigures);
}

export interface DailyFigures extends SpendFigures {
  date: string;
}

/** One row per UTC day with spend in [from, to] (inclusive), plus the totals over the range. */
export async function getDailySpend(
  db: LedgerDb,
  params: EntityRef & { from: string; to: string },
): Promise<{ days: DailyFigures[]; totals: SpendFigures }> {
  const rows = await db.execute<RawFigures & { date: string }>(sql`
    select day::text as date, ${sumFigures} from daily_spend
    where entity_type = ${params.entityType} and entity_id = ${params.entityId}
      and day between ${params.from}::date and ${params.to}::date
    group by day order by day`);
  const days = rows.map((r) => ({ date: r.date, ...toFigures(r) }));
  return { days, totals: sumDays(days) };
}

function sumDays(days: readonly SpendFigures[]): SpendFigures {
  let units = 0n;
  const out = {
    prompt_tokens: 0,
    completion_tokens: 0,
    api_requests: 0,
    successful_requests: 0,
    failed_requests: 0,
  };
  for (const d of days) {
    units += spendToUnits(d.spend);
    out.prompt_tokens += d.prompt_tokens;
    out.completion_tokens += d.completion_tokens;
    out.api_requests += d.api_requests;
    out.successful_requests += d.successful_requests;
    out.failed_requests += d.failed_requests;
  }
  return { spend: formatSpend(units), ...out };
}

export type StoredSpendLog = {
  request_id: string;
  timestamp: string;
  end_time: string | null;
  api_key: string;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user_id: string | null;
  tags: string[];
  model: string;
  model_group: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  spend: string;
  status: 'success' | 'failure';
  metadata: Record<string, unknown> | null;
  ingested_at: string;
};

/** The stored event for one request_id, or null. Timestamps as ISO 8601 UTC. */
export async function getSpendLog(db: LedgerDb, requestId: string): Promise<StoredSpendLog | null> {
  const rows = await db.execute<StoredSpendLog>(sql`
    select request_id,
      to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "timestamp",
      to_char(end_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as end_time,
      api_key, user_id, team_id, org_id, end_user_id, tags, model, model_group, provider,
      prompt_tokens, completion_tokens, spend::text as spend, status, metadata,
      to_char(ingested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ingested_at
    from spend_logs where request_id = ${requestId}`);
  return rows[0] ?? null;
}
