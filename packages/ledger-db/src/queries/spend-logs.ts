import { type SQL, sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import type { SpendLogColumn } from '../column-name.ts';
import { listSpendLogPartitions } from '../storage/spend-log-partitions.ts';

export type StoredSpendLog = {
  request_id: string;
  timestamp: string;
  end_time: string | null;
  api_key: string;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user_id: string | null;
  tags: string[];
  model: string;
  model_group: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  spend: string;
  spend_source: string;
  status: 'success' | 'failure';
  metadata: Record<string, unknown> | null;
  ingested_at: string;
};

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What a stored event shows, in this order; timestamps as ISO 8601 UTC, spend exact as text. */
const LOG_COLUMNS = [
  'request_id',
  'timestamp',
  'end_time',
  'api_key',
  'user_id',
  'team_id',
  'org_id',
  'end_user_id',
  'tags',
  'model',
  'model_group',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'spend',
  'spend_source',
  'status',
  'metadata',
  'ingested_at',
] as const satisfies readonly (SpendLogColumn & keyof StoredSpendLog)[];
const AS_TEXT: Partial<Record<SpendLogColumn, (quoted: string) => string>> = {
  timestamp: iso,
  end_time: iso,
  ingested_at: iso,
  spend: (c) => `${c}::text`,
};
const logColumns = sql.raw(
  LOG_COLUMNS.map((c) => {
    const asText = AS_TEXT[c];
    return asText ? `${asText(`"${c}"`)} as "${c}"` : `"${c}"`;
  }).join(', '),
);

/**
 * The stored event for one request_id, or null (unknown, or its day archived). Timestamps as ISO
 * 8601 UTC. spend_logs is partitioned by time and has no index on request_id alone: request_ids
 * gives the event's timestamp, which is then passed as a value, so the planner prunes to one
 * partition before planning (a subquery would be pruned only at run time, after every partition
 * had been planned: 0.1 ms each) and probes its "timestamp" index.
 */
export async function getSpendLog(db: LedgerDb, requestId: string): Promise<StoredSpendLog | null> {
  const found = await db.execute<{ ts: string }>(sql`
    select to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts
    from request_ids where request_id = ${requestId}`);
  const ts = found[0]?.ts;
  if (ts === undefined) return null;
  const rows = await db.execute<StoredSpendLog>(
    sql`select ${logColumns} from spend_logs where "timestamp" = ${ts}::timestamptz and request_id = ${requestId}`,
  );
  return rows[0] ?? null;
}

/** Filters of the per-request log listing; every one optional, all combined with AND. */
export interface SpendLogFilter {
  apiKey?: string;
  userId?: string;
  teamId?: string;
  orgId?: string;
  endUserId?: string;
  tag?: string;
  model?: string;
  status?: 'success' | 'failure';
  /** Inclusive, RFC 3339. */
  startTime?: string;
  /** Exclusive, RFC 3339. */
  endTime?: string;
}

/** Where the previous page stopped: the last row's exact timestamp (microseconds) and request_id. */
export interface SpendLogCursor {
  timestamp: string;
  requestId: string;
}

export interface SpendLogPage {
  logs: StoredSpendLog[];
  /** Pass back to get the next page; null on the last one. */
  next: SpendLogCursor | null;
}

function filterSql(f: SpendLogFilter): SQL[] {
  const parts: SQL[] = [];
  if (f.apiKey !== undefined) parts.push(sql`api_key = ${f.apiKey}`);
  if (f.userId !== undefined) parts.push(sql`user_id = ${f.userId}`);
  if (f.teamId !== undefined) parts.push(sql`team_id = ${f.teamId}`);
  if (f.orgId !== undefined) parts.push(sql`org_id = ${f.orgId}`);
  if (f.endUserId !== undefined) parts.push(sql`end_user_id = ${f.endUserId}`);
  if (f.tag !== undefined) parts.push(sql`tags @> array[${f.tag}]::text[]`);
  if (f.model !== undefined) parts.push(sql`model = ${f.model}`);
  if (f.status !== undefined) parts.push(sql`status = ${f.status}`);
  if (f.startTime !== undefined) parts.push(sql`"timestamp" >= ${f.startTime}::timestamptz`);
  if (f.endTime !== undefined) parts.push(sql`"timestamp" < ${f.endTime}::timestamptz`);
  return parts;
}

/**
 * Per-request rows, newest first, `limit` per page, by keyset: the next page starts strictly after
 * the last (timestamp, request_id) seen, so no row repeats or is skipped between pages even while
 * rows arrive (BerriAI/litellm#30164), and page 1,000 costs what page 1 costs: each filter column has
 * an index ending in ("timestamp", request_id).
 *
 * spend_logs has a partition per UTC day: one query over every partition costs ~0.1 ms of planning
 * per partition (measured: 35–47 ms for 403 empty partitions against 1.5 ms for 30). So a page is
 * read newest first in widening time windows (2, 7, 31, 120 days below the top, then the rest),
 * each pruned to its partitions, until it is full: a busy filter is served from the newest
 * partitions alone, a sparse one widens to all of them.
 */
export async function listSpendLogs(
  db: LedgerDb,
  params: { filter: SpendLogFilter; limit: number; after?: SpendLogCursor },
): Promise<SpendLogPage> {
  const where = filterSql(params.filter);
  if (params.after) {
    where.push(
      sql`("timestamp", request_id) < (${params.after.timestamp}::timestamptz, ${params.after.requestId}::text)`,
    );
  }
  const rows: Array<StoredSpendLog & { cursor_ts: string }> = [];
  for (const window of await timeWindows(db, params.filter, params.after)) {
    const bounded = [...where];
    if (window.from !== undefined) bounded.push(sql`"timestamp" >= ${window.from}::timestamptz`);
    if (window.to !== undefined) bounded.push(sql`"timestamp" < ${window.to}::timestamptz`);
    rows.push(...(await pageQuery(db, bounded, params.limit + 1 - rows.length)));
    if (rows.length > params.limit) break;
  }
  const page = rows.slice(0, params.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > params.limit && last ? { timestamp: last.cursor_ts, requestId: last.request_id } : null;
  return { logs: page.map(({ cursor_ts: _, ...log }) => log), next };
}

const pageQuery = (db: LedgerDb, where: SQL[], limit: number) =>
  db.execute<StoredSpendLog & { cursor_ts: string }>(sql`
    select ${logColumns}, to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_ts
    from spend_logs l
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    -- Qualified: the output column "timestamp" (text) would otherwise be what ORDER BY sorts by.
    order by l."timestamp" desc, l.request_id desc
    limit ${limit}`);

const DAY_MS = 86_400_000;
/** Lower edges of the windows, in days below the top; the last window takes everything older. */
const WINDOW_DAYS = [2, 9, 40, 160];

/**
 * Consecutive, non-overlapping [from, to) windows (ISO instants) from the newest possible row down
 * to the oldest partition, newest first. One unbounded window when the bounds cannot be worked out.
 */
async function timeWindows(
  db: LedgerDb,
  filter: SpendLogFilter,
  after?: SpendLogCursor,
): Promise<Array<{ from?: string; to?: string }>> {
  const days = await listSpendLogPartitions(db);
  const first = days[0];
  const lastDay = days[days.length - 1];
  if (first === undefined || lastDay === undefined) return [{}];
  const tops = [Date.parse(`${lastDay}T00:00:00Z`) + DAY_MS];
  // The cursor's row has this timestamp (microseconds): everything after it is at most that, so the
  // top is the next millisecond.
  if (after) tops.push(Math.floor(Date.parse(after.timestamp)) + 1);
  if (filter.endTime !== undefined) tops.push(Date.parse(filter.endTime));
  const bottoms = [Date.parse(`${first}T00:00:00Z`)];
  if (filter.startTime !== undefined) bottoms.push(Date.parse(filter.startTime));
  if ([...tops, ...bottoms].some(Number.isNaN)) return [{}];
  const top = Math.min(...tops);
  const bottom = Math.max(...bottoms);
  if (top <= bottom) return [{ to: new Date(top).toISOString() }];
  const windows: Array<{ from?: string; to?: string }> = [];
  let to = top;
  for (const days of WINDOW_DAYS) {
    const from = top - days * DAY_MS;
    if (from <= bottom) break;
    windows.push({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    to = from;
  }
  windows.push({ to: new Date(to).toISOString() });
  return windows;
}
