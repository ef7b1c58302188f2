import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnConfigError, parseConfig } from '@spend-ledger/platform';
import { createLedgerDb, poolOptions } from './client.ts';
import { DatabaseEnvSchema } from './connection-settings.ts';
import { ensureDatabase } from './ensure-database.ts';
import { migrateLedger } from './migrate.ts';
import { countPendingMigrations } from './pending-migrations.ts';

// One-shot migration step: `npm run db:migrate` (node packages/ledger-db/dist/migrate-cli.js).
// Reads DATABASE_URL and the DB_* settings (TLS, timeouts, IAM). With --wait it applies nothing: it waits until the database has every
// migration of this build (the init container of the writers and the query API in Kubernetes).
const connection = exitOnConfigError('migrate', () => parseConfig(DatabaseEnvSchema, process.env));
const url = connection.url;
const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function waitForMigrations(): Promise<void> {
  let reported = '';
  for (;;) {
    const handle = createLedgerDb(url, {
      ...poolOptions(connection),
      applicationName: 'spend-ledger-migrate-wait',
    });
    let state: string;
    try {
      const pending = await countPendingMigrations(handle.db);
      if (pending === 0) {
        console.log(`schema of ${redacted} is up to date`);
        return;
      }
      state = `${pending} migration(s) not applied yet; waiting for the migration job`;
    } catch (error) {
      // Drizzle wraps the driver's error (whose message names the real cause) in `cause`.
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : error;
      state = `database not reachable (${(cause as Error).message}); waiting`;
    } finally {
      await handle.close();
    }
    if (state !== reported) console.log(state);
    reported = state;
    await sleep(2_000);
  }
}

if (process.argv.includes('--wait')) {
  await waitForMigrations();
} else {
  await ensureDatabase(url, poolOptions(connection));
  const handle = createLedgerDb(url, { ...poolOptions(connection), applicationName: 'spend-ledger-migrate' });
  try {
    await migrateLedger(handle.db);
    console.log(`migrations applied to ${redacted}`);
  } finally {
    await handle.close();
  }
}
