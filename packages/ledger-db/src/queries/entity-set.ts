import type { EntityType } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import { type RawFigures, type SpendFigures, sumFigures, toFigures } from './figures.ts';

/**
 * Several entities of one type read together, as LiteLLM's daily activity endpoints do
 * (`team_ids=a,b`, or every user): `ids` lists them, `idPrefix` takes every id starting with it
 * (a team's members: `<team>/`), neither means every entity of the type. Optionally narrowed to
 * one api key and one model. Days are UTC days.
 */
export interface EntitySetSelector {
  entityType: EntityType;
  ids?: readonly string[];
  idPrefix?: string;
  apiKey?: string;
  model?: string;
}

export interface EntitySetDay extends SpendFigures {
  date: string;
}

export interface EntitySetDayBreakdown {
  models: Map<string, SpendFigures>;
  providers: Map<string, SpendFigures>;
  api_keys: Map<string, SpendFigures>;
  entities: Map<string, SpendFigures>;
}

const narrowed = (s: EntitySetSelector) => s.apiKey !== undefined || s.model !== undefined;

function idWhere(column: SQL, s: EntitySetSelector): SQL[] {
  const parts: SQL[] = [];
  if (s.ids !== undefined)
    // A restriction, not a semi-join: daily_spend is a view whose fact branches take restrictions
    // (and then their index) but not join conditions (migration 0014).
    parts.push(sql`${column} = any(array(select json_array_elements_text(${JSON.stringify(s.ids)}::json)))`);
  if (s.idPrefix !== undefined) parts.push(sql`starts_with(${column}, ${s.idPrefix})`);
  return parts;
}

/** daily_spend rows (alias d) of the set over UTC days [from, to]. */
function dailyWhere(s: EntitySetSelector, from: string, to: string): SQL {
  const parts = [
    sql`d.entity_type = ${s.entityType}`,
    sql`d.day between ${from}::date and ${to}::date`,
    ...idWhere(sql`d.entity_id`, s),
  ];
  if (s.apiKey !== undefined) parts.push(sql`d.api_key = ${s.apiKey}`);
  if (s.model !== undefined) parts.push(sql`d.model = ${s.model}`);
  return sql.join(parts, sql` and `);
}

type Grouped = RawFigures & { date: string | null; is_total: number };

/**
 * Metrics per UTC day of the set and the totals over the whole range, in one statement. Without
 * narrowing it reads the daily roll-up (one row per entity and day).
 */
export async function getEntitySetSummary(
  db: LedgerDb,
  s: EntitySetSelector,
  from: string,
  to: string,
): Promise<{ days: EntitySetDay[]; totals: SpendFigures }> {
  const source = narrowed(s)
    ? sql`select d.* from daily_spend d where ${dailyWhere(s, from, to)}`
    : sql`select r.* from daily_rollup r where ${sql.join(
        [
          sql`r.dimension = ${s.entityType}`,
          sql`r.day between ${from}::date and ${to}::date`,
          ...idWhere(sql`r.value`, s),
        ],
        sql` and `,
      )}`;
  const rows = await db.execute<Grouped>(sql`
    select day::text as date, grouping(day) as is_total, ${sumFigures()}
    from (${source}) b
    group by grouping sets ((day), ())
    order by day nulls last`);
  const total = rows.find((r) => Number(r.is_total) === 1) as RawFigures;
  return {
    days: rows
      .filter((r) => Number(r.is_total) === 0)
      .map((r) => ({ date: r.date as string, ...toFigures(r) })),
    totals: toFigures(total),
  };
}

type BreakdownRow = RawFigures & {
  date: string;
  model: string | null;
  provider: string | null;
  api_key: string | null;
  entity_id: string | null;
  g_model: number;
  g_provider: number;
  g_api_key: number;
};

/** Per UTC day of [from, to], the set's metrics by model, provider, api key and entity. */
export async function getEntitySetBreakdown(
  db: LedgerDb,
  s: EntitySetSelector,
  from: string,
  to: string,
): Promise<Map<string, EntitySetDayBreakdown>> {
  const rows = await db.execute<BreakdownRow>(sql`
    select d.day::text as date, d.model, d.provider, d.api_key, d.entity_id, grouping(d.model) as g_model,
      grouping(d.provider) as g_provider, grouping(d.api_key) as g_api_key, ${sumFigures('d')}
    from daily_spend d where ${dailyWhere(s, from, to)}
    group by grouping sets ((d.day, d.model), (d.day, d.provider), (d.day, d.api_key), (d.day, d.entity_id))
    order by 1`);
  // Maps: model, provider, key and entity names are sender-chosen strings (see activity.ts).
  const out = new Map<string, EntitySetDayBreakdown>();
  for (const row of rows) {
    let day = out.get(row.date);
    if (!day) {
      day = { models: new Map(), providers: new Map(), api_keys: new Map(), entities: new Map() };
      out.set(row.date, day);
    }
    const figures = toFigures(row);
    if (Number(row.g_model) === 0) day.models.set(row.model as string, figures);
    else if (Number(row.g_provider) === 0) day.providers.set(row.provider as string, figures);
    else if (Number(row.g_api_key) === 0) day.api_keys.set(row.api_key as string, figures);
    else day.entities.set(row.entity_id as string, figures);
  }
  return out;
}
