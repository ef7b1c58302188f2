import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, type SpendEvent, SpendEventSchema } from '@spend-ledger/contract';
import { MIGRATIONS_FOLDER, reconcileLedger, writeSpendBatch } from '@spend-ledger/ledger-db';
import {
  aSpendEvent,
  createTestDatabase,
  onRenamedDailySpend,
  type TestDatabase,
  unfoldFactRows,
} from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';

const MIGRATION = join(MIGRATIONS_FOLDER, '0009_hash_raw_api_keys.sql');

/**
 * Runs the migration's statements again: it is idempotent, so this is what applying it to old rows
 * does. Its daily_spend is the table that migration 0014 renamed daily_spend_by_entity.
 */
async function applyMigration(t: TestDatabase): Promise<void> {
  for (const statement of onRenamedDailySpend(readFileSync(MIGRATION, 'utf8')).split(
    '--> statement-breakpoint',
  )) {
    await t.db.execute(sql.raw(statement));
  }
}

/** An event as the writer stored it before issue 9: the api key kept as sent. */
const asStoredBefore = (overrides: Parameters<typeof aSpendEvent>[0]): SpendEvent => {
  const event = SpendEventSchema.parse(aSpendEvent(overrides));
  return { ...event, api_key: String(overrides?.api_key) };
};

describe('migration 0009: raw api keys already stored are hashed everywhere', () => {
  const RAW = ['sk-ab', 'team-alias', 'Bearer sk-live-abcdef123456', ` sk-padded-key `, 'A'.repeat(64)];
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
    // Old rows with raw keys, and rows already under the digest of one of them (written by the new
    // code): the migration must merge both into one key's figures.
    await writeSpendBatch(
      t.db,
      RAW.map((key, i) =>
        asStoredBefore({ api_key: key, team_id: 'mig-team', spend: String(i + 1), tags: ['x'] }),
      ),
    );
    await writeSpendBatch(t.db, [
      SpendEventSchema.parse(
        aSpendEvent({ api_key: 'team-alias', team_id: 'mig-team', spend: '10', tags: ['x'] }),
      ),
    ]);
    await t.db.execute(
      sql`insert into api_tokens (id, token_hash, name, scope_type, scope_id) values ('tok_mig', 'h', '', 'key', 'sk-ab')`,
    );
    await t.db.execute(sql`insert into request_id_conflicts (request_id, content_digest, api_key, event_timestamp)
      values ('r-mig', decode('00', 'hex'), 'team-alias', now())`);
    // The hourly rows as they were when 0009 ran: one per entity, no fact rows.
    await unfoldFactRows(t.db);
    await applyMigration(t);
  });
  after(async () => {
    await t?.drop();
  });

  it('leaves no raw key in any table', async () => {
    const rows = await t.db.execute<{ v: string }>(sql`
      select api_key as v from spend_logs union select api_key from daily_spend
      union select entity_id from daily_spend where entity_type = 'key'
      union select value from daily_rollup where dimension = 'key'
      union select entity_id from entity_totals where entity_type = 'key'
      union select scope_id from api_tokens where scope_type = 'key'
      union select api_key from request_id_conflicts`);
    const found = rows.map((r) => r.v).sort();
    assert.deepEqual(found, [...new Set(RAW.map(normalizeApiKey))].sort());
  });

  it('clears the content digest of rewritten rows (it covered the raw key), keeps the others', async () => {
    const rows = await t.db.execute<{ digest: boolean }>(
      sql`select content_digest is not null as digest from request_ids`,
    );
    assert.equal(rows.filter((r) => r.digest).length, 1, 'only the row written under the digest keeps one');
  });

  it('hashes the way the contract does, and merges a raw key with its digest', async () => {
    const totals = await t.db.execute<{ spend: string; n: string }>(sql`
      select spend::text as spend, api_requests::text as n from entity_totals
      where entity_type = 'key' and entity_id = ${normalizeApiKey('team-alias')}`);
    assert.deepEqual(totals[0], { spend: '12.000000000000', n: '2' });
    const fn = await t.db.execute<{ d: string }>(sql`select spend_ledger_key_digest(${RAW[2]}) as d`);
    assert.equal(fn[0]?.d, normalizeApiKey(RAW[2] as string));
  });

  it('keeps the ledger consistent: per-request rows, aggregates and totals agree', async () => {
    const report = await reconcileLedger(t.db);
    assert.deepEqual(report.differences, []);
    const team = await t.db.execute<{ spend: string }>(
      sql`select spend::text as spend from entity_totals where entity_type = 'team' and entity_id = 'mig-team'`,
    );
    assert.equal(team[0]?.spend, '25.000000000000');
  });

  it('is idempotent', async () => {
    const before = await t.db.execute(sql`select * from daily_spend order by 1, 2, 3, 4, 5, 6, 7`);
    await applyMigration(t);
    const again = await t.db.execute(sql`select * from daily_spend order by 1, 2, 3, 4, 5, 6, 7`);
    assert.deepEqual(again, before);
  });
});
