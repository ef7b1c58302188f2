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
export async function verifyLedger(
  sql: postgres.Sql,
  expected: WorkloadTotals,
  { spendLogs = true }: { spendLogs?: boolean } = {},
): Promise<LedgerCheck> {
  const problems: string[] = [];
  const want = formatSpend(expected.spendUnits);
  if (spendLogs) {
    const [logs] = await sql<{ n: string; spend: string; failures: string }[]>`
      select count(*)::text as n, coalesce(sum(spend), 0)::numeric(38,12)::text as spend,
        count(*) filter (where status = 'failure')::text as failures from spend_logs`;
    if (Number(logs!.n) !== expected.unique)
      problems.push(`spend_logs has ${logs!.n} rows, want ${expected.unique}`);
    if (logs!.spend !== want) problems.push(`spend_logs spend ${logs!.spend}, want ${want}`);
    if (Number(logs!.failures) !== expected.failures) {
      problems.push(`spend_logs has ${logs!.failures} failures, want ${expected.failures}`);
    }
  } else {
    // DISABLE_SPEND_LOGS: no per-request rows, the dedupe record holds every unique event once, and
    // the proxy's totals (every event) carry the exact spend and failures.
    const [ids] = await sql<{ n: string; logs: string; spend: string | null; failures: string | null }[]>`
      select (select count(*) from request_ids)::text as n,
        (select count(*) from spend_logs)::text as logs,
        (select sum(spend)::numeric(38,12)::text from entity_totals where entity_type = 'proxy') as spend,
        (select sum(failed_requests)::text from entity_totals where entity_type = 'proxy') as failures`;
    if (Number(ids!.n) !== expected.unique)
      problems.push(`request_ids has ${ids!.n} rows, want ${expected.unique}`);
    if (ids!.logs !== '0') problems.push(`spend_logs has ${ids!.logs} rows under DISABLE_SPEND_LOGS`);
    if (ids!.spend !== want) problems.push(`proxy total spend ${ids!.spend}, want ${want}`);
    if (Number(ids!.failures) !== expected.failures)
      problems.push(`proxy total failures ${ids!.failures}, want ${expected.failures}`);
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
