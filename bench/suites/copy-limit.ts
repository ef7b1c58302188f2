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
function buildChunks(events: number): { chunks: Buffer[]; rows: number; days: string[] } {
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents: events });
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  const days = new Set<string>();
  for (let i = 0; i < events; i++) {
    const before = generator.stats.duplicates;
    const event = generator.next();
    if (generator.stats.duplicates !== before) continue;
    lines.push(copyLine(event));
    days.add(new Date(event.timestamp).toISOString().slice(0, 10));
    if (lines.length === ROWS_PER_CHUNK) {
      chunks.push(Buffer.from(`${lines.join('\n')}\n`));
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(`${lines.join('\n')}\n`));
  return { chunks, rows: generator.stats.unique, days: [...days] };
}

/**
 * The physical limit of the per-request write: COPY of the same rows into an unindexed copy of
 * spend_logs, and for contrast into spend_logs itself with all its indexes — what index maintenance
 * alone costs. Text is prepared before the clock starts.
 */
export async function measureCopyLimit(
  suffix: string,
  events: number,
  perIndexRows: number,
): Promise<{ totals: CopyResult[]; perIndex: CopyResult[] }> {
  const { chunks, rows, days } = buildChunks(events);
  const database = await createBenchDatabase(`copy_${suffix}`);
  try {
    const { sql } = database;
    // spend_logs is partitioned by UTC day (migration 0007): the writer makes partitions; COPY cannot.
    await sql`select spend_ledger_ensure_spend_logs_partition(d::date) from unnest(${days}::text[]) d`;
    const copy = async (target: string, table: string, data: Buffer[], expected: number) => {
      const started = performance.now();
      const writable = await sql`copy ${sql(table)} (${sql([...COPY_COLUMNS])}) from stdin`.writable();
      await pipeline(Readable.from(data), writable);
      const seconds = (performance.now() - started) / 1000;
      const [count] = await sql<{ n: string }[]>`select count(*)::text as n from ${sql(table)}`;
      if (Number(count!.n) !== expected)
        throw new Error(`COPY into ${table} stored ${count!.n} of ${expected}`);
      return { target, rows: expected, seconds, rowsPerSecond: expected / seconds };
    };
    const indexes = await sql<{ name: string; def: string }[]>`
      select indexname as name, indexdef as def from pg_indexes where tablename = 'spend_logs' order by indexname`;
    await sql`create table spend_logs_unindexed (like spend_logs including defaults)`;
    const totals = [
      await copy('unindexed table', 'spend_logs_unindexed', chunks, rows),
      await copy(`spend_logs (its ${indexes.length} indexes)`, 'spend_logs', chunks, rows),
    ];
    // What each index costs alone: the same sample into an empty table with only that index.
    const sample = chunks.slice(0, Math.max(1, Math.round(perIndexRows / ROWS_PER_CHUNK)));
    const sampleRows = sample.reduce((n, c) => n + c.toString('utf8').split('\n').length - 1, 0);
    const perIndex: CopyResult[] = [];
    // The first '(none)' warms the server up and is not kept.
    for (const [i, index] of [
      { name: '(none)', def: '' },
      { name: '(none)', def: '' },
      ...indexes,
    ].entries()) {
      const table = `copy_probe_${i}`;
      await sql.unsafe(`create table ${table} (like spend_logs including defaults)`);
      if (index.def) {
        await sql.unsafe(index.def.replace(/INDEX \S+ ON (ONLY )?\S+/, `INDEX ON ${table}`));
      }
      const result = await copy(index.name, table, sample, sampleRows);
      if (i > 0) perIndex.push(result);
      await sql.unsafe(`drop table ${table}`);
    }
    return { totals, perIndex };
  } finally {
    await database.drop();
  }
}
