/**
 * What each spend_logs log-listing index costs the writer, before and after migration 0012, in one
 * run: COPY of the same sample (the writer bench's workload, request ids as it makes them) into an
 * empty copy of spend_logs carrying only that one index, each old/new pair back to back and the
 * whole list repeated, so the pairs share the machine's load.
 *
 *   flock /tmp/spend-ledger-bench.lock node --import tsx bench/query/index-cost.ts [--rows 100000] [--rounds 3]
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { COPY_COLUMNS, copyLine } from '../workload/copy-rows.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } },
});
const ROWS = Number(values.rows);
const ROUNDS = Number(values.rounds);

/** [name, before 0012, after 0012 (null: no index)]: the column lists of each index. */
const PAIRS: Array<[string, string | null, string | null]> = [
  ['time', '("timestamp", request_id)', '("timestamp")'],
  ['api key', '(api_key, "timestamp", request_id)', '(api_key, "timestamp")'],
  [
    'user',
    '(user_id, "timestamp", request_id) where user_id is not null',
    '(user_id, "timestamp") where user_id is not null',
  ],
  [
    'team',
    '(team_id, "timestamp", request_id) where team_id is not null',
    '(team_id, "timestamp") where team_id is not null',
  ],
  [
    'org',
    '(org_id, "timestamp", request_id) where org_id is not null',
    '(org_id, "timestamp") where org_id is not null',
  ],
  ['end user', null, '(end_user_id, "timestamp") where end_user_id is not null'],
];

const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents: ROWS });
const lines: string[] = [];
while (lines.length < ROWS) {
  const before = generator.stats.duplicates;
  const event = generator.next();
  if (generator.stats.duplicates === before) lines.push(copyLine(event));
}
const chunks: Buffer[] = [];
for (let i = 0; i < lines.length; i += 10_000)
  chunks.push(Buffer.from(`${lines.slice(i, i + 10_000).join('\n')}\n`));

const database = await createBenchDatabase('index_cost');
const { sql } = database;
try {
  /** Seconds to COPY the sample into a fresh table with `columns` indexed (null: none). */
  const copySeconds = async (columns: string | null): Promise<number> => {
    await sql.unsafe('create table probe (like spend_logs including defaults)');
    if (columns) await sql.unsafe(`create index on probe ${columns}`);
    const started = performance.now();
    const writable = await sql`copy probe (${sql([...COPY_COLUMNS])}) from stdin`.writable();
    await pipeline(Readable.from(chunks), writable);
    const seconds = (performance.now() - started) / 1000;
    await sql.unsafe('drop table probe');
    return seconds;
  };
  await copySeconds(null); // warm-up
  const none: number[] = [];
  const cost = new Map<string, { before: number[]; after: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    none.push(await copySeconds(null));
    for (const [name, before, after] of PAIRS) {
      const entry = cost.get(name) ?? { before: [], after: [] };
      entry.before.push(await copySeconds(before));
      entry.after.push(await copySeconds(after));
      cost.set(name, entry);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const base = median(none);
  const us = (seconds: number) => (((seconds - base) / ROWS) * 1e6).toFixed(1);
  console.log(
    `\n${ROWS.toLocaleString('en-US')} rows (the writer bench's workload) per COPY, median of ${ROUNDS} rounds; ` +
      `no index: ${Math.round(ROWS / base).toLocaleString('en-US')} rows/s. µs per row above the unindexed COPY:\n`,
  );
  console.log('| index | before 0012 (… , request_id) | after 0012 |\n| --- | ---: | ---: |');
  let sumBefore = 0;
  let sumAfter = 0;
  for (const [name, before] of PAIRS) {
    const entry = cost.get(name) as { before: number[]; after: number[] };
    const b = median(entry.before);
    const a = median(entry.after);
    if (before) sumBefore += b - base;
    sumAfter += a - base;
    console.log(`| ${name} | ${before ? us(b) : '(none)'} | ${us(a)} |`);
  }
  console.log(
    `| all of them | ${((sumBefore / ROWS) * 1e6).toFixed(1)} | ${((sumAfter / ROWS) * 1e6).toFixed(1)} |`,
  );
} finally {
  await database.drop();
}
