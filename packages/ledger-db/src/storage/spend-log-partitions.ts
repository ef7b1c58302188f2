import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';

/**
 * `spend_logs` has one partition per UTC day, named `spend_logs_YYYYMMDD`, covering
 * [day 00:00Z, day+1 00:00Z) of "timestamp" (migration 0007). Partitions are made only through the
 * SQL functions of that migration (serialised by an advisory lock, a no-op when present): by the
 * writer ahead of time and on demand, and by `ledger restore`. Nobody creates one by hand.
 */
export const partitionName = (day: string): string => `spend_logs_${day.replaceAll('-', '')}`;

/** The UTC day of a partition named by partitionName, or null for any other name. */
function partitionDay(name: string): string | null {
  const m = /^spend_logs_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** `YYYY-MM-DD` plus `days` (may be negative), in UTC. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Today's UTC day at `now`. */
export const utcDay = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Creates the partitions of every day in [from, to] that has none; returns the days created. */
export async function ensureSpendLogPartitions(db: LedgerDb, from: string, to: string): Promise<string[]> {
  const rows = await db.execute<{ day: string; created: boolean }>(sql`
    select d::date::text as day, spend_ledger_ensure_spend_logs_partition(d::date) as created
    from generate_series(${from}::date, ${to}::date, interval '1 day') d`);
  return rows.filter((r) => r.created).map((r) => r.day);
}

/** Creates the partitions of these days (any order, repeats allowed) where missing. */
export async function ensurePartitionsForDays(db: LedgerDb, days: Iterable<string>): Promise<string[]> {
  const list = JSON.stringify([...new Set(days)].sort());
  const rows = await db.execute<{ day: string; created: boolean }>(sql`
    select d as day, spend_ledger_ensure_spend_logs_partition(d::date) as created
    from json_array_elements_text(${list}::json) d`);
  return rows.filter((r) => r.created).map((r) => r.day);
}

/** The days that have a partition, oldest first. */
export async function listSpendLogPartitions(db: LedgerDb): Promise<string[]> {
  const rows = await db.execute<{ name: string }>(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'spend_logs'::regclass`);
  return rows
    .map((r) => partitionDay(r.name))
    .filter((d): d is string => d !== null)
    .sort();
}

/** The insert failed because a row's day has no partition (SQLSTATE 23514 from tuple routing). */
export function isMissingPartition(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === '23514' && typeof e.message === 'string' && e.message.includes('no partition of relation'))
      return true;
  }
  return false;
}

/**
 * Days in [from, to] that have aggregates but no partition: their per-request rows were archived
 * and dropped. Figures that need those rows (the cut-hour correction, a report's ends in another
 * zone than UTC) cannot be exact there. The proxy's roll-up rows (one per shard) and one catalog read.
 */
export async function daysWithoutRows(db: LedgerDb, from: string, to: string): Promise<string[]> {
  const rows = await db.execute<{ day: string }>(sql`
    select distinct day::text as day from daily_rollup
    where dimension = 'proxy' and day between ${from}::date and ${to}::date order by day`);
  if (rows.length === 0) return [];
  const partitions = new Set(await listSpendLogPartitions(db));
  return rows.map((r) => r.day).filter((day) => !partitions.has(day));
}
