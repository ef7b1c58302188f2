import { customType, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Events that reused a request_id already in the ledger with different content (issue 9 item 7).
 * The first event wins and is the only one counted; each distinct conflicting content is kept here
 * once, without its payload (the digests tell the versions apart, the api key says who sent it), for
 * an admin to read (`GET /v1/admin/request-id-conflicts`, `ledger reconcile`). Written by the one
 * write path in the same statement as the window it came in, so a redelivery adds nothing.
 */
export const requestIdConflicts = pgTable(
  'request_id_conflicts',
  {
    requestId: text('request_id').notNull(),
    /** Digest of the conflicting event's canonical content. */
    contentDigest: bytea('content_digest').notNull(),
    /** Digest of the event the ledger kept (NULL when that row predates digests). */
    keptDigest: bytea('kept_digest'),
    /** The conflicting event's api key (already a hash or alias) and timestamp: who and when. */
    apiKey: text('api_key').notNull(),
    eventTimestamp: timestamp('event_timestamp', { withTimezone: true, mode: 'string' }).notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'request_id_conflicts_pk', columns: [t.requestId, t.contentDigest] })],
);
