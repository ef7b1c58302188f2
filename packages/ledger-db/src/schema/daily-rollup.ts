import { bigint, date, index, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Spend per (dimension, value, UTC day), without the api key / model / provider breakdown: what the
 * reports ("top spenders") read. `dimension` is an entity type (key, user, end_user, team, org, tag)
 * or `model` or `provider` (provider '' when absent). Every event adds to one row per entity it is
 * booked against plus one model and one provider row, so per dimension the rows sum to the ledger.
 */
export const dailyRollup = pgTable(
  'daily_rollup',
  {
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    promptTokens: bigint('prompt_tokens', { mode: 'bigint' }).notNull(),
    completionTokens: bigint('completion_tokens', { mode: 'bigint' }).notNull(),
    spend: numeric('spend', { precision: 38, scale: 12 }).notNull(),
    apiRequests: bigint('api_requests', { mode: 'bigint' }).notNull(),
    successfulRequests: bigint('successful_requests', { mode: 'bigint' }).notNull(),
    failedRequests: bigint('failed_requests', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'daily_rollup_pk', columns: [t.dimension, t.value, t.day] }),
    // Reports scan one dimension over a day range, across all values.
    index('daily_rollup_dimension_day_idx').on(t.dimension, t.day),
  ],
);
