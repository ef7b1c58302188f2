import { exitOnConfigError, parseConfig } from '@spend-ledger/platform';
import { createLedgerDb, poolOptions } from './client.ts';
import { DatabaseEnvSchema } from './connection-settings.ts';
import { ensureDatabase } from './ensure-database.ts';
import { migrateLedger } from './migrate.ts';

// One-shot migration step: `npm run db:migrate`. Reads DATABASE_URL and the DB_* settings (TLS, IAM).
const connection = exitOnConfigError('migrate', () => parseConfig(DatabaseEnvSchema, process.env));
const url = connection.url;
const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
await ensureDatabase(url, poolOptions(connection));
const handle = createLedgerDb(url, { ...poolOptions(connection), applicationName: 'spend-ledger-migrate' });
try {
  await migrateLedger(handle.db);
  console.log(`migrations applied to ${redacted}`);
} finally {
  await handle.close();
}
