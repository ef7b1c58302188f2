import { date, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { shardColumn } from './shard.ts';
import { spendMetricColumns } from './spend-metrics.ts';

/**
 * Aggregates per (entity type, entity id, UTC day, UTC hour, api key, model, provider, shard). Summed
 * over `hour` and `shard` they are the daily aggregates; the hour is there so that days in any time zone whose offset
 * is a whole number of hours are exact sums of rows (see docs/decisions.md, "Aggregates by UTC hour").
 * Every key column is NOT NULL with '' for "absent": NULLs are distinct in a unique index, which is
 * how LiteLLM ended up with a new "daily" row on every write (BerriAI/litellm#12892).
 */
export const dailySpend = pgTable(
  'daily_spend',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** UTC hour of the day, 0–23. */
    hour: smallint('hour').notNull(),
    apiKey: text('api_key').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    /** Last in the key: every read by entity, day, key, model or provider is still a key prefix. */
    shard: shardColumn(),
    ...spendMetricColumns(),
  },
  (t) => [
    primaryKey({
      name: 'daily_spend_pk',
      columns: [t.entityType, t.entityId, t.day, t.hour, t.apiKey, t.model, t.provider, t.shard],
    }),
  ],
);
