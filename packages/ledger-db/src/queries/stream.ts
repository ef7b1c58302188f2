import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { LedgerDb } from '../client.ts';

const dialect = new PgDialect();

export interface StreamOptions {
  /**
   * statement_timeout for this statement alone. A cursor's statement runs until its last row is
   * fetched, client pauses included, so the pool's timeout (sized for one request) would cut an
   * export that a slow client reads; an export gets its own, longer bound.
   */
  statementTimeoutMs?: number;
}

/**
 * Runs a statement through a postgres.js cursor and yields its rows `batchSize` at a time, so an
 * export of any size holds one batch in memory. Breaking out of the loop closes the cursor.
 */
export async function* streamRows<T extends Record<string, unknown>>(
  db: LedgerDb,
  statement: SQL,
  batchSize = 500,
  options: StreamOptions = {},
): AsyncGenerator<T[]> {
  const query = dialect.sqlToQuery(statement);
  const params = query.params as never[];
  if (options.statementTimeoutMs === undefined) {
    for await (const rows of db.$client.unsafe(query.sql, params).cursor(batchSize))
      yield rows as unknown as T[];
    return;
  }
  // One connection for the setting, the cursor and the reset, given back to the pool as it was.
  const connection = await db.$client.reserve();
  try {
    await connection.unsafe(`set statement_timeout = ${Math.floor(options.statementTimeoutMs)}`);
    for await (const rows of connection.unsafe(query.sql, params).cursor(batchSize))
      yield rows as unknown as T[];
  } finally {
    try {
      await connection.unsafe('reset statement_timeout');
    } finally {
      connection.release();
    }
  }
}
