import type { LedgerDb } from './client.ts';
import { addDays, ensureSpendLogPartitions, utcDay } from './spend-log-partitions.ts';

export interface MaintenanceOptions {
  /** Partitions are made for yesterday through this many days ahead of today (UTC). */
  aheadDays: number;
  /** The clock; tests pass their own. */
  now?: Date;
}

export interface MaintenanceResult {
  /** Days whose partitions were created by this run. */
  created: string[];
}

/**
 * The service's own upkeep of spend_logs, run by the writer at start-up and on a timer: partitions
 * exist before their day begins, so the write statement never has to make one (it still can: see
 * writePreparedBatch). Idempotent and safe to run from every writer at once.
 */
export async function maintainSpendLogs(
  db: LedgerDb,
  options: MaintenanceOptions,
): Promise<MaintenanceResult> {
  const today = utcDay(options.now);
  const created = await ensureSpendLogPartitions(db, addDays(today, -1), addDays(today, options.aheadDays));
  return { created };
}
