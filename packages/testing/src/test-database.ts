import {
  createLedgerDb,
  dropDatabase,
  ensureDatabase,
  type LedgerDb,
  migrateLedger,
} from '@spend-ledger/ledger-db';
import { uniqueSuffix } from './factories.ts';

export interface TestDatabase {
  url: string;
  db: LedgerDb;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** Base server URL for test databases; each test file gets its own database on it. */
export const TEST_DATABASE_SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh, migrated database of its own, so tests never share ledger rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = `${TEST_DATABASE_SERVER}/ledger_test_${uniqueSuffix()}`;
  await ensureDatabase(url);
  const handle = createLedgerDb(url, { maxConnections: 4, applicationName: 'spend-ledger-test' });
  await migrateLedger(handle.db);
  return {
    url,
    db: handle.db,
    drop: async () => {
      await handle.close();
      await dropDatabase(url);
    },
  };
}
