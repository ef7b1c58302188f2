import { ENTITY_TYPES, PROXY_ENTITY_ID } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import type { LedgerDb } from './client.ts';
import type { SpendLogColumn } from './column-name.ts';
import { METRIC_COLUMNS, type Metric } from './queries/figures.ts';
import { readManifest } from './storage/archive-format.ts';
import type { ArchiveStore } from './storage/archive-store.ts';
import { addDays, daysBetween, listSpendLogPartitions } from './storage/spend-log-partitions.ts';

/** The additive metrics every check compares: the columns every aggregate table shares. */
const METRICS = METRIC_COLUMNS;
export type MetricValues = Record<Metric, string>;

export interface Difference {
  check: 'logs-vs-daily' | 'logs-vs-rollup' | 'daily-vs-totals' | 'expected-vs-totals' | 'archive-vs-rollup';
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
  /** Days with aggregates but no partition, proved from their archive manifests (archive-vs-rollup). */
  archivedDays: string[];
  /** Days with aggregates, no partition and no archive: nothing left to prove them with. */
  daysWithoutRows: string[];
}

export interface ReconcileOptions {
  /** UTC days, inclusive: only these days' rows and aggregates are read (partitions pruned). */
  from?: string;
  to?: string;
  /** Where archived days are: their manifests stand in for the dropped rows. */
  archive?: ArchiveStore | null;
  /** false under DISABLE_SPEND_LOGS: there are no per-request rows to compare. */
  spendLogs?: boolean;
  /**
   * Called after each UTC day (the command prints rows and days done, rate and time left): `rows` is
   * the day's per-request rows read, `totalRows` the estimate for the whole range.
   */
  onDay?: (progress: {
    day: string;
    rows: number;
    daysDone: number;
    days: number;
    totalRows: number;
  }) => void;
}

// Per-request rows summed per entity they are booked against: the same mapping as write/aggregate.ts,
// written in SQL so the check does not trust the code it checks. The team_member id escapes '%' and '/'
// in each part exactly as teamMemberId() does (packages/contract). An event has at most one key, user,
// team, org, model and provider: the day's events are summed per combination of those first (a few
// thousand groups for a day of a million events) and each of those entities' sums projected from
// them; end users and tags, which barely collapse, are summed from the events.
const LOG_SUMS = `sum(spend) as spend, sum(prompt_tokens::bigint) as prompt_tokens,
  sum(completion_tokens::bigint) as completion_tokens, sum(cache_read_input_tokens::bigint) as cache_read_input_tokens,
  sum(cache_creation_input_tokens::bigint) as cache_creation_input_tokens, count(*) as api_requests,
  count(*) filter (where status = 'success') as successful_requests,
  count(*) filter (where status <> 'success') as failed_requests`;
const LOG_COLUMNS = (
  ['day', 'api_key', 'user_id', 'team_id', 'org_id', 'model'] as const satisfies readonly SpendLogColumn[]
).join(', ');
const escapedId = (column: string) => `replace(replace(${column}, '%', '%25'), '/', '%2F')`;
// `logs` is the relation read: one day's rows of spend_logs (literal bounds, so the planner prunes
// to its partition; each reference is pruned alike). Rows: entity_type, entity_id, day, metrics.
const logsByDimension = (logs: string) =>
  sql.raw(`
  with base as materialized (
    select ${LOG_COLUMNS}, coalesce(provider, '') as provider, ${LOG_SUMS}
    from ${logs} group by ${LOG_COLUMNS}, coalesce(provider, '')
  ), entities as (
    select 'key' as entity_type, api_key as entity_id, b.* from base b where api_key <> ''
    union all select 'user', user_id, b.* from base b where user_id is not null
    union all select 'team', team_id, b.* from base b where team_id is not null
    union all select 'team_member', ${escapedId('team_id')} || '/' || ${escapedId('user_id')}, b.*
      from base b where team_id is not null and user_id is not null
    union all select 'org', org_id, b.* from base b where org_id is not null
    union all select 'proxy', '${PROXY_ENTITY_ID}', b.* from base b
    -- The report roll-up also keeps one row per model and provider ('' when absent) per day.
    union all select 'model', model, b.* from base b
    union all select 'provider', provider, b.* from base b
  )
  select entity_type, entity_id, day, ${METRICS.map((m) => `sum(${m}) as ${m}`).join(', ')}
  from entities group by 1, 2, 3
  union all
  select 'end_user', end_user_id, day, ${LOG_SUMS} from ${logs} where end_user_id is not null group by 2, 3
  union all
  select 'tag', tag, day, ${LOG_SUMS} from ${logs}, unnest(tags) as tag group by 2, 3`);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One UTC day's per-request rows: literal bounds, so the planner reads that day's partition alone. */
function dayLogs(day: string): string {
  if (!DAY.test(day)) throw new Error(`not a day: ${day}`);
  return `(select * from spend_logs where "timestamp" >= timestamptz '${day} 00:00:00+00'
    and "timestamp" < timestamptz '${addDays(day, 1)} 00:00:00+00') s`;
}

interface ArchivedDay {
  day: string;
  sums: Record<string, string>;
}

/**
 * The UTC days a run covers: [from, to], or, without a range, every day from the oldest to the newest
 * that has a partition or a roll-up row (the proxy's, one per day with events; read by index).
 */
async function daysToCheck(db: LedgerDb, options: ReconcileOptions, partitions: readonly string[]) {
  for (const d of [options.from, options.to])
    if (d !== undefined && !DAY.test(d)) throw new Error(`not a day: ${d}`);
  const ends = await db.execute<{ first: string | null; last: string | null }>(sql`
    select min(day)::text as first, max(day)::text as last from daily_rollup where dimension = 'proxy'`);
  const first = [ends[0]?.first, partitions[0]].filter((d): d is string => !!d).sort()[0];
  const last = [ends[0]?.last, partitions[partitions.length - 1]]
    .filter((d): d is string => !!d)
    .sort()
    .at(-1);
  const from = options.from ?? first;
  const to = options.to ?? last;
  return from && to && from <= to ? daysBetween(from, to) : [];
}

/**
 * Days of `days` that have aggregates but no partition (dropped by retention), split into those an
 * archive manifest proves and those nothing can. One roll-up row per day (the proxy's).
 */
async function daysWithoutPartition(
  db: LedgerDb,
  days: readonly string[],
  partitions: ReadonlySet<string>,
  options: ReconcileOptions,
) {
  const gone = days.filter((d) => !partitions.has(d));
  if (gone.length === 0) return { archived: [], missing: [] };
  const rows = await db.execute<{ day: string }>(sql`
    select distinct day::text as day from daily_rollup
    where dimension = 'proxy' and day = any(${`{${gone.join(',')}}`}::date[]) order by 1`);
  const archived: ArchivedDay[] = [];
  const missing: string[] = [];
  for (const { day } of rows) {
    const manifest = options.archive ? await readManifest(options.archive, day) : null;
    if (manifest) archived.push({ day, sums: manifest.sums });
    else missing.push(day);
  }
  return { archived, missing };
}

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

type Reader = Pick<LedgerDb, 'execute'>;

/** Every dimension of daily_rollup, listed so that a day's rows are read by the (dimension, day) index. */
const ROLLUP_DIMENSIONS = `{${[...ENTITY_TYPES, 'model', 'provider'].join(',')}}`;

/**
 * One UTC day, both checks from one read of its partition: per entity, the summed per-request rows
 * (`l`) against the summed hourly aggregates, and per dimension value against the report roll-up.
 * Aggregate rows are summed per key, so a table keeping several rows per key (one per writer shard)
 * is compared by its sums. daily_spend (the view over the fact and per-entity rows) finds the day by
 * each table's BRIN index, the roll-up by (dimension, day): nothing outside the day is read.
 */
const compareDay = (tx: Reader, day: string) =>
  tx.execute<Row & { check: Difference['check'] }>(sql`
    with l as materialized (${logsByDimension(dayLogs(day))}),
    d as (
      select entity_type, entity_id, day, ${sumMetrics} from daily_spend where day = ${day}::date group by 1, 2, 3),
    r as (
      select dimension as entity_type, value as entity_id, day, ${sumMetrics} from daily_rollup
      where dimension = any(${ROLLUP_DIMENSIONS}::text[]) and day = ${day}::date group by 1, 2, 3),
    le as (select * from l where entity_type not in ('model', 'provider'))
    select 'logs-vs-daily' as check, coalesce(l.entity_type, r.entity_type) as entity_type,
      coalesce(l.entity_id, r.entity_id) as entity_id, coalesce(l.day, r.day)::text as day,
      ${metricsAsText('l')}, ${metricsAsText('r')}
    from le l full join d r using (entity_type, entity_id, day)
    where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}
    union all
    select 'logs-vs-rollup', coalesce(l.entity_type, r.entity_type), coalesce(l.entity_id, r.entity_id),
      coalesce(l.day, r.day)::text, ${metricsAsText('l')}, ${metricsAsText('r')}
    from l full join r using (entity_type, entity_id, day)
    where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);

/** Keys (entity, day) the day's hourly aggregates and roll-up hold: what the checks compared. */
async function countDay(tx: Reader, day: string) {
  const counts = await tx.execute<{ daily: string; rollup: string }>(sql`
    select (select count(*) from (select 1 from daily_spend where day = ${day}::date
              group by entity_type, entity_id) d)::text as daily,
           (select count(*) from (select 1 from daily_rollup
              where dimension = any(${ROLLUP_DIMENSIONS}::text[]) and day = ${day}::date group by dimension, value) r
           )::text as rollup`);
  return { daily: Number(counts[0]?.daily ?? 0), rollup: Number(counts[0]?.rollup ?? 0) };
}

/** Rows in each day's partition (planner statistics): the progress estimate. */
async function rowsPerPartition(db: LedgerDb): Promise<Map<string, number>> {
  const rows = await db.execute<{ name: string; n: string }>(sql`
    select c.relname as name, greatest(c.reltuples, 0)::bigint::text as n
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'spend_logs'::regclass`);
  return new Map(
    rows.map((r) => [r.name.replace(/^spend_logs_(\d{4})(\d\d)(\d\d)$/, '$1-$2-$3'), Number(r.n)]),
  );
}

/** Per entity, all-time hourly aggregates against the running totals (each summed over shards). */
const compareDailyVsTotals = (tx: Reader) =>
  tx.execute<Row>(sql`
    with l as (
      select entity_type, entity_id, ${sumMetrics} from daily_spend group by 1, 2),
    r as (select entity_type, entity_id, ${sumMetrics} from entity_totals group by 1, 2)
    select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
      ${metricsAsText('l')}, ${metricsAsText('r')}
    from l full join r using (entity_type, entity_id)
    where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);

/** Each metric summed (over the rows a key may have, one per writer shard), as text. */
const sumMetricsAsText = sql.raw(METRICS.map((m) => `sum(${m})::text as ${m}`).join(', '));

/** Archived days: the manifest's sums (`l`) against the day's proxy roll-up rows, summed (`r`). */
async function compareArchivedDays(tx: Reader, archived: ArchivedDay[]): Promise<Difference[]> {
  if (archived.length === 0) return [];
  const proxy = await tx.execute<Row>(sql`
    select day::text as day, ${sumMetricsAsText} from daily_rollup
    where dimension = 'proxy' and day = any(${`{${archived.map((a) => a.day).join(',')}}`}::date[])
    group by day`);
  const byDay = new Map(proxy.map((r) => [r.day, r]));
  const differences: Difference[] = [];
  for (const { day, sums } of archived) {
    const pairs: Row = { entity_type: 'proxy', entity_id: PROXY_ENTITY_ID, day };
    for (const metric of METRICS) {
      pairs[`l_${metric}`] = sums[metric] ?? '0';
      pairs[`r_${metric}`] = byDay.get(day)?.[metric] ?? '0';
    }
    differences.push(...toDifferences('archive-vs-rollup', [pairs]));
  }
  return differences;
}

/** The totals against `expected` (only the metrics it names), plus entities it does not name. */
async function compareExpected(tx: Reader, expected: ExpectedTotals) {
  const rows = await tx.execute<Row>(
    sql`select entity_type, entity_id, ${sumMetricsAsText} from entity_totals group by 1, 2`,
  );
  const actual = new Map(rows.map((r) => [`${r.entity_type}\u0000${r.entity_id}`, r]));
  const wanted = new Set<string>();
  const differences: Difference[] = [];
  for (const [entityType, entities] of Object.entries(expected)) {
    for (const [entityId, metrics] of Object.entries(entities)) {
      const key = `${entityType}\u0000${entityId}`;
      wanted.add(key);
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
  differences.push(...unexpectedEntities(actual, wanted, expected));
  return { compared: wanted.size, differences };
}

/** Entities the ledger has, of a type the expectation covers, that it does not name. */
function unexpectedEntities(
  actual: Map<string, Row>,
  wanted: Set<string>,
  expected: ExpectedTotals,
): Difference[] {
  const out: Difference[] = [];
  for (const [key, row] of actual) {
    const type = row.entity_type ?? '';
    if (wanted.has(key) || !Object.hasOwn(expected, type)) continue;
    out.push({
      check: 'expected-vs-totals',
      entityType: type,
      entityId: row.entity_id ?? '',
      metric: 'api_requests',
      left: '0',
      right: row.api_requests ?? '0',
    });
  }
  return out;
}

/**
 * Checks that, for every entity type, the per-request rows, the hourly-grain daily aggregates, the
 * daily report roll-up (entities, model, provider) and the entity totals agree exactly (per entity
 * and day, then per entity), and optionally that the totals equal `expected`. Read-only; runs in one
 * repeatable-read snapshot so a writer busy meanwhile cannot produce a false difference.
 *
 * It goes one UTC day at a time (each day's partition read once, its aggregates by index), so memory
 * is one day's groups and a range costs its days, whatever the table holds. With `from`/`to` it reads
 * only those days (the all-time totals check, which reads daily_spend whole, is skipped). Days whose
 * partition was dropped are proved from their archive manifest (rows and sums against the day's
 * proxy roll-up row, which counts every event) instead of from their rows.
 */
export async function reconcileLedger(
  db: LedgerDb,
  expected?: ExpectedTotals,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const ranged = options.from !== undefined || options.to !== undefined;
  const spendLogs = options.spendLogs ?? true;
  const partitions = await listSpendLogPartitions(db);
  const days = await daysToCheck(db, options, partitions);
  const present = new Set(partitions);
  const gone = spendLogs
    ? await daysWithoutPartition(db, days, present, options)
    : { archived: [], missing: [] };
  const estimates = await rowsPerPartition(db);
  const totalRows = days.reduce((n, d) => n + (present.has(d) ? (estimates.get(d) ?? 0) : 0), 0);
  return db.transaction(
    async (tx) => {
      // A day's groups (tens of thousands of entities) hash in memory instead of spilling to disk.
      await tx.execute(sql`set local work_mem = '256MB'`);
      const found: Array<Row & { check: Difference['check'] }> = [];
      const compared = { daily: 0, rollup: 0 };
      // daysDone 0: the run starts (a caller's clock for rate and time left starts here).
      options.onDay?.({ day: '', rows: 0, daysDone: 0, days: days.length, totalRows });
      for (const [i, day] of days.entries()) {
        if (spendLogs && present.has(day)) found.push(...(await compareDay(tx, day)));
        const counts = await countDay(tx, day);
        compared.daily += counts.daily;
        compared.rollup += counts.rollup;
        const rows = spendLogs && present.has(day) ? (estimates.get(day) ?? 0) : 0;
        options.onDay?.({ day, rows, daysDone: i + 1, days: days.length, totalRows });
      }
      const dailyVsTotals = ranged ? [] : await compareDailyVsTotals(tx);
      const totals = ranged ? 0 : await countTotals(tx);
      const conflicts = await tx.execute<{ n: string }>(
        sql`select count(*)::text as n from request_id_conflicts`,
      );
      const archivedDiffs = await compareArchivedDays(tx, gone.archived);
      const vsExpected = expected ? await compareExpected(tx, expected) : { compared: 0, differences: [] };
      return {
        compared: {
          'logs-vs-daily': compared.daily,
          'logs-vs-rollup': compared.rollup,
          'daily-vs-totals': totals,
          'expected-vs-totals': vsExpected.compared,
          'archive-vs-rollup': gone.archived.length,
        },
        archivedDays: gone.archived.map((a) => a.day),
        daysWithoutRows: gone.missing,
        differences: [
          ...toDifferences(
            'logs-vs-daily',
            found.filter((r) => r.check === 'logs-vs-daily'),
          ),
          ...toDifferences(
            'logs-vs-rollup',
            found.filter((r) => r.check === 'logs-vs-rollup'),
          ),
          ...toDifferences('daily-vs-totals', dailyVsTotals),
          ...archivedDiffs,
          ...vsExpected.differences,
        ],
        requestIdConflicts: Number(conflicts[0]?.n ?? 0),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Entities with a running total (keys of entity_totals). */
async function countTotals(tx: Reader): Promise<number> {
  const rows = await tx.execute<{ n: string }>(sql`
    select count(*)::text as n from (select 1 from entity_totals group by entity_type, entity_id) t`);
  return Number(rows[0]?.n ?? 0);
}
