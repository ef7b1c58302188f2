import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { shardColumn } from './shard.ts';
import { spendMetricColumns } from './spend-metrics.ts';

/**
 * Running totals per entity and shard, for budget checks that must not scan the daily table: an
 * entity's total is the sum of its rows, at most one per Kafka partition, read by one key-prefix
 * lookup.
 */
export const entityTotals = pgTable(
  'entity_totals',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    shard: shardColumn(),
    ...spendMetricColumns(),
  },
  (t) => [primaryKey({ name: 'entity_totals_pk', columns: [t.entityType, t.entityId, t.shard] })],
);
