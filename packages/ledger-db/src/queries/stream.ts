import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { LedgerDb } from '../client.ts';

const dialect = new PgDialect();

/**
 * Runs a statement through a postgres.js cursor and yields its rows `batchSize` at a time, so an
 * export of any size holds one batch in memory. Breaking out of the loop closes the cursor.
 */
export async function* streamRows<T extends Record<string, unknown>>(
  db: LedgerDb,
  statement: SQL,
  batchSize = 500,
): AsyncGenerator<T[]> {
  const query = dialect.sqlToQuery(statement);
  const cursor = db.$client.unsafe(query.sql, query.params as never[]).cursor(batchSize);
  for await (const rows of cursor) yield rows as unknown as T[];
}
