import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { LedgerConnection, WriteTimeoutError } from '../../services/ledger-writer/src/ledger-connection.ts';

describe("the writer's replaceable pool", () => {
  let t: TestDatabase;
  let ledger: LedgerConnection;
  before(async () => {
    t = await createTestDatabase();
    ledger = new LedgerConnection(t.url, { maxConnections: 1, applicationName: 'ledger-connection-test' });
  });
  after(async () => {
    await ledger.close();
    await t.drop();
  });

  it('abandons a write past its deadline and serves the next one from a new pool', async () => {
    const before = ledger.db;
    await assert.rejects(
      ledger.withDeadline(200, (db) => db.execute(sql`select pg_sleep(3)`)),
      WriteTimeoutError,
    );
    assert.notEqual(ledger.db, before, 'the pool was replaced');
    // With one connection per pool, this would queue behind the sleeping query on the old pool.
    const rows = await ledger.withDeadline(2_000, (db) => db.execute<{ one: number }>(sql`select 1 as one`));
    assert.equal(rows[0]?.one, 1);
  });

  it('passes results and errors of work that settles in time through unchanged', async () => {
    const before = ledger.db;
    await assert.rejects(
      ledger.withDeadline(2_000, (db) => db.execute(sql`select 1/0`)),
      (e: Error) => !(e instanceof WriteTimeoutError),
    );
    assert.equal(ledger.db, before, 'the pool was kept');
  });
});
