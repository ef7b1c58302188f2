import { createLedgerDb, dropDatabase, ensureDatabase, migrateLedger } from '@spend-ledger/ledger-db';
import postgres from 'postgres';

/** Server the bench creates its databases on; each measurement gets a database of its own. */
export const BENCH_DATABASE_SERVER =
  process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export interface BenchDatabase {
  name: string;
  url: string;
  /** A small pool for the bench's own queries (verification, COPY, the naive baseline). */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/**
 * Creates `ledger_bench_<suffix>` and applies the ledger's migrations (unless `migrate` is false);
 * drop() removes it (unless BENCH_KEEP_DATABASES=1).
 */
export async function createBenchDatabase(suffix: string, { migrate = true } = {}): Promise<BenchDatabase> {
  const name = `ledger_bench_${suffix}`;
  const url = `${BENCH_DATABASE_SERVER}/${name}`;
  await ensureDatabase(url);
  if (migrate) {
    const ledger = createLedgerDb(url, { maxConnections: 1, applicationName: 'spend-ledger-bench' });
    await migrateLedger(ledger.db);
    await ledger.close();
  }
  const sql = postgres(url, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'spend-ledger-bench' },
  });
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      if (process.env.BENCH_KEEP_DATABASES !== '1') await dropDatabase(url);
    },
  };
}
