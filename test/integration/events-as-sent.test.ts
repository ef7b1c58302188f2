import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeRecord, normalizeApiKey } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';
import { readRecords } from './support/read-records.ts';

const DIGEST = 'b'.repeat(64);

describe('events travel as they were sent when already in normal form', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 1 });
  });
  after(async () => {
    await p?.stop();
  });

  it('forwards a normal event byte for byte, and re-serialises one the contract had to change', async () => {
    // Odd spacing and field order: bytes JSON.stringify would never write.
    const normal = `{ "spend" : "0.000123000000",\n "request_id":"as-sent-1", "timestamp":"2026-11-28T12:00:00.000Z", "api_key":"${DIGEST}", "model":"gpt-4o-mini", "tags":["a","b"] }`;
    const changed = aSpendEvent({
      request_id: 'as-sent-2',
      api_key: 'sk-live-abcdef0123456789',
      metadata: { authorization: 'Bearer abcdefghijklmnop', route: '/x' },
      user_email: 'someone@example.com',
    } as Record<string, unknown>);
    const res = await p.post(`[ ${normal} ,\t${JSON.stringify(changed)} ]`);
    assert.equal(res.status, 202);

    const [read] = await readRecords(p.kafka, p.topic, 1);
    const record = read?.message;
    assert.ok(record?.value);
    const text = record.value.toString();
    assert.ok(text.includes(normal), `the normal event's bytes travel unchanged: ${text.slice(0, 300)}`);
    assert.ok(!text.includes('sk-live'), 'a raw key never reaches the topic');
    assert.ok(!text.includes('abcdefghijklmnop'), 'a secret in metadata never reaches the topic');
    assert.ok(!text.includes('someone@example.com'), 'an unknown field never reaches the topic');

    const decoded = decodeRecord(record.headers?.['contract-version']?.toString(), text);
    assert.ok(decoded.ok);
    const values = decoded.items.map((i) => i.value as Record<string, unknown>);
    assert.deepEqual(
      values.map((v) => [v.request_id, v.api_key]),
      [
        ['as-sent-1', DIGEST],
        ['as-sent-2', normalizeApiKey('sk-live-abcdef0123456789')],
      ],
    );

    // The writer books both from the record.
    await p.waitForLagZero();
    const rows = await p.database.db.execute<{ request_id: string; spend: string }>(
      sql`select request_id, spend::text as spend from spend_logs where request_id like 'as-sent-%' order by request_id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.request_id, r.spend]),
      [
        ['as-sent-1', '0.000123000000'],
        ['as-sent-2', '0.000123000000'],
      ],
    );
  });
});
