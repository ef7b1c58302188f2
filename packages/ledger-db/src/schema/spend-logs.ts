import { sql } from 'drizzle-orm';
import { customType, date, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

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
  cacheReadInputTokens: integer('cache_read_input_tokens').notNull().default(0),
  cacheCreationInputTokens: integer('cache_creation_input_tokens').notNull().default(0),
  spend: numeric('spend', { precision: 38, scale: 12 }).notNull(),
  status: text('status', { enum: ['success', 'failure'] }).notNull(),
  /** `sender` (the event carried its cost) or `price-map@<version>` (the gateway priced it). */
  spendSource: text('spend_source').notNull().default('sender'),
  /**
   * The first 16 bytes of the SHA-256 of the event's canonical content (content-digest.ts): a later
   * event with this request_id and another digest is a conflict, recorded in request_id_conflicts.
   * NULL for rows written before migration 0005 (their content cannot be compared).
   */
  contentDigest: bytea('content_digest'),
  metadata: jsonb('metadata'),
  ingestedAt: timestamp('ingested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
