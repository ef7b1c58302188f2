import { sql } from 'drizzle-orm';
import { date, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per accepted request_id: the audit trail and the dedupe record. The primary key on
 * request_id is what makes redelivery harmless: a second insert of the same id does nothing and the
 * writer aggregates only the ids this insert returned.
 */
export const spendLogs = pgTable('spend_logs', {
  requestId: text('request_id').primaryKey(),
  timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull(),
  /**
   * UTC day of `timestamp`: the day the spend is booked on; the future partition key. Not indexed:
   * every index costs the writer once per event, and retention and time ranges use the
   * ("timestamp", request_id) index of migration 0002.
   */
  day: date('day', { mode: 'string' }).notNull(),
  endTime: timestamp('end_time', { withTimezone: true, mode: 'string' }),
  apiKey: text('api_key').notNull(),
  userId: text('user_id'),
  teamId: text('team_id'),
  orgId: text('org_id'),
  endUserId: text('end_user_id'),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  model: text('model').notNull(),
  modelGroup: text('model_group'),
  provider: text('provider'),
  promptTokens: integer('prompt_tokens').notNull(),
  completionTokens: integer('completion_tokens').notNull(),
  spend: numeric('spend', { precision: 38, scale: 12 }).notNull(),
  status: text('status', { enum: ['success', 'failure'] }).notNull(),
  metadata: jsonb('metadata'),
  ingestedAt: timestamp('ingested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
