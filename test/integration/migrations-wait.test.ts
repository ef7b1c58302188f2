import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  countPendingMigrations,
  createLedgerDb,
  dropDatabase,
  ensureDatabase,
  MIGRATIONS_FOLDER,
  migrateLedger,
} from '@spend-ledger/ledger-db';
import { TEST_DATABASE_SERVER, uniqueSuffix } from '@spend-ledger/testing';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const shipped = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

/** What a new release's init container waits for: every migration of its build applied. */
describe('pending migrations', () => {
  const url = `${TEST_DATABASE_SERVER}/ledger_test_${uniqueSuffix()}`;
  after(() => dropDatabase(url));

  it('counts every shipped migration on an empty database and none once migrated', async () => {
    await ensureDatabase(url);
    const handle = createLedgerDb(url, { maxConnections: 1 });
    try {
      assert.ok(shipped > 0);
      assert.equal(await countPendingMigrations(handle.db), shipped);
      await migrateLedger(handle.db);
      assert.equal(await countPendingMigrations(handle.db), 0);
    } finally {
      await handle.close();
    }
  });

  it('the compiled migrate command with --wait returns once the schema is current', async () => {
    // npm test builds first; this runs the bundle exactly as the init container does.
    const { stdout } = await run(process.execPath, ['packages/ledger-db/dist/migrate-cli.js', '--wait'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      timeout: 30_000,
    });
    assert.match(stdout, /up to date/);
  });
});
