import { sql } from 'drizzle-orm';
import { bigint, numeric, timestamp } from 'drizzle-orm/pg-core';

/**
 * The additive metric columns every aggregate table carries (daily_spend_facts,
 * daily_spend_by_entity, daily_rollup, entity_totals), plus updated_at. One definition so the tables cannot drift apart; the write path
 * adds to exactly these columns.
 */
export const spendMetricColumns = () => ({
  promptTokens: bigint('prompt_tokens', { mode: 'bigint' }).notNull(),
  completionTokens: bigint('completion_tokens', { mode: 'bigint' }).notNull(),
  /** LiteLLM's SpendMetrics cache_read_input_tokens: prompt tokens served from the prompt cache. */
  cacheReadInputTokens: bigint('cache_read_input_tokens', { mode: 'bigint' }).notNull().default(sql`0`),
  /** LiteLLM's SpendMetrics cache_creation_input_tokens: prompt tokens written to the prompt cache. */
  cacheCreationInputTokens: bigint('cache_creation_input_tokens', { mode: 'bigint' })
    .notNull()
    .default(sql`0`),
  spend: numeric('spend', { precision: 38, scale: 12 }).notNull(),
  apiRequests: bigint('api_requests', { mode: 'bigint' }).notNull(),
  successfulRequests: bigint('successful_requests', { mode: 'bigint' }).notNull(),
  failedRequests: bigint('failed_requests', { mode: 'bigint' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
