import { SpendEventSchema } from '@spend-ledger/contract';
import { aggregateSpend, createLedgerDb, writeSpendBatch } from '@spend-ledger/ledger-db';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { type StatementTimes, timedLedgerDb } from '../lib/timed-ledger-db.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

export interface PhaseResult {
  batchSize: number;
  batches: number;
  /** Events per second of the database transaction alone (writeSpendBatch). */
  writeEventsPerSecond: number;
  /** Mean milliseconds per batch in each phase. */
  ms: Record<string, number>;
  dailyRowsPerBatch: number;
  totalRowsPerBatch: number;
  eventsPerDailyRow: number;
}

/**
 * Where one writer batch spends its time, in this process with the real write path: decoding
 * (JSON.parse + the contract's zod schema), each statement of writeSpendBatch timed by its table,
 * and the rest of the transaction (dedupe, aggregation, JSON encoding, BEGIN/COMMIT). Each batch
 * size runs on a fresh database filled as the writer would fill it.
 */
export async function measureWriterPhases(
  suffix: string,
  batchSize: number,
  events: number,
): Promise<PhaseResult> {
  const database = await createBenchDatabase(`phases_${batchSize}_${suffix}`);
  const ledger = createLedgerDb(database.url, { maxConnections: 1, applicationName: 'spend-ledger-bench' });
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents: events });
  const times: StatementTimes = new Map();
  const db = timedLedgerDb(ledger.db, times);
  const sums = { decode: 0, aggregate: 0, write: 0, daily: 0, totals: 0 };
  let batches = 0;
  try {
    for (let done = 0; done < events; done += batchSize) {
      const values = generator
        .take(Math.min(batchSize, events - done))
        .map((e) => Buffer.from(JSON.stringify(e)));
      let t = performance.now();
      const decoded = values.map((v) => SpendEventSchema.parse(JSON.parse(v.toString('utf8'))));
      sums.decode += performance.now() - t;
      t = performance.now();
      aggregateSpend(decoded);
      sums.aggregate += performance.now() - t;
      t = performance.now();
      const result = await writeSpendBatch(db, decoded);
      sums.write += performance.now() - t;
      sums.daily += result.dailyRows;
      sums.totals += result.totalRows;
      batches += 1;
    }
    const statements = [...times.entries()];
    const inStatements = statements.reduce((n, [, ms]) => n + ms, 0);
    const per = (ms: number) => Math.round((ms / batches) * 10) / 10;
    return {
      batchSize,
      batches,
      writeEventsPerSecond: events / (sums.write / 1000),
      ms: {
        decode: per(sums.decode),
        ...Object.fromEntries(statements.map(([label, ms]) => [label, per(ms)])),
        'rest of tx': per(sums.write - inStatements),
        'of which aggregate': per(sums.aggregate),
        'write total': per(sums.write),
      },
      dailyRowsPerBatch: Math.round(sums.daily / batches),
      totalRowsPerBatch: Math.round(sums.totals / batches),
      eventsPerDailyRow: Math.round((events / sums.daily) * 100) / 100,
    };
  } finally {
    await ledger.close();
    await database.drop();
  }
}
