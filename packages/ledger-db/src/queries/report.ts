import { type EntityType, PROXY_ENTITY_ID, teamMemberId } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import type { RollupDimension } from '../write/aggregate.ts';
import {
  METRIC_COLUMNS,
  metricList,
  type RawFigures,
  type SpendFigures,
  toFigures,
  ZERO_FIGURES,
} from './figures.ts';
import { bookedRows, isUtc, LOG_FIGURES, type LocalDays } from './local-days.ts';
import type { AggregateSelector } from './selector.ts';

export const REPORT_DIMENSIONS = [
  'team',
  'org',
  'user',
  'end_user',
  'key',
  'tag',
  'team_member',
  'proxy',
  'model',
  'provider',
] as const satisfies readonly RollupDimension[];
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** What a report inside one entity can group by: the breakdown columns of its aggregate rows. */
export const WITHIN_ENTITY_DIMENSIONS = ['key', 'model', 'provider'] as const;
export type WithinEntityDimension = (typeof WITHIN_ENTITY_DIMENSIONS)[number];

export interface ReportParams {
  groupBy: ReportDimension;
  days: LocalDays;
  limit: number;
  /** Only the events of this entity (its aggregate rows); groupBy must then be key, model or provider. */
  within?: AggregateSelector;
  /** With groupBy team_member: only the members of this team (their team_member rows). */
  membersOf?: string;
}

export interface ReportRow extends SpendFigures {
  value: string;
}

export interface SpendReport {
  rows: ReportRow[];
  /** Distinct values with spend or requests in the range (rows beyond `limit` included). */
  groups: number;
  /** Over every group, not only the rows returned. */
  totals: SpendFigures;
}

type Ranked = RawFigures & { value: string; groups: string } & { [k: `t_${string}`]: string };

const WITHIN_COLUMN: Record<WithinEntityDimension, string> = {
  key: 'api_key',
  model: 'model',
  provider: 'provider',
};

/** The column of spend_logs (alias l) a dimension groups by; tags come from unnest. */
const escapedId = (column: string) => `replace(replace(${column}, '%', '%25'), '/', '%2F')`;
const LOG_VALUE: Record<EntityType | 'model' | 'provider', string> = {
  key: "nullif(l.api_key, '')",
  user: 'l.user_id',
  end_user: 'l.end_user_id',
  team: 'l.team_id',
  // teamMemberId() in SQL (null unless both are set); see reconcile.ts.
  team_member: `${escapedId('l.team_id')} || '/' || ${escapedId('l.user_id')}`,
  org: 'l.org_id',
  tag: 'tag',
  proxy: `'${PROXY_ENTITY_ID}'`,
  model: 'l.model',
  provider: "coalesce(l.provider, '')",
};

/**
 * "Top spenders": metrics per value of one dimension over local days [from, to], sorted by spend
 * (then by value, so ties page the same way every time), at most `limit` rows, with the number of
 * groups and the totals over all of them. UTC reads the daily roll-up; another zone reads the
 * roll-up for the UTC days nearest its range and adds or removes the events of the partial days at
 * both ends from spend_logs (at most 12 hours at each end), so the figures stay exact.
 */
export async function getSpendReport(
  db: LedgerDb,
  params: ReportParams,
  edges?: ReportEdges,
): Promise<SpendReport> {
  const rows = await db.execute<Ranked>(reportQuery(params, edges));
  const first = rows[0];
  if (!first) return { rows: [], groups: 0, totals: ZERO_FIGURES };
  const totals = toFigures(Object.fromEntries(METRIC_COLUMNS.map((m) => [m, first[`t_${m}`]])) as RawFigures);
  return {
    rows: rows.map((r) => ({ value: r.value, ...toFigures(r) })),
    groups: Number(first.groups),
    totals,
  };
}

/** The per-group rows (value + metric columns), ungrouped, that a report sums. */
function reportSource(params: ReportParams, edges?: ReportEdges): SQL {
  if (params.within) {
    const column = WITHIN_COLUMN[params.groupBy as WithinEntityDimension];
    return sql`select ${sql.raw(column)} as value, 1 as sign, ${sql.raw(metricList())}
      from (${bookedRows(params.within, params.days)}) b`;
  }
  const members =
    params.membersOf !== undefined
      ? sql` and starts_with(r.value, ${teamMemberId(params.membersOf, '')})`
      : sql``;
  const rollup = (from: string, to: string) => sql`select r.value, 1 as sign, ${sql.raw(metricList('r'))}
    from daily_rollup r
    where r.dimension = ${params.groupBy} and r.day between ${from}::date and ${to}::date${members}`;
  if (isUtc(params.days.timeZone) || !edges) return rollup(params.days.from, params.days.to);
  const parts = [rollup(edges.rollupFrom, edges.rollupTo)];
  for (const piece of edges.pieces) parts.push(logsPiece(params.groupBy, piece, params.membersOf));
  return sql.join(parts, sql` union all `);
}

function logsPiece(groupBy: ReportDimension, piece: EdgePiece, membersOf?: string): SQL {
  const value = sql.raw(LOG_VALUE[groupBy]);
  const tags = groupBy === 'tag' ? sql`, unnest(l.tags) as tag` : sql``;
  const notNull =
    groupBy === 'tag' || groupBy === 'model' || groupBy === 'provider'
      ? sql``
      : sql` and ${value} is not null`;
  return sql`select ${value} as value, ${piece.sign}::int as sign, ${LOG_FIGURES}
    from spend_logs l${tags}
    where l."timestamp" >= ${piece.start}::timestamptz and l."timestamp" < ${piece.end}::timestamptz${notNull}${
      membersOf !== undefined ? sql` and l.team_id = ${membersOf}` : sql``
    }`;
}

function reportQuery(params: ReportParams, edges?: ReportEdges): SQL {
  // `sign` is -1 for events of a partial day the roll-up counted but the range excludes.
  const signed = sql.raw(
    METRIC_COLUMNS.map((m) =>
      m === 'spend' ? 'sum(sign * spend)::numeric(38,12) as spend' : `sum(sign * ${m}) as ${m}`,
    ).join(', '),
  );
  const total = (m: string) => sql.raw(`sum(${m}) over ()::text as t_${m}`);
  return sql`
    with grouped as (
      select value, ${signed} from (${reportSource(params, edges)}) s
      group by value
      having sum(sign * api_requests) <> 0
    )
    select value, ${sumFiguresOfGrouped()}, count(*) over ()::text as groups,
      ${sql.join(METRIC_COLUMNS.map(total), sql`, `)}
    from grouped
    order by grouped.spend desc, value asc
    limit ${params.limit}`;
}

const sumFiguresOfGrouped = () =>
  sql.raw(
    METRIC_COLUMNS.map((m) =>
      m === 'spend' ? 'spend::numeric(38,12)::text as spend' : `${m}::text as ${m}`,
    ).join(', '),
  );

/** A stretch of time whose per-request rows are added (sign 1) or removed (sign -1). */
export interface EdgePiece {
  start: string;
  end: string;
  sign: 1 | -1;
}

/** How a non-UTC report is split: roll-up UTC days [rollupFrom, rollupTo] plus edge pieces. */
export interface ReportEdges {
  rollupFrom: string;
  rollupTo: string;
  pieces: EdgePiece[];
}

type Bounds = { starts: string; ends: string };

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Splits local days [from, to] of a zone into UTC days read from the roll-up and the pieces at both
 * ends to add or remove: each end moves to its nearest UTC midnight, so a piece is at most 12 hours.
 */
export async function resolveReportEdges(db: LedgerDb, days: LocalDays): Promise<ReportEdges> {
  const rows = await db.execute<Bounds>(sql`
    select extract(epoch from (${days.from}::date::timestamp at time zone ${days.timeZone}::text))::text as starts,
      extract(epoch from ((${days.to}::date + 1)::timestamp at time zone ${days.timeZone}::text))::text as ends`);
  const bounds = rows[0] as Bounds;
  const startMs = Math.round(Number(bounds.starts) * 1000);
  const endMs = Math.round(Number(bounds.ends) * 1000);
  const nearestMidnight = (ms: number) => Math.round(ms / DAY_MS) * DAY_MS;
  const m0 = nearestMidnight(startMs);
  const m1 = nearestMidnight(endMs);
  const iso = (ms: number) => new Date(ms).toISOString();
  const pieces: EdgePiece[] = [];
  // The roll-up covers [m0, m1); [start, m0) is added when start < m0 and removed when start > m0.
  if (startMs < m0) pieces.push({ start: iso(startMs), end: iso(m0), sign: 1 });
  if (startMs > m0) pieces.push({ start: iso(m0), end: iso(startMs), sign: -1 });
  if (endMs > m1) pieces.push({ start: iso(m1), end: iso(endMs), sign: 1 });
  if (endMs < m1) pieces.push({ start: iso(endMs), end: iso(m1), sign: -1 });
  return { rollupFrom: isoDay(m0), rollupTo: isoDay(m1 - DAY_MS), pieces };
}

/** The statement behind a CSV export of a report: every group, sorted like the JSON report. */
export function reportRowsQuery(params: ReportParams, edges?: ReportEdges): SQL {
  return sql`select value, ${sql.raw(metricList())} from (${reportQuery(params, edges)}) q`;
}
