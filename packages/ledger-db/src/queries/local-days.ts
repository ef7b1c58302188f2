import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import type { SpendLogColumn } from '../column-name.ts';
import { METRIC_COLUMNS, type Metric, metricList } from './figures.ts';
import { type AggregateSelector, dailySpendWhere, spendLogsWhere } from './selector.ts';

/** Local calendar days [from, to] (inclusive, YYYY-MM-DD) in an IANA time zone. */
export interface LocalDays {
  from: string;
  to: string;
  /** IANA name; 'UTC' reads the aggregates by their UTC day directly. */
  timeZone: string;
}

export const isUtc = (timeZone: string): boolean => timeZone === 'UTC';

const metrics = sql.raw(metricList());
const metricsOf = (alias: string) => sql.raw(metricList(alias));

/**
 * One row per aggregate row (or per event, where needed) booked on a local day of `days`, with the
 * columns local_day (date), api_key, model, provider and the six metrics. Callers group it.
 *
 * Aggregates are kept per UTC hour. An hour that lies inside one local day is booked on that day
 * whole. An hour that a local midnight cuts (zones at :30 or :45 from UTC, such as Asia/Kolkata or
 * Asia/Kathmandu, or odd historical offsets) is not: its events are read from spend_logs and each is
 * booked on its own local day. Which hours are cut is decided per hour, by comparing the local day of
 * the hour's first and last instant, so daylight-saving changes need no special case. The figures are
 * exact sums of the events, never approximated from UTC days.
 */
export function bookedRows(s: AggregateSelector, days: LocalDays): SQL {
  const from = sql`${days.from}::date`;
  const to = sql`${days.to}::date`;
  if (isUtc(days.timeZone)) {
    return sql`select d.day as local_day, d.api_key, d.model, d.provider, ${metrics}
      from daily_spend d where ${dailySpendWhere(s)} and d.day between ${from} and ${to}`;
  }
  const tz = sql`${days.timeZone}::text`;
  // Every UTC hour of the UTC days around the range (a local day of any zone, UTC-12 … UTC+14, lies
  // within the UTC days before and after it), with the local day of its first and last instant: a few
  // hundred time-zone conversions per request instead of two per aggregate row.
  return sql`with hours as (
      select h as starts, (h at time zone 'UTC')::date as day,
        extract(hour from h at time zone 'UTC')::smallint as hour,
        (h at time zone ${tz})::date as local_day,
        ((h + interval '1 hour' - interval '1 microsecond') at time zone ${tz})::date as last_day
      from generate_series((${from} - 1)::timestamp at time zone 'UTC',
        (${to} + 2)::timestamp at time zone 'UTC' - interval '1 hour', interval '1 hour') h
    ),
    -- The entity's rows, read once and then joined to the hours. MATERIALIZED: daily_spend is a view
    -- whose fact branches take restrictions but not join conditions (migration 0014), and a nested
    -- loop over the hours would read the branch again for every hour.
    booked as materialized (
      select d.day, d.hour, d.api_key, d.model, d.provider, ${metricsOf('d')}
      from daily_spend d
      where ${dailySpendWhere(s)} and d.day between ${from} - 1 and ${to} + 1
    )
    select hs.local_day, d.api_key, d.model, d.provider, ${metricsOf('d')}
      from booked d join hours hs on hs.day = d.day and hs.hour = d.hour
      where hs.local_day = hs.last_day and hs.local_day between ${from} and ${to}
    union all
    select x.* from hours c cross join lateral (
      -- An hour that local midnight cuts: its events, each on its own local day, by an index range on
      -- (entity column, "timestamp") — one hour of the entity's traffic, never its whole history.
      select (l."timestamp" at time zone ${tz})::date as local_day, l.api_key, l.model,
        coalesce(l.provider, '') as provider, ${LOG_FIGURES}
      from spend_logs l
      where ${spendLogsWhere(s)} and l."timestamp" >= c.starts and l."timestamp" < c.starts + interval '1 hour'
        and (l."timestamp" at time zone ${tz})::date between ${from} and ${to}
      -- OFFSET 0 keeps the planner from flattening this into one scan of the entity's whole history.
      offset 0
    ) x
    where c.local_day <> c.last_day and c.last_day >= ${from} and c.local_day <= ${to}`;
}

/** A spend_logs column of alias l, by a name `tsc` checks against the schema. */
const l = (column: SpendLogColumn) => `l.${column}`;

/** Each metric of one spend_logs row (alias l), in SQL: the figures of a single event. */
const ROW_FIGURE: Record<Metric, string> = {
  spend: `${l('spend')}`,
  prompt_tokens: `${l('prompt_tokens')}::bigint`,
  completion_tokens: `${l('completion_tokens')}::bigint`,
  cache_read_input_tokens: `${l('cache_read_input_tokens')}::bigint`,
  cache_creation_input_tokens: `${l('cache_creation_input_tokens')}::bigint`,
  api_requests: '1::bigint',
  successful_requests: `(${l('status')} = 'success')::int::bigint`,
  failed_requests: `(${l('status')} <> 'success')::int::bigint`,
};

/**
 * One spend_logs row (alias l) as the metric columns of an aggregate row, in METRIC_COLUMNS order:
 * a single event's figures.
 */
export const LOG_FIGURES = sql.raw(METRIC_COLUMNS.map((m) => `${ROW_FIGURE[m]} as ${m}`).join(', '));

/** Throws Postgres' "time zone not recognized" (22023) now, before a streamed response has started. */
export async function assertTimeZoneKnown(db: LedgerDb, timeZone: string): Promise<void> {
  if (isUtc(timeZone)) return;
  await db.execute(sql`select now() at time zone ${timeZone}::text`);
}
