import { PROXY_ENTITY_ID } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from './client.ts';
import { METRIC_COLUMNS, metricList } from './queries/figures.ts';

/** The additive metrics every check compares: the columns every aggregate table shares. */
export const METRICS = METRIC_COLUMNS;
export type Metric = (typeof METRICS)[number];
export type MetricValues = Record<Metric, string>;

export interface Difference {
  check: 'logs-vs-daily' | 'logs-vs-rollup' | 'daily-vs-totals' | 'expected-vs-totals';
  entityType: string;
  entityId: string;
  /** The UTC day, for checks made per day. */
  day?: string;
  metric: Metric;
  left: string;
  right: string;
}

/** Expected totals per entity type and id, e.g. from the acknowledged events of a test run. */
export type ExpectedTotals = Record<string, Record<string, Partial<MetricValues>>>;

export interface ReconcileReport {
  /** Rows compared per check. */
  compared: Record<Difference['check'], number>;
  differences: Difference[];
  /**
   * Events that reused a counted request_id with other content (request_id_conflicts): not counted
   * and not a difference, listed so an operator sees them.
   */
  requestIdConflicts: number;
}

// Per-request rows expanded to one row per entity they are booked against: the same mapping as
// aggregate.ts, written in SQL so the check does not trust the code it checks. The team_member id
// escapes '%' and '/' in each part exactly as teamMemberId() does (packages/contract).
const LOG_METRICS =
  'day, spend, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, status';
const escapedId = (column: string) => `replace(replace(${column}, '%', '%25'), '/', '%2F')`;
const logsByEntity = sql.raw(`
  select 'key' as entity_type, api_key as entity_id, ${LOG_METRICS} from spend_logs where api_key <> ''
  union all select 'user', user_id, ${LOG_METRICS} from spend_logs where user_id is not null
  union all select 'end_user', end_user_id, ${LOG_METRICS} from spend_logs where end_user_id is not null
  union all select 'team', team_id, ${LOG_METRICS} from spend_logs where team_id is not null
  union all select 'team_member', ${escapedId('team_id')} || '/' || ${escapedId('user_id')}, ${LOG_METRICS}
    from spend_logs where team_id is not null and user_id is not null
  union all select 'org', org_id, ${LOG_METRICS} from spend_logs where org_id is not null
  union all select 'tag', tag, ${LOG_METRICS} from spend_logs, unnest(tags) as tag
  union all select 'proxy', '${PROXY_ENTITY_ID}', ${LOG_METRICS} from spend_logs`);

// The report roll-up also keeps one row per model and provider ('' when absent) per day.
const logsByDimension = sql`
  ${logsByEntity}
  union all ${sql.raw(`select 'model', model, ${LOG_METRICS} from spend_logs
  union all select 'provider', coalesce(provider, ''), ${LOG_METRICS} from spend_logs`)}`;

/** Per-request rows (one per entity they are booked against) summed per entity and UTC day. */
const sumPerDay = (rows: SQL) => sql`
  select entity_type, entity_id, day, sum(spend) as spend, sum(prompt_tokens) as prompt_tokens,
    sum(completion_tokens) as completion_tokens, sum(cache_read_input_tokens) as cache_read_input_tokens,
    sum(cache_creation_input_tokens) as cache_creation_input_tokens, count(*) as api_requests,
    count(*) filter (where status = 'success') as successful_requests,
    count(*) filter (where status <> 'success') as failed_requests
  from (${rows}) e group by 1, 2, 3`;

/** Each metric summed under its own name (aggregate rows). */
const sumMetrics = sql.raw(METRICS.map((m) => `sum(${m}) as ${m}`).join(', '));

const metricsAsText = (prefix: string) =>
  sql.raw(METRICS.map((m) => `coalesce(${prefix}.${m}, 0)::text as ${prefix}_${m}`).join(', '));
const anyMetricDiffers = sql.raw(
  METRICS.map((m) => `coalesce(l.${m}, 0) <> coalesce(r.${m}, 0)`).join(' or '),
);

type Row = Record<string, string | null>;

/** Equal decimal texts whatever their scale: '1.50' equals '1.500000000000', '0' equals '0.0'. */
const normalise = (v: string) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);
const sameDecimal = (a: string, b: string) => normalise(a) === normalise(b);

function toDifferences(check: Difference['check'], rows: readonly Row[]): Difference[] {
  const out: Difference[] = [];
  for (const row of rows) {
    for (const metric of METRICS) {
      const left = row[`l_${metric}`] ?? '0';
      const right = row[`r_${metric}`] ?? '0';
      if (sameDecimal(left, right)) continue;
      out.push({
        check,
        entityType: row.entity_type ?? '',
        entityId: row.entity_id ?? '',
        ...(row.day ? { day: row.day } : {}),
        metric,
        left,
        right,
      });
    }
  }
  return out;
}

/**
 * Checks that, for every entity type, the per-request rows, the hourly-grain daily aggregates, the
 * daily report roll-up (entities, model, provider) and the entity totals agree exactly (per entity
 * and day, then per entity), and optionally that the totals equal `expected`. Read-only; runs in one repeatable-read snapshot so a writer busy meanwhile cannot
 * produce a false difference.
 */
export async function reconcileLedger(db: LedgerDb, expected?: ExpectedTotals): Promise<ReconcileReport> {
  return db.transaction(
    async (tx) => {
      const logsVsDaily = await tx.execute<Row>(sql`
        with l as (${sumPerDay(logsByEntity)}),
        r as (
          select entity_type, entity_id, day, ${sumMetrics} from daily_spend group by 1, 2, 3)
        select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
          coalesce(l.day, r.day)::text as day, ${metricsAsText('l')}, ${metricsAsText('r')}
        from l full join r using (entity_type, entity_id, day)
        where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);
      const logsVsRollup = await tx.execute<Row>(sql`
        with l as (${sumPerDay(logsByDimension)}),
        r as (
          select dimension as entity_type, value as entity_id, day, ${sql.raw(metricList())} from daily_rollup)
        select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
          coalesce(l.day, r.day)::text as day, ${metricsAsText('l')}, ${metricsAsText('r')}
        from l full join r using (entity_type, entity_id, day)
        where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);
      const dailyVsTotals = await tx.execute<Row>(sql`
        with l as (
          select entity_type, entity_id, ${sumMetrics} from daily_spend group by 1, 2),
        r as (select * from entity_totals)
        select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
          ${metricsAsText('l')}, ${metricsAsText('r')}
        from l full join r using (entity_type, entity_id)
        where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);
      const counts = await tx.execute<{
        daily: string;
        rollup: string;
        totals: string;
        conflicts: string;
      }>(sql`
        select (select count(*) from (select 1 from daily_spend group by entity_type, entity_id, day) d)::text as daily,
               (select count(*) from daily_rollup)::text as rollup,
               (select count(*) from entity_totals)::text as totals,
               (select count(*) from request_id_conflicts)::text as conflicts`);
      const differences = [
        ...toDifferences('logs-vs-daily', logsVsDaily),
        ...toDifferences('logs-vs-rollup', logsVsRollup),
        ...toDifferences('daily-vs-totals', dailyVsTotals),
      ];
      let expectedCompared = 0;
      if (expected) {
        const rows = await tx.execute<Row>(
          sql`select entity_type, entity_id, ${sql.raw(METRICS.map((m) => `${m}::text as ${m}`).join(', '))} from entity_totals`,
        );
        const actual = new Map(rows.map((r) => [`${r.entity_type}\u0000${r.entity_id}`, r]));
        const wanted = new Set<string>();
        for (const [entityType, entities] of Object.entries(expected)) {
          for (const [entityId, metrics] of Object.entries(entities)) {
            const key = `${entityType}\u0000${entityId}`;
            wanted.add(key);
            expectedCompared += 1;
            const row = actual.get(key);
            const pairs: Row = { entity_type: entityType, entity_id: entityId };
            for (const metric of METRICS) {
              if (metrics[metric] === undefined) continue;
              pairs[`l_${metric}`] = metrics[metric] ?? '0';
              pairs[`r_${metric}`] = row?.[metric] ?? '0';
            }
            differences.push(
              ...toDifferences('expected-vs-totals', [pairs]).filter((d) => metrics[d.metric] !== undefined),
            );
          }
        }
        // Entities the ledger has, of a type the expectation covers, that it does not name.
        for (const [key, row] of actual) {
          const type = row.entity_type ?? '';
          if (wanted.has(key) || !Object.hasOwn(expected, type)) continue;
          differences.push({
            check: 'expected-vs-totals',
            entityType: type,
            entityId: row.entity_id ?? '',
            metric: 'api_requests',
            left: '0',
            right: row.api_requests ?? '0',
          });
        }
      }
      return {
        compared: {
          'logs-vs-daily': Number(counts[0]?.daily ?? 0),
          'logs-vs-rollup': Number(counts[0]?.rollup ?? 0),
          'daily-vs-totals': Number(counts[0]?.totals ?? 0),
          'expected-vs-totals': expectedCompared,
        },
        differences,
        requestIdConflicts: Number(counts[0]?.conflicts ?? 0),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
