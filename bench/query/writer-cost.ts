/**
 * What the query side costs the writer: writeSpendBatch throughput and milliseconds per window on a
 * fresh database, with the query indexes on spend_logs and without them.
 *
 *   node --import tsx bench/query/writer-cost.ts [--events 200000] [--batch 5000]
 *
 * Not a substitute for bench/ (the writer's own suites); it isolates the statements this side added.
 */
import { parseArgs } from 'node:util';
import { type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import {
  createLedgerDb,
  dropDatabase,
  ensureDatabase,
  migrateLedger,
  writeSpendBatch,
} from '@spend-ledger/ledger-db';
import { sql } from 'drizzle-orm';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '200000' }, batch: { type: 'string', default: '5000' } },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const QUERY_INDEXES = [
  'spend_logs_time_idx',
  'spend_logs_api_key_time_idx',
  'spend_logs_user_time_idx',
  'spend_logs_team_time_idx',
  'spend_logs_org_time_idx',
  'spend_logs_tags_idx',
];

/** Deterministic events: skewed keys owned by users, teams and orgs; time moves 20,000 events/s. */
function* events(seed: number): Generator<SpendEvent> {
  let a = seed;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const start = Date.UTC(2026, 10, 28, 9, 30);
  for (let i = 0; ; i++) {
    const k = Math.floor(2000 * rnd() ** 2);
    const m = (k * 7 + Math.floor(rnd() * 3)) % 12;
    const r = rnd();
    yield SpendEventSchema.parse({
      request_id: `wc-${seed}-${i}`,
      timestamp: new Date(start + i / 20).toISOString(),
      api_key: `key-${k}`,
      user_id: `user-${k % 500}`,
      team_id: `team-${k % 50}`,
      org_id: `org-${k % 10}`,
      end_user_id: r < 0.3 ? `eu-${Math.floor(rnd() * 20_000)}` : null,
      tags: r < 0.5 ? [] : r < 0.85 ? [`tag-${k % 25}`] : [`tag-${k % 25}`, `env-${i % 3}`],
      model: `model-${m}`,
      provider: `provider-${m % 4}`,
      prompt_tokens: Math.floor(rnd() * 4000),
      completion_tokens: Math.floor(rnd() * 800),
      spend: (Math.floor(rnd() * 5e10) / 1e12).toFixed(12),
      status: rnd() < 0.02 ? 'failure' : 'success',
    });
  }
}

async function run(withQueryIndexes: boolean): Promise<void> {
  const url = `${SERVER}/ledger_bench_query_writer_${Date.now().toString(36)}`;
  await ensureDatabase(url);
  const handle = createLedgerDb(url, { maxConnections: 1, applicationName: 'spend-ledger-bench-query' });
  try {
    await migrateLedger(handle.db);
    if (!withQueryIndexes) {
      for (const name of QUERY_INDEXES) await handle.db.execute(sql.raw(`drop index if exists "${name}"`));
    }
    const db = handle.db;
    const source = events(7);
    const rows = { daily: 0, rollup: 0, totals: 0 };
    let ms = 0;
    let batches = 0;
    for (let done = 0; done < EVENTS; done += BATCH) {
      const batch = Array.from(
        { length: Math.min(BATCH, EVENTS - done) },
        () => source.next().value as SpendEvent,
      );
      const started = performance.now();
      const result = await writeSpendBatch(db, batch);
      ms += performance.now() - started;
      batches += 1;
      rows.daily += result.dailyRows;
      rows.rollup += (result as { rollupRows?: number }).rollupRows ?? 0;
      rows.totals += result.totalRows;
    }
    const per = (v: number) => (v / batches).toFixed(1);
    console.log(
      `query indexes ${withQueryIndexes ? 'on ' : 'off'}: ${Math.round(EVENTS / (ms / 1000))} events/s;` +
        ` ms per ${BATCH}-event batch (one statement): ${per(ms)}` +
        `; rows per batch: hourly ${per(rows.daily)}, rollup ${per(rows.rollup)}, totals ${per(rows.totals)}`,
    );
  } finally {
    await handle.close();
    await dropDatabase(url);
  }
}

await run(false);
await run(true);
