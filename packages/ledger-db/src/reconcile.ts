import { PROXY_ENTITY_ID } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from './client.ts';
import type { SpendLogColumn } from './column-name.ts';
import { METRIC_COLUMNS, type Metric } from './queries/figures.ts';
import { readManifest } from './storage/archive-format.ts';
import type { ArchiveStore } from './storage/archive-store.ts';
import { addDays, listSpendLogPartitions } from './storage/spend-log-partitions.ts';

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
  /** Called as each check finishes (the command prints it to stderr: long runs show progress). */
  onCheck?: (check: string, done: number, of: number) => void;
}

// Per-request rows expanded to one row per entity they are booked against: the same mapping as
// write/aggregate.ts, written in SQL so the check does not trust the code it checks. The team_member id
// escapes '%' and '/' in each part exactly as teamMemberId() does (packages/contract).
const LOG_METRICS = (
  [
    'day',
    'spend',
    'prompt_tokens',
    'completion_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
    'status',
  ] as const satisfies readonly SpendLogColumn[]
).join(', ');
const escapedId = (column: string) => `replace(replace(${column}, '%', '%25'), '/', '%2F')`;
// `logs` is the relation read: spend_logs, or its rows of a day range (literal bounds, so the
// planner prunes partitions; each reference is pruned alike).
const logsByEntity = (logs: string) =>
  sql.raw(`
  select 'key' as entity_type, api_key as entity_id, ${LOG_METRICS} from ${logs} where api_key <> ''
  union all select 'user', user_id, ${LOG_METRICS} from ${logs} where user_id is not null
  union all select 'end_user', end_user_id, ${LOG_METRICS} from ${logs} where end_user_id is not null
  union all select 'team', team_id, ${LOG_METRICS} from ${logs} where team_id is not null
  union all select 'team_member', ${escapedId('team_id')} || '/' || ${escapedId('user_id')}, ${LOG_METRICS}
    from ${logs} where team_id is not null and user_id is not null
  union all select 'org', org_id, ${LOG_METRICS} from ${logs} where org_id is not null
  union all select 'tag', tag, ${LOG_METRICS} from ${logs}, unnest(tags) as tag
  union all select 'proxy', '${PROXY_ENTITY_ID}', ${LOG_METRICS} from ${logs}`);

// The report roll-up also keeps one row per model and provider ('' when absent) per day.
const logsByDimension = (logs: string) => sql`
  ${logsByEntity(logs)}
  union all ${sql.raw(`select 'model', model, ${LOG_METRICS} from ${logs}
  union all select 'provider', coalesce(provider, ''), ${LOG_METRICS} from ${logs}`)}`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day predicate on aggregate rows, and the per-request relation, for a range (or all). */
function rangeSql(from: string | undefined, to: string | undefined, skip: readonly string[]) {
  for (const d of [from, to, ...skip])
    if (d !== undefined && !DAY.test(d)) throw new Error(`not a day: ${d}`);
  const parts: string[] = [];
  if (from) parts.push(`day >= '${from}'::date`);
  if (to) parts.push(`day <= '${to}'::date`);
  // Archived days are proved from their manifests, not from rows that are gone.
  if (skip.length > 0) parts.push(`not (day = any('{${skip.join(',')}}'::date[]))`);
  const days = parts.length ? parts.join(' and ') : 'true';
  const bounds: string[] = [];
  if (from) bounds.push(`"timestamp" >= timestamptz '${from} 00:00:00+00'`);
  if (to) bounds.push(`"timestamp" < timestamptz '${addDays(to, 1)} 00:00:00+00'`);
  const logs = bounds.length ? `(select * from spend_logs where ${bounds.join(' and ')}) s` : 'spend_logs';
  return { days: sql.raw(days), logs };
}

interface ArchivedDay {
  day: string;
  sums: Record<string, string>;
}

/**
 * Days in range that have aggregates but no partition (dropped by retention), split into those an
 * archive manifest proves and those nothing can. The proxy's roll-up rows (one per shard) name
 * every day with an event.
 */
async function daysWithoutPartition(db: LedgerDb, options: ReconcileOptions) {
  const { days } = rangeSql(options.from, options.to, []);
  const rows = await db.execute<{ day: string }>(sql`
    select distinct day::text as day from daily_rollup where dimension = 'proxy' and ${days} order by day`);
  const partitions = new Set(await listSpendLogPartitions(db));
  const archived: ArchivedDay[] = [];
  const missing: string[] = [];
  for (const { day } of rows) {
    if (partitions.has(day)) continue;
    const manifest = options.archive ? await readManifest(options.archive, day) : null;
    if (manifest) archived.push({ day, sums: manifest.sums });
    else missing.push(day);
  }
  return { archived, missing };
}

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

type Reader = Pick<LedgerDb, 'execute'>;
type Range = ReturnType<typeof rangeSql>;

/** Per entity and day, summed per-request rows (`l`) against summed hourly aggregates (`r`). */
const compareLogsVsDaily = (tx: Reader, range: Range) =>
  tx.execute<Row>(sql`
    with l as (${sumPerDay(logsByEntity(range.logs))}),
    r as (
      select entity_type, entity_id, day, ${sumMetrics} from daily_spend where ${range.days} group by 1, 2, 3)
    select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
      coalesce(l.day, r.day)::text as day, ${metricsAsText('l')}, ${metricsAsText('r')}
    from l full join r using (entity_type, entity_id, day)
    where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);

/** Per dimension value and day, summed per-request rows against the report roll-up (all shards). */
const compareLogsVsRollup = (tx: Reader, range: Range) =>
  tx.execute<Row>(sql`
    with l as (${sumPerDay(logsByDimension(range.logs))}),
    r as (
      select dimension as entity_type, value as entity_id, day, ${sumMetrics} from daily_rollup
      where ${range.days} group by 1, 2, 3)
    select coalesce(l.entity_type, r.entity_type) as entity_type, coalesce(l.entity_id, r.entity_id) as entity_id,
      coalesce(l.day, r.day)::text as day, ${metricsAsText('l')}, ${metricsAsText('r')}
    from l full join r using (entity_type, entity_id, day)
    where l.entity_type is null or r.entity_type is null or ${anyMetricDiffers}`);

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

/**
 * How many rows each check covered (entity-days, dimension-days and entities: shards are summed
 * before comparing), and the recorded request_id conflicts.
 */
async function countCompared(tx: Reader, whole: Range, ranged: boolean) {
  const counts = await tx.execute<{ daily: string; rollup: string; totals: string; conflicts: string }>(sql`
    select (select count(*) from (select 1 from daily_spend where ${whole.days}
              group by entity_type, entity_id, day) d)::text as daily,
           (select count(*) from (select 1 from daily_rollup where ${whole.days}
              group by dimension, value, day) r)::text as rollup,
           (select count(*) from (select 1 from entity_totals where ${sql.raw(ranged ? 'false' : 'true')}
              group by entity_type, entity_id) t)::text as totals,
           (select count(*) from request_id_conflicts)::text as conflicts`);
  const c = counts[0];
  return {
    daily: Number(c?.daily ?? 0),
    rollup: Number(c?.rollup ?? 0),
    totals: Number(c?.totals ?? 0),
    conflicts: Number(c?.conflicts ?? 0),
  };
}

/** Each metric summed over shards, as text (spend keeps its 12-decimal scale). */
const sumsAsText = sql.raw(METRICS.map((m) => `sum(${m})::text as ${m}`).join(', '));

/** Archived days: the manifest's sums (`l`) against the day's proxy roll-up rows, summed (`r`). */
async function compareArchivedDays(tx: Reader, archived: ArchivedDay[]): Promise<Difference[]> {
  if (archived.length === 0) return [];
  const proxy = await tx.execute<Row>(sql`
    select day::text as day, ${sumsAsText} from daily_rollup
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
    sql`select entity_type, entity_id, ${sumsAsText} from entity_totals group by 1, 2`,
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
 * With `from`/`to` it reads only those days (the totals check, which is all-time, is skipped). Days
 * whose partition was dropped are proved from their archive manifest (rows and sums against the
 * day's proxy roll-up row, which counts every event) instead of from their rows.
 */
export async function reconcileLedger(
  db: LedgerDb,
  expected?: ExpectedTotals,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const ranged = options.from !== undefined || options.to !== undefined;
  const spendLogs = options.spendLogs ?? true;
  const gone = spendLogs ? await daysWithoutPartition(db, options) : { archived: [], missing: [] };
  const range = rangeSql(options.from, options.to, [...gone.archived.map((a) => a.day), ...gone.missing]);
  const whole = rangeSql(options.from, options.to, []);
  return db.transaction(
    async (tx) => {
      const logsVsDaily = spendLogs ? await compareLogsVsDaily(tx, range) : [];
      options.onCheck?.('logs-vs-daily', 1, 4);
      const logsVsRollup = spendLogs ? await compareLogsVsRollup(tx, range) : [];
      options.onCheck?.('logs-vs-rollup', 2, 4);
      const dailyVsTotals = ranged ? [] : await compareDailyVsTotals(tx);
      options.onCheck?.('daily-vs-totals', 3, 4);
      const counts = await countCompared(tx, whole, ranged);
      if (gone.archived.length > 0) options.onCheck?.(`${gone.archived.length} archived days`, 4, 4);
      const archivedDiffs = await compareArchivedDays(tx, gone.archived);
      const vsExpected = expected ? await compareExpected(tx, expected) : { compared: 0, differences: [] };
      return {
        compared: {
          'logs-vs-daily': counts.daily,
          'logs-vs-rollup': counts.rollup,
          'daily-vs-totals': counts.totals,
          'expected-vs-totals': vsExpected.compared,
          'archive-vs-rollup': gone.archived.length,
        },
        archivedDays: gone.archived.map((a) => a.day),
        daysWithoutRows: gone.missing,
        differences: [
          ...toDifferences('logs-vs-daily', logsVsDaily),
          ...toDifferences('logs-vs-rollup', logsVsRollup),
          ...toDifferences('daily-vs-totals', dailyVsTotals),
          ...archivedDiffs,
          ...vsExpected.differences,
        ],
        requestIdConflicts: counts.conflicts,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
