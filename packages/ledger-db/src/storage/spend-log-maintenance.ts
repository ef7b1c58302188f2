import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import { readManifest } from './archive-format.ts';
import type { ArchiveStore } from './archive-store.ts';
import { archiveDay } from './spend-log-archive.ts';
import {
  addDays,
  ensureSpendLogPartitions,
  listSpendLogPartitions,
  partitionName,
  utcDay,
} from './spend-log-partitions.ts';

export interface MaintenanceOptions {
  /** Partitions are made for yesterday through this many days ahead of today (UTC). */
  aheadDays: number;
  /**
   * SPEND_LOGS_RETENTION_DAYS: partitions of days before today minus this many are dropped whole
   * (after archiving, when `archive` is set). Undefined keeps every day.
   */
  retentionDays?: number;
  /**
   * DEDUPE_RETENTION_DAYS: request_ids of events older than today minus this many days are deleted.
   * Undefined keeps them for ever. The writer's config keeps it above MAX_EVENT_AGE_DAYS (an
   * accepted event always finds its earlier copies) and at least SPEND_LOGS_RETENTION_DAYS.
   */
  dedupeRetentionDays?: number;
  /** Where days are archived before they are dropped; null or absent: dropped unarchived. */
  archive?: ArchiveStore | null;
  /** The clock; tests pass their own. */
  now?: Date;
}

export interface MaintenanceResult {
  /** Days whose partitions were created by this run. */
  created: string[];
  /** Days archived by this run (before being dropped). */
  archived: string[];
  /** Days whose partitions were dropped by this run. */
  dropped: string[];
  /** request_ids deleted by DEDUPE_RETENTION_DAYS in this run. */
  prunedRequestIds: number;
}

/**
 * The service's own upkeep of spend_logs, run by the writer at start-up and on a timer: partitions
 * exist before their day begins, so the write statement rarely has to make one (it can: see
 * writePreparedBatch); and with a retention, old days are archived, then dropped whole. Nothing
 * deletes per-request rows one by one. Safe to run from every writer at once: partition changes
 * are serialised in SQL, and retention runs in one writer at a time (an advisory lock).
 */
export async function maintainSpendLogs(
  db: LedgerDb,
  options: MaintenanceOptions,
): Promise<MaintenanceResult> {
  const today = utcDay(options.now);
  const created = await ensureSpendLogPartitions(db, addDays(today, -1), addDays(today, options.aheadDays));
  const result: MaintenanceResult = { created, archived: [], dropped: [], prunedRequestIds: 0 };
  const old =
    options.retentionDays === undefined
      ? []
      : (await listSpendLogPartitions(db)).filter(
          (day) => day < addDays(today, -(options.retentionDays ?? 0)),
        );
  if (old.length === 0 && options.dedupeRetentionDays === undefined) return result;
  await withRetentionLock(db, async () => {
    if (options.dedupeRetentionDays !== undefined)
      result.prunedRequestIds = await pruneRequestIds(db, addDays(today, -options.dedupeRetentionDays));
    for (const day of old) {
      if (options.archive) {
        const manifest = await readManifest(options.archive, day);
        const rows = await countRows(db, day);
        // Archived already, with every row the partition holds now? Otherwise (re)archive it.
        if (manifest?.rows !== rows) {
          await archiveDay(db, options.archive, day);
          result.archived.push(day);
        }
        const archived = await readManifest(options.archive, day);
        if (!(await dropIfRows(db, day, archived?.rows ?? -1))) continue;
      } else if (!(await dropIfRows(db, day, null))) continue;
      result.dropped.push(day);
    }
  });
  return result;
}

/**
 * Deletes the dedupe records of events before `day` (UTC), in slices so no statement holds many
 * row locks or runs long. The one table pruned row by row: it has no partition key to drop by.
 */
async function pruneRequestIds(db: LedgerDb, day: string): Promise<number> {
  let pruned = 0;
  for (;;) {
    const rows = await db.execute<{ n: string }>(sql`
      with gone as (
        delete from request_ids where ctid = any(array(
          select ctid from request_ids where "timestamp" < ${`${day}T00:00:00Z`}::timestamptz limit 50000))
        returning 1)
      select count(*)::text as n from gone`);
    const n = Number(rows[0]?.n ?? 0);
    pruned += n;
    if (n === 0) return pruned;
  }
}

async function countRows(db: LedgerDb, day: string): Promise<number> {
  const rows = await db.execute<{ n: string }>(
    sql`select count(*)::text as n from ${sql.identifier(partitionName(day))}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Drops a day's partition, but only while it holds exactly `expectedRows` (the archived count):
 * the SHARE lock stops inserts between the count and the drop, so no row that reached the
 * partition after it was archived is dropped unarchived. `null`: no archive, drop as it is.
 */
async function dropIfRows(db: LedgerDb, day: string, expectedRows: number | null): Promise<boolean> {
  const table = sql.identifier(partitionName(day));
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${table} in share mode`);
    if (expectedRows !== null) {
      const rows = await tx.execute<{ n: string }>(sql`select count(*)::text as n from ${table}`);
      if (Number(rows[0]?.n) !== expectedRows) return false;
    }
    const dropped = await tx.execute<{ dropped: boolean }>(
      sql`select spend_ledger_drop_spend_logs_partition(${day}::date) as dropped`,
    );
    return dropped[0]?.dropped === true;
  });
}

/** Runs `work` only if no other process holds the retention lock; skips it otherwise. */
async function withRetentionLock(db: LedgerDb, work: () => Promise<void>): Promise<void> {
  const conn = await db.$client.reserve();
  try {
    const [row] = await conn`select pg_try_advisory_lock(hashtext('spend_ledger.retention')) as locked`;
    if (!row?.locked) return;
    try {
      await work();
    } finally {
      await conn`select pg_advisory_unlock(hashtext('spend_ledger.retention'))`;
    }
  } finally {
    conn.release();
  }
}
