import { date, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { shardColumn } from './shard.ts';
import { spendMetricColumns } from './spend-metrics.ts';

/**
 * Spend per (dimension, value, UTC day, shard), without the api key / model / provider breakdown: what the
 * reports ("top spenders") read. `dimension` is an entity type (key, user, end_user, team, org, tag)
 * or `model` or `provider` (provider '' when absent). Every event adds to one row per entity it is
 * booked against plus one model and one provider row, so per dimension the rows sum to the ledger; readers sum over shards.
 */
export const dailyRollup = pgTable(
  'daily_rollup',
  {
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    shard: shardColumn(),
    ...spendMetricColumns(),
  },
  (t) => [
    primaryKey({ name: 'daily_rollup_pk', columns: [t.dimension, t.value, t.day, t.shard] }),
    // Reports scan one dimension over a day range, across all values.
    index('daily_rollup_dimension_day_idx').on(t.dimension, t.day),
  ],
);
