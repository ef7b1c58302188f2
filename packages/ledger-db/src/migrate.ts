import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { LedgerDb } from './client.ts';

/** The drizzle-kit output folder at the repository root. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Applies pending migrations. Run once per deploy (the `db:migrate` step), not from every replica. */
export async function migrateLedger(db: LedgerDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
