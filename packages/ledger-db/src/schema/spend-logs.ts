import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per accepted request_id: the audit trail (absent with DISABLE_SPEND_LOGS). Partitioned by
 * range on "timestamp", one partition per UTC day (migration 0007; partitions are created ahead by
 * the writer's maintenance and on demand by the write path, see storage/spend-log-partitions.ts), which
 * drizzle-kit cannot express: this file describes the columns only. It has no primary key: Postgres
 * cannot have a unique index on a partitioned table without the partition key, so the dedupe record
 * is `request_ids`, which the one write statement (writePreparedBatch) inserts into first; rows
 * land here only when every id of the window was new.
 */
export const spendLogs = pgTable(
  'spend_logs',
  {
    requestId: text('request_id').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull(),
    /**
     * UTC day of `timestamp`: the day the spend is booked on, and the day of the partition holding
     * the row. Not indexed: every index costs the writer once per event, and time ranges use
     * partition pruning on "timestamp" and the ("timestamp", request_id) index of migration 0002
     * (partitioned by 0007).
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
    metadata: jsonb('metadata'),
    ingestedAt: timestamp('ingested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  // The log listing's indexes (migration 0012; docs/decisions.md "Leaner spend_logs indexes"): one
  // b-tree per entity filter on (entity column, "timestamp") and one on "timestamp", so a filter plus
  // the cursor is one index range however deep the page; a GIN on tags. The keyset's tiebreaker
  // (request_id) is not in them: timestamps are microseconds, ties are rare, and an incremental sort
  // orders the few equal ones, so each entry carries 8 bytes of key after the entity instead of
  // 8 + a request_id (36+ bytes for a UUID).
  (t) => [
    index('spend_logs_time_idx').on(t.timestamp),
    index('spend_logs_api_key_time_idx').on(t.apiKey, t.timestamp),
    index('spend_logs_user_time_idx').on(t.userId, t.timestamp).where(sql`"user_id" IS NOT NULL`),
    index('spend_logs_team_time_idx').on(t.teamId, t.timestamp).where(sql`"team_id" IS NOT NULL`),
    index('spend_logs_org_time_idx').on(t.orgId, t.timestamp).where(sql`"org_id" IS NOT NULL`),
    index('spend_logs_end_user_time_idx').on(t.endUserId, t.timestamp).where(sql`"end_user_id" IS NOT NULL`),
    index('spend_logs_tags_idx').using('gin', t.tags),
  ],
);
