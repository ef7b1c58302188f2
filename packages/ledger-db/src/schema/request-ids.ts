import { customType, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * The dedupe record: one row per request_id the ledger ever counted. The write statement inserts
 * here first (`on conflict do nothing`) and only the ids it returns count. Kept apart from the
 * partitioned `spend_logs` (which cannot have a unique index on request_id alone) and NOT dropped
 * with its partitions: an event whose rows were archived still counts once (docs/decisions.md).
 */
export const requestIds = pgTable(
  'request_ids',
  {
    requestId: text('request_id').primaryKey(),
    /**
     * The event's timestamp: its UTC day names the partition holding its per-request row (or that
     * held it, before it was archived), and (timestamp, request_id) finds the row by index.
     */
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull(),
    /**
     * The first 16 bytes of the SHA-256 of the event's canonical content (write/content-digest.ts): a later
     * event with this request_id and another digest is a conflict, recorded in request_id_conflicts.
     * NULL for events written before migration 0005 (their content cannot be compared).
     */
    contentDigest: bytea('content_digest'),
  },
  // DEDUPE_RETENTION_DAYS deletes by age. BRIN: rows arrive roughly in time order, so a few pages
  // of summaries serve the range, and an insert costs next to nothing (a b-tree would be a second
  // index insert per event).
  (t) => [index('request_ids_timestamp_brin').using('brin', t.timestamp)],
);
