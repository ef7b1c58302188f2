import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import * as schema from './schema/index.ts';

/** Drizzle over postgres.js; `$client` is the raw client, for cursors (streamed exports). */
export type LedgerDb = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface LedgerDbHandle {
  db: LedgerDb;
  /** Ends the pool, waiting up to `timeoutSeconds` for running queries. */
  close(timeoutSeconds?: number): Promise<void>;
}

export interface LedgerDbOptions {
  /** Pool size. The writer needs one connection per concurrent batch; the query API more. */
  maxConnections?: number;
  /** Postgres application_name, visible in pg_stat_activity. */
  applicationName?: string;
  /** Server settings for every connection of the pool, e.g. `{ jit: 'off' }`. */
  settings?: Record<string, string>;
}

/** Opens a postgres.js pool wrapped in Drizzle. Nothing connects until the first query. */
export function createLedgerDb(url: string, options: LedgerDbOptions = {}): LedgerDbHandle {
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: { ...options.settings, application_name: options.applicationName ?? 'spend-ledger' },
    // numeric and bigint arrive as strings: money stays exact and nothing silently rounds.
    types: {},
  });
  const db = drizzle(client, { schema });
  return { db, close: (timeoutSeconds = 5) => client.end({ timeout: timeoutSeconds }) };
}

/** Cheap probe for readiness checks; true when the database answered. */
export async function pingLedgerDb(db: LedgerDb): Promise<boolean> {
  await db.execute('select 1');
  return true;
}
