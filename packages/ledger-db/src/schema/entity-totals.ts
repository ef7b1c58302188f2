import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { spendMetricColumns } from './spend-metrics.ts';

/** Running totals per entity, for budget checks that must not scan the daily table. */
export const entityTotals = pgTable(
  'entity_totals',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    ...spendMetricColumns(),
  },
  (t) => [primaryKey({ name: 'entity_totals_pk', columns: [t.entityType, t.entityId] })],
);
