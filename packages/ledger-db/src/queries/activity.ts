import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import {
  metricList,
  type RawFigures,
  type SpendFigures,
  sumFigures,
  toFigures,
  ZERO_FIGURES,
} from './figures.ts';
import { bookedRows, isUtc, type LocalDays } from './local-days.ts';
import { type AggregateSelector, isWholeEntity } from './selector.ts';

export interface DayFigures extends SpendFigures {
  date: string;
}

export interface ActivitySummary {
  /** Days with at least one request, in date order. */
  days: DayFigures[];
  /** Over the whole range, whatever part of it a caller shows. */
  totals: SpendFigures;
}

type Grouped = RawFigures & { date: string | null; is_total: number };

/**
 * Metrics per local day over [from, to] and the totals over the whole range, in one statement
 * (GROUPING SETS), so the totals are never a sum of what one page happened to show
 * (BerriAI/litellm#11929). A whole entity by UTC day reads the daily roll-up: one row per day.
 */
export async function getActivitySummary(
  db: LedgerDb,
  selector: AggregateSelector,
  days: LocalDays,
): Promise<ActivitySummary> {
  const source =
    isUtc(days.timeZone) && isWholeEntity(selector)
      ? sql`select r.day as local_day, ${sql.raw(metricList('r'))}
          from daily_rollup r
          where r.dimension = ${selector.entityType} and r.value = ${selector.entityId}
            and r.day between ${days.from}::date and ${days.to}::date`
      : bookedRows(selector, days);
  const rows = await db.execute<Grouped>(sql`
    select local_day::text as date, grouping(local_day) as is_total, ${sumFigures()}
    from (${source}) b
    group by grouping sets ((local_day), ())
    order by local_day nulls last`);
  const total = rows.find((r) => Number(r.is_total) === 1);
  return {
    days: rows
      .filter((r) => Number(r.is_total) === 0)
      .map((r) => ({ date: r.date as string, ...toFigures(r) })),
    totals: toFigures(total as RawFigures),
  };
}

export type BreakdownDimension = 'models' | 'providers' | 'api_keys';

/**
 * Maps, not plain objects: the keys are sender-chosen strings, and a model named `__proto__` set on
 * a plain object would set its prototype instead and vanish from the breakdown (issue 9).
 */
export interface DayBreakdown {
  models: Map<string, SpendFigures>;
  providers: Map<string, SpendFigures>;
  api_keys: Map<string, SpendFigures>;
}

type BreakdownRow = RawFigures & {
  date: string | null;
  model: string | null;
  provider: string | null;
  api_key: string | null;
  g_day: number;
  g_model: number;
  g_provider: number;
  g_api_key: number;
};

/** Per local day, the metrics by model, by provider and by api key (three GROUPING SETS). */
export async function getActivityBreakdown(
  db: LedgerDb,
  selector: AggregateSelector,
  days: LocalDays,
): Promise<Map<string, DayBreakdown>> {
  return (await readActivity(db, selector, days, false)).breakdown;
}

/**
 * The summary and the breakdown of the same days in one statement: the entity's rows are read once
 * instead of twice (for a local day, the hourly rows and the cut hours' events are most of a
 * request's time). For a caller that shows every day of the range at once.
 */
export const getActivityWithBreakdown = (db: LedgerDb, selector: AggregateSelector, days: LocalDays) =>
  readActivity(db, selector, days, true);

/** The breakdown, and with `withSummary` the days and totals as well (else those stay empty). */
async function readActivity(
  db: LedgerDb,
  selector: AggregateSelector,
  days: LocalDays,
  withSummary: boolean,
): Promise<{ summary: ActivitySummary; breakdown: Map<string, DayBreakdown> }> {
  const summarySets = withSummary ? sql`(local_day), (), ` : sql``;
  const rows = await db.execute<BreakdownRow>(sql`
    select local_day::text as date, model, provider, api_key, grouping(local_day) as g_day,
      grouping(model) as g_model, grouping(provider) as g_provider, grouping(api_key) as g_api_key,
      ${sumFigures()}
    from (${bookedRows(selector, days)}) b
    group by grouping sets (${summarySets}(local_day, model), (local_day, provider), (local_day, api_key))
    order by local_day, model, provider, api_key`);
  const breakdown = new Map<string, DayBreakdown>();
  const summary: ActivitySummary = { days: [], totals: ZERO_FIGURES };
  for (const row of rows) {
    const figures = toFigures(row);
    if (Number(row.g_day) === 1) {
      summary.totals = figures;
      continue;
    }
    const date = row.date as string;
    if (Number(row.g_model) === 1 && Number(row.g_provider) === 1 && Number(row.g_api_key) === 1) {
      summary.days.push({ date, ...figures });
      continue;
    }
    let day = breakdown.get(date);
    if (!day) {
      day = { models: new Map(), providers: new Map(), api_keys: new Map() };
      breakdown.set(date, day);
    }
    if (Number(row.g_model) === 0) day.models.set(row.model as string, figures);
    else if (Number(row.g_provider) === 0) day.providers.set(row.provider as string, figures);
    else day.api_keys.set(row.api_key as string, figures);
  }
  return { summary, breakdown };
}

/**
 * The statement behind a CSV export: one row per local day (and per api key, model and provider
 * with `breakdown`), in a stable order, columns date[, api_key, model, provider] and the metrics.
 * Returned unexecuted so the caller can stream it through a cursor.
 */
export function activityRowsQuery(selector: AggregateSelector, days: LocalDays, breakdown: boolean): SQL {
  const keys = breakdown ? sql`local_day, api_key, model, provider` : sql`local_day`;
  const columns = breakdown
    ? sql`local_day::text as date, api_key, model, provider`
    : sql`local_day::text as date`;
  return sql`select ${columns}, ${sumFigures()} from (${bookedRows(selector, days)}) b
    group by ${keys} order by ${keys}`;
}
