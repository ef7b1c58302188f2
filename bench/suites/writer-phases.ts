import { CONTRACT_VERSION } from '@spend-ledger/contract';
import {
  createLedgerDb,
  prepareSpendBatch,
  RecentRequestIds,
  writePreparedBatch,
} from '@spend-ledger/ledger-db';
// The writer's own decoder (fast path for normal events, zod for the rest), as it runs in the service.
import { decodeMessages } from '../../services/ledger-writer/src/decode-messages.ts';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { explainWrite } from '../lib/explain-write.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

export interface PhaseResult {
  batchSize: number;
  batches: number;
  /** Events per second of the database statement alone (writePreparedBatch). */
  writeEventsPerSecond: number;
  /** Mean milliseconds per batch in each phase. */
  ms: Record<string, number>;
  /** Milliseconds per table in the statement of the last batch, from EXPLAIN ANALYZE. */
  explained: Record<string, number>;
  dailyRowsPerBatch: number;
  totalRowsPerBatch: number;
  eventsPerDailyRow: number;
}

/**
 * Where one writer batch spends its time, in this process with the real write path: decoding
 * (JSON.parse, then the writer's decoder: normal events without zod, the rest with it), preparing (dedupe, aggregation, JSON encoding; the writer
 * overlaps it with the previous window's write) and the one ledger statement. Each batch size runs
 * on a fresh database filled as the writer would fill it.
 */
export async function measureWriterPhases(
  suffix: string,
  batchSize: number,
  events: number,
): Promise<PhaseResult> {
  const database = await createBenchDatabase(`phases_${batchSize}_${suffix}`);
  const ledger = createLedgerDb(database.url, { maxConnections: 1, applicationName: 'spend-ledger-bench' });
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents: events });
  const sums = { decode: 0, prepare: 0, write: 0, daily: 0, totals: 0 };
  let batches = 0;
  let explained: Record<string, number> = {};
  let written = 0;
  // As in the writer: retried copies of recent events are dropped before the window is prepared.
  const recent = new RecentRequestIds(200_000);
  try {
    for (let done = 0; done < events; done += batchSize) {
      const values = generator.take(Math.min(batchSize, events - done)).map((e, i) => ({
        key: null,
        value: Buffer.from(JSON.stringify(e)),
        headers: { 'contract-version': CONTRACT_VERSION },
        offset: String(done + i),
        timestamp: '0',
        attributes: 0,
      }));
      let t = performance.now();
      const decoded = decodeMessages(values).events;
      sums.decode += performance.now() - t;
      t = performance.now();
      const prepared = prepareSpendBatch(recent.keepUnseen(decoded));
      sums.prepare += performance.now() - t;
      if (done + batchSize >= events) {
        // The last batch is written under EXPLAIN ANALYZE instead, for the split by table.
        explained = await explainWrite(ledger.db, prepared);
        continue;
      }
      t = performance.now();
      const result = await writePreparedBatch(ledger.db, prepared);
      sums.write += performance.now() - t;
      written += decoded.length;
      sums.daily += result.dailyRows;
      sums.totals += result.totalRows;
      batches += 1;
    }
    const all = batches + 1;
    const per = (ms: number, n: number) => Math.round((ms / n) * 10) / 10;
    return {
      batchSize,
      batches,
      writeEventsPerSecond: written / (sums.write / 1000),
      ms: {
        decode: per(sums.decode, all),
        prepare: per(sums.prepare, all),
        statement: per(sums.write, batches),
      },
      explained: Object.fromEntries(Object.entries(explained).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      dailyRowsPerBatch: Math.round(sums.daily / batches),
      totalRowsPerBatch: Math.round(sums.totals / batches),
      eventsPerDailyRow: Math.round((written / sums.daily) * 100) / 100,
    };
  } finally {
    await ledger.close();
    await database.drop();
  }
}
