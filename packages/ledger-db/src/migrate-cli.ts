import { createLedgerDb } from './client.ts';
import { ensureDatabase } from './ensure-database.ts';
import { migrateLedger } from './migrate.ts';

// One-shot migration step: `npm run db:migrate`. Reads DATABASE_URL only.
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/spend_ledger';
const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
await ensureDatabase(url);
const handle = createLedgerDb(url, { maxConnections: 1, applicationName: 'spend-ledger-migrate' });
try {
  await migrateLedger(handle.db);
  console.log(`migrations applied to ${redacted}`);
} finally {
  await handle.close();
}
