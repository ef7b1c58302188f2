import { formatSpend } from '@spend-ledger/contract';
import type postgres from 'postgres';
import type { WorkloadTotals } from '../workload/spend-events.ts';

export interface LedgerCheck {
  ok: boolean;
  problems: string[];
}

/**
 * A fast-but-wrong writer must not pass: the per-request rows must be exactly the unique events,
 * their spend the exact expected sum, and for every entity type the daily aggregates must equal the
 * entity totals (and, for api keys, the per-request rows).
 */
export async function verifyLedger(sql: postgres.Sql, expected: WorkloadTotals): Promise<LedgerCheck> {
  const problems: string[] = [];
  const [logs] = await sql<{ n: string; spend: string; failures: string }[]>`
    select count(*)::text as n, coalesce(sum(spend), 0)::numeric(38,12)::text as spend,
      count(*) filter (where status = 'failure')::text as failures from spend_logs`;
  const want = formatSpend(expected.spendUnits);
  if (Number(logs!.n) !== expected.unique)
    problems.push(`spend_logs has ${logs!.n} rows, want ${expected.unique}`);
  if (logs!.spend !== want) problems.push(`spend_logs spend ${logs!.spend}, want ${want}`);
  if (Number(logs!.failures) !== expected.failures) {
    problems.push(`spend_logs has ${logs!.failures} failures, want ${expected.failures}`);
  }
  const byType = async (table: 'daily_spend' | 'entity_totals') =>
    new Map(
      (
        await sql<{ t: string; spend: string; requests: string }[]>`
          select entity_type as t, sum(spend)::numeric(38,12)::text as spend, sum(api_requests)::text as requests
          from ${sql(table)} group by entity_type`
      ).map((r) => [r.t, `${r.spend}/${r.requests}`]),
    );
  const [daily, totals] = [await byType('daily_spend'), await byType('entity_totals')];
  for (const [type, figures] of totals) {
    if (daily.get(type) !== figures) problems.push(`${type}: daily ${daily.get(type)} != totals ${figures}`);
  }
  const keyWant = `${want}/${expected.unique}`;
  if (totals.get('key') !== keyWant) problems.push(`key totals ${totals.get('key')}, want ${keyWant}`);
  return { ok: problems.length === 0, problems };
}
