import type postgres from 'postgres';

export interface ActivitySampler {
  /**
   * Stops sampling; returns, per backend state, how many of the application's connections were in
   * it on average (the states add up to the pool size), busiest first.
   */
  stop(): Promise<Array<{ state: string; backends: number }>>;
}

/** What a backend was doing, in words a reader can act on. */
function describe(r: {
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string;
}) {
  const statement = /insert\s+into\s+"?(\w+)/i.exec(r.query)?.[1] ?? r.query.trim().split(/\s+/)[0] ?? '';
  if (r.state === 'idle in transaction') return 'idle in transaction (waiting for the client)';
  if (r.state !== 'active') return `${r.state ?? 'unknown'} (no statement)`;
  if (r.wait_event_type === 'Lock')
    return `${statement}: waiting on ${r.wait_event} lock (another transaction)`;
  if (r.wait_event_type) return `${statement}: ${r.wait_event_type}/${r.wait_event}`;
  return `${statement}: running (CPU)`;
}

/**
 * Samples pg_stat_activity every `intervalMs` for the backends of one application on one database:
 * the Postgres-side answer to "where does a writer's time go" (running a statement, waiting on a
 * lock held by another writer's transaction, waiting for I/O or WAL, or idle while the writer's
 * JavaScript works). pg_stat_statements is not loaded on this server; this needs nothing.
 */
export function sampleActivity(
  sql: postgres.Sql,
  database: string,
  application: string,
  intervalMs = 100,
): ActivitySampler {
  const counts = new Map<string, number>();
  let rounds = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql<
        { state: string | null; wait_event_type: string | null; wait_event: string | null; query: string }[]
      >`select state, wait_event_type, wait_event, left(query, 200) as query from pg_stat_activity
        where datname = ${database} and application_name = ${application}`.catch(() => []);
      for (const r of rows) {
        const key = describe(r);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      rounds += 1;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([state, n]) => ({ state, backends: Math.round((n / Math.max(1, rounds)) * 100) / 100 }));
    },
  };
}

/**
 * Mean number of backends waiting on another transaction's row: Postgres shows a row-lock wait as a
 * wait for the holder's transaction id (`transactionid`) or, for the next in the queue, for the
 * tuple lock (`tuple`). Writers serialising on shared aggregate rows show up here.
 */
export function rowLockWaits(activity: ReadonlyArray<{ state: string; backends: number }>): number {
  const waits = activity
    .filter((a) => /waiting on (transactionid|tuple) lock/.test(a.state))
    .reduce((n, a) => n + a.backends, 0);
  return Math.round(waits * 100) / 100;
}
