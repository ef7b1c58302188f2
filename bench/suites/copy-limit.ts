import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { COPY_COLUMNS, copyLine } from '../workload/copy-rows.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

export interface CopyResult {
  target: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const ROWS_PER_CHUNK = 10_000;

/** The unique per-request rows of the same workload the writer consumed, as COPY text chunks. */
function buildChunks(events: number): { chunks: Buffer[]; rows: number } {
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents: events });
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  for (let i = 0; i < events; i++) {
    const before = generator.stats.duplicates;
    const event = generator.next();
    if (generator.stats.duplicates !== before) continue;
    lines.push(copyLine(event));
    if (lines.length === ROWS_PER_CHUNK) {
      chunks.push(Buffer.from(`${lines.join('\n')}\n`));
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(`${lines.join('\n')}\n`));
  return { chunks, rows: generator.stats.unique };
}

/**
 * The physical limit of the per-request write: COPY of the same rows into an unindexed copy of
 * spend_logs, and for contrast into spend_logs itself with all its indexes — what index maintenance
 * alone costs. Text is prepared before the clock starts.
 */
export async function measureCopyLimit(suffix: string, events: number): Promise<CopyResult[]> {
  const { chunks, rows } = buildChunks(events);
  const database = await createBenchDatabase(`copy_${suffix}`);
  try {
    const { sql } = database;
    await sql`create table spend_logs_unindexed (like spend_logs including defaults)`;
    const [indexes] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_indexes where tablename = 'spend_logs'`;
    const results: CopyResult[] = [];
    for (const [target, table] of [
      ['unindexed table', 'spend_logs_unindexed'],
      [`spend_logs (its ${indexes!.n} indexes)`, 'spend_logs'],
    ] as const) {
      const started = performance.now();
      const writable = await sql`copy ${sql(table)} (${sql(COPY_COLUMNS)}) from stdin`.writable();
      await pipeline(Readable.from(chunks), writable);
      const seconds = (performance.now() - started) / 1000;
      const [count] = await sql<{ n: string }[]>`select count(*)::text as n from ${sql(table)}`;
      if (Number(count!.n) !== rows) throw new Error(`COPY into ${table} stored ${count!.n} of ${rows} rows`);
      results.push({ target, rows, seconds, rowsPerSecond: rows / seconds });
    }
    return results;
  } finally {
    await database.drop();
  }
}
