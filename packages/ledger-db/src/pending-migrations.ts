import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { LedgerDb } from './client.ts';
import { MIGRATIONS_FOLDER } from './migrate.ts';

/**
 * How many of the migrations shipped with this build the database has not applied yet (drizzle's
 * migrator applies every migration newer than the last one it recorded). A new release's writers
 * and query API wait for 0 before starting (`migrate-cli --wait`), so they never run against the
 * old schema while the release's migration Job is still running.
 */
export async function countPendingMigrations(db: LedgerDb, folder = MIGRATIONS_FOLDER): Promise<number> {
  const shipped = readMigrationFiles({ migrationsFolder: folder });
  // Two statements: Postgres resolves every table a statement names before running it, so the
  // max() cannot share a statement with the test for the table's existence.
  const [table] = await db.execute<{ exists: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`,
  );
  let lastApplied = -1;
  if (table?.exists) {
    const [row] = await db.execute<{ applied: string | null }>(
      sql`select max(created_at)::text as applied from drizzle.__drizzle_migrations`,
    );
    if (row?.applied != null) lastApplied = Number(row.applied);
  }
  return shipped.filter((m) => m.folderMillis > lastApplied).length;
}
