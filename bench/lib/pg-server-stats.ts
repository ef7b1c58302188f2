import type postgres from 'postgres';
import { readProcTimes } from './proc.ts';

/** The server settings that decide what a write costs beyond the statement itself. */
export const WRITE_PATH_SETTINGS = [
  'shared_buffers',
  'max_wal_size',
  'checkpoint_timeout',
  'wal_compression',
  'wal_buffers',
  'synchronous_commit',
  'full_page_writes',
  'autovacuum',
] as const;

export interface ServerCounters {
  walRecords: number;
  /** Full-page images: one per page first modified after a checkpoint. */
  walFpi: number;
  walBytes: number;
  checkpoints: number;
  /** Dirty pages written by the checkpointer, the background writer and the backends themselves. */
  buffersCheckpoint: number;
  buffersClean: number;
  buffersBackend: number;
}

/** Server-wide counters (all databases): exact when the server is private to the bench. */
export async function readServerCounters(sql: postgres.Sql): Promise<ServerCounters> {
  const [r] = await sql<
    Array<{ [K in keyof ServerCounters]: string }>
  >`select w.wal_records::text as "walRecords", w.wal_fpi::text as "walFpi", w.wal_bytes::text as "walBytes",
      (b.checkpoints_timed + b.checkpoints_req)::text as checkpoints,
      b.buffers_checkpoint::text as "buffersCheckpoint", b.buffers_clean::text as "buffersClean",
      b.buffers_backend::text as "buffersBackend"
    from pg_stat_wal w, pg_stat_bgwriter b`;
  return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)])) as unknown as ServerCounters;
}

export function counterDelta(before: ServerCounters, after: ServerCounters): ServerCounters {
  return Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, v - before[k as keyof ServerCounters]]),
  ) as unknown as ServerCounters;
}

export async function readWriteSettings(sql: postgres.Sql): Promise<Record<string, string>> {
  const rows = await sql<Array<{ name: string; value: string }>>`
    select name, current_setting(name) as value from pg_settings where name in ${sql([...WRITE_PATH_SETTINGS])}`;
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

/**
 * The postmaster of the server a connection is on, when that server runs on this machine (its
 * backend is then our child's sibling in /proc); undefined otherwise.
 */
export async function findPostmasterPid(sql: postgres.Sql): Promise<number | undefined> {
  const [r] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
  const backend = readProcTimes(r!.pid);
  if (backend?.comm !== 'postgres') return undefined;
  return readProcTimes(backend.ppid)?.comm === 'postgres' ? backend.ppid : undefined;
}
