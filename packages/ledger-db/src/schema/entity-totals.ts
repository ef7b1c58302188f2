import { bigint, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Running totals per entity, for budget checks that must not scan the daily table. */
export const entityTotals = pgTable(
  'entity_totals',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    promptTokens: bigint('prompt_tokens', { mode: 'bigint' }).notNull(),
    completionTokens: bigint('completion_tokens', { mode: 'bigint' }).notNull(),
    spend: numeric('spend', { precision: 38, scale: 12 }).notNull(),
    apiRequests: bigint('api_requests', { mode: 'bigint' }).notNull(),
    successfulRequests: bigint('successful_requests', { mode: 'bigint' }).notNull(),
    failedRequests: bigint('failed_requests', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'entity_totals_pk', columns: [t.entityType, t.entityId] })],
);
