import { type SQL, sql } from 'drizzle-orm';
import type { ColumnName } from '../column-name.ts';
import type { dailyRollup } from '../schema/daily-rollup.ts';
import type { dailySpendByEntity, dailySpendFacts } from '../schema/daily-spend.ts';
import type { entityTotals } from '../schema/entity-totals.ts';

type AggregateColumn = ColumnName<typeof dailySpendFacts> &
  ColumnName<typeof dailySpendByEntity> &
  ColumnName<typeof dailyRollup> &
  ColumnName<typeof entityTotals>;

/**
 * THE metric list: the additive metric columns every aggregate table and every booked-row query
 * shares (the write path, the reads, reconcile and the archive sums use it). Checked against the
 * Drizzle tables: a metric renamed or dropped in the schema fails `tsc` here.
 */
export const METRIC_COLUMNS = [
  'spend',
  'prompt_tokens',
  'completion_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'api_requests',
  'successful_requests',
  'failed_requests',
] as const satisfies readonly AggregateColumn[];
export type Metric = (typeof METRIC_COLUMNS)[number];

/**
 * Metrics as the query API returns them: spend an exact decimal string, counts as numbers. One
 * property per metric of the list, so toFigures and ZERO_FIGURES fail `tsc` when it changes.
 */
export type SpendFigures = { spend: string } & Record<Exclude<Metric, 'spend'>, number>;

/** Figures as Postgres returns them: every sum as text, so nothing is rounded on the way. */
export type RawFigures = Record<Metric, string>;

/** Token and request counts stay far below 2^53 for any realistic range; spend stays a string. */
export const toFigures = (r: RawFigures): SpendFigures => ({
  spend: r.spend,
  prompt_tokens: Number(r.prompt_tokens),
  completion_tokens: Number(r.completion_tokens),
  cache_read_input_tokens: Number(r.cache_read_input_tokens),
  cache_creation_input_tokens: Number(r.cache_creation_input_tokens),
  api_requests: Number(r.api_requests),
  successful_requests: Number(r.successful_requests),
  failed_requests: Number(r.failed_requests),
});

export const ZERO_FIGURES: SpendFigures = {
  spend: '0.000000000000',
  prompt_tokens: 0,
  completion_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  api_requests: 0,
  successful_requests: 0,
  failed_requests: 0,
};

/**
 * `sum(...)` of each metric as text, spend cast back to numeric(38,12) so every amount has the same
 * 12-decimal form. Postgres sums numeric exactly; no float ever touches spend.
 */
export function sumFigures(prefix = ''): SQL {
  const p = prefix ? `${prefix}.` : '';
  return sql.raw(
    METRIC_COLUMNS.map((m) =>
      m === 'spend'
        ? `coalesce(sum(${p}spend), 0)::numeric(38,12)::text as spend`
        : `coalesce(sum(${p}${m}), 0)::text as ${m}`,
    ).join(',\n    '),
  );
}

/** The metric columns as a comma-separated list, optionally qualified by a table alias. */
export const metricList = (alias = ''): string =>
  METRIC_COLUMNS.map((m) => (alias ? `${alias}.${m}` : m)).join(', ');
