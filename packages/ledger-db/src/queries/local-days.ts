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
  const hours = sql`select h as starts, (h at time zone ${tz})::date as local_day,
        ((h + interval '1 hour' - interval '1 microsecond') at time zone ${tz})::date as last_day
      from generate_series((${from} - 1)::timestamp at time zone 'UTC',
        (${to} + 2)::timestamp at time zone 'UTC' - interval '1 hour', interval '1 hour') h`;
  // The local day of each whole hour as an array indexed by the hour's position from the first UTC
  // day, looked up per aggregate row. Not a join: daily_spend is a view whose fact branches take
  // restrictions but not join conditions (migration 0014), so a join either read a branch again per
  // hour or had to materialize the entity's rows first. An hour local midnight cuts maps to
  // 'infinity', outside any range, rather than to null: a subscript into an array holding nulls walks
  // its null bitmap, which made every lookup cost the array's length.
  const hourIndex = sql`(d.day - (${from} - 1)) * 24 + d.hour + 1`;
  return sql`with hours as (${hours}),
    whole_hour_days as (
      select array_agg(case when local_day = last_day then local_day else 'infinity'::date end order by starts) as local_days
      from hours
    )
    select b.* from (
      select (select local_days from whole_hour_days)[${hourIndex}] as local_day,
        d.api_key, d.model, d.provider, ${metricsOf('d')}
      from daily_spend d
      where ${dailySpendWhere(s)} and d.day between ${from} - 1 and ${to} + 1
    ) b where b.local_day between ${from} and ${to}
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
