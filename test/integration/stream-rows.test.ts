import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLedgerDb, type LedgerDbHandle, streamRows } from '@spend-ledger/ledger-db';
import { createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

/**
 * A cursor's statement runs until its last row is fetched, so the pool's statement_timeout (short,
 * for requests) would cut an export whose client reads slowly. The pauses below stand for the client
 * (back-pressure), not for a condition: they are what is under test.
 */
describe('streamRows: an export has its own statement timeout', () => {
  let t: TestDatabase;
  let pool: LedgerDbHandle;
  before(async () => {
    t = await createTestDatabase();
    pool = createLedgerDb(t.url, { maxConnections: 1, settings: { statement_timeout: '300' } });
  });
  after(async () => {
    await pool?.close();
    await t?.drop();
  });

  const readSlowly = async (batches: AsyncGenerator<Record<string, unknown>[]>) => {
    let rows = 0;
    for await (const batch of batches) {
      rows += batch.length;
      await sleep(150);
    }
    return rows;
  };
  const statement = sql`select g from generate_series(1, 2000) g`;

  it('is cut by the pool timeout without one (what it guards against)', async () => {
    await assert.rejects(readSlowly(streamRows(pool.db, statement, 250)), /statement timeout/);
  });

  it('finishes a slow export within its own timeout, and leaves the pool timeout as it was', async () => {
    assert.equal(await readSlowly(streamRows(pool.db, statement, 250, { statementTimeoutMs: 10_000 })), 2000);
    const [row] = await pool.db.execute<{ statement_timeout: string }>(sql`show statement_timeout`);
    assert.equal(row?.statement_timeout, '300ms');
  });

  it('still cancels an export past its own timeout', async () => {
    await assert.rejects(
      readSlowly(streamRows(pool.db, statement, 250, { statementTimeoutMs: 400 })),
      /statement timeout/,
    );
    const [row] = await pool.db.execute<{ statement_timeout: string }>(sql`show statement_timeout`);
    assert.equal(row?.statement_timeout, '300ms');
  });
});
