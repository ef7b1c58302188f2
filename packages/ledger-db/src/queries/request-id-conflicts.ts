import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';

export type StoredRequestIdConflict = {
  request_id: string;
  /** Hex digest of the conflicting (not counted) event's content. */
  content_digest: string;
  /** Hex digest of the event the ledger counted; null when that row predates digests. */
  kept_digest: string | null;
  api_key: string;
  event_timestamp: string;
  detected_at: string;
};

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The most recently detected request_id conflicts, newest first (no payloads are kept). */
export async function listRequestIdConflicts(
  db: LedgerDb,
  params: { limit: number; requestId?: string },
): Promise<StoredRequestIdConflict[]> {
  return db.execute<StoredRequestIdConflict>(sql`
    select request_id, encode(content_digest, 'hex') as content_digest, encode(kept_digest, 'hex') as kept_digest,
      api_key, ${sql.raw(iso('event_timestamp'))} as event_timestamp, ${sql.raw(iso('detected_at'))} as detected_at
    from request_id_conflicts
    ${params.requestId !== undefined ? sql`where request_id = ${params.requestId}` : sql``}
    order by detected_at desc, request_id, content_digest
    limit ${params.limit}`);
}
