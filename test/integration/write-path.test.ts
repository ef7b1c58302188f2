import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, SpendEventSchema } from '@spend-ledger/contract';
import { getEntityTotals, getSpendLog, writeSpendBatch } from '@spend-ledger/ledger-db';
import { aSpendEvent, createTestDatabase, type TestDatabase } from '@spend-ledger/testing';

describe('writeSpendBatch', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  it('stores any text the contract accepts, byte for byte', async () => {
    const nasty = [
      '{a,"b"}',
      'back\\slash',
      "it's",
      'comma,separated',
      'emoji 🚀',
      'ünïcødé',
      'NULL',
      ' ',
      'x'.repeat(128),
    ];
    const event = SpendEventSchema.parse(
      aSpendEvent({
        request_id: `r-${nasty[0]}-${Math.random()}`,
        api_key: nasty[1],
        user_id: nasty[2],
        team_id: nasty[3],
        org_id: nasty[4],
        end_user_id: nasty[5],
        tags: nasty,
        model: nasty[6],
        provider: nasty[7],
        metadata: { 'key with "quotes"': ['\\', { deep: 'ü🚀' }], n: 1.5e300 },
      }),
    );
    const result = await writeSpendBatch(t.db, [event]);
    assert.equal(result.written, 1);
    const stored = await getSpendLog(t.db, event.request_id);
    assert.deepEqual(
      {
        ...stored,
        ingested_at: undefined,
      },
      { ...event, ingested_at: undefined },
    );
    for (const tag of nasty) {
      assert.equal((await getEntityTotals(t.db, { entityType: 'tag', entityId: tag })).api_requests, 1, tag);
    }
  });

  it('counts a redelivered batch once and reports the duplicates', async () => {
    const events = [aSpendEvent({ api_key: 'redelivered' }), aSpendEvent({ api_key: 'redelivered' })].map(
      (e) => SpendEventSchema.parse(e),
    );
    const first = await writeSpendBatch(t.db, events);
    const again = await writeSpendBatch(t.db, [...events, ...events]);
    assert.deepEqual([first.written, first.duplicates], [2, 0]);
    assert.deepEqual([again.written, again.duplicates, again.dailyRows], [0, 4, 0]);
    assert.equal(
      (await getEntityTotals(t.db, { entityType: 'key', entityId: normalizeApiKey('redelivered') }))
        .api_requests,
      2,
    );
  });

  it('writes only the new events of a partly redelivered batch, exactly once', async () => {
    const old = [1, 2, 3].map(() =>
      SpendEventSchema.parse(aSpendEvent({ api_key: 'partly', spend: '0.100000000001' })),
    );
    const fresh = [1, 2].map(() => SpendEventSchema.parse(aSpendEvent({ api_key: 'partly', spend: '0.2' })));
    await writeSpendBatch(t.db, old);
    const mixed = await writeSpendBatch(t.db, [...fresh, ...old, fresh[0] as (typeof fresh)[0]]);
    assert.deepEqual([mixed.received, mixed.written, mixed.duplicates], [6, 2, 4]);
    assert.ok(mixed.factRows > 0, 'aggregates of the new events were written');
    const totals = await getEntityTotals(t.db, { entityType: 'key', entityId: normalizeApiKey('partly') });
    assert.equal(totals.api_requests, 5);
    assert.equal(totals.spend, '0.700000000003');
  });
});
