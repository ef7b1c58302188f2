import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseSpendEventBatch, SpendEventSchema, spendDay } from './spend-event.ts';

const valid = {
  request_id: 'req-1',
  timestamp: '2026-11-28T23:30:00-05:00',
  api_key: 'hashed-key-1',
  model: 'gpt-4o',
  spend: '0.0125',
};

describe('SpendEventSchema', () => {
  it('normalises spend, timestamps, ids and tags', () => {
    const event = SpendEventSchema.parse({ ...valid, user_id: '', tags: ['a', 'b', 'a'], prompt_tokens: 10 });
    assert.equal(event.spend, '0.012500000000');
    assert.equal(event.timestamp, '2026-11-29T04:30:00.000Z');
    assert.equal(spendDay(event), '2026-11-29');
    assert.equal(event.user_id, null);
    assert.deepEqual(event.tags, ['a', 'b']);
    assert.equal(event.status, 'success');
    assert.equal(event.completion_tokens, 0);
  });

  it('stores a raw-looking api key only as its SHA-256', () => {
    const event = SpendEventSchema.parse({ ...valid, api_key: 'sk-live-abcdef123456' });
    assert.equal(event.api_key, createHash('sha256').update('sk-live-abcdef123456').digest('hex'));
  });

  it('stores no api key raw, whatever its spelling, and redacts secrets in metadata', () => {
    for (const raw of [
      'sk-ab',
      'sk-x.secretstuff',
      'Bearer sk-live-abcdef123456',
      ' sk-live-abc ',
      'alias-1',
    ]) {
      const event = SpendEventSchema.parse({ ...valid, api_key: raw });
      assert.equal(event.api_key, createHash('sha256').update(raw).digest('hex'), raw);
    }
    const event = SpendEventSchema.parse({
      ...valid,
      metadata: {
        headers: { authorization: 'Bearer sk-live-abcdef123456' },
        note: 'key sk-live-abcdef123456',
      },
    });
    assert.deepEqual(event.metadata, { headers: { authorization: '[redacted]' }, note: 'key [redacted]' });
  });

  it('is idempotent: parsing a normalised event returns it unchanged', () => {
    const once = SpendEventSchema.parse({ ...valid, api_key: 'sk-abcdefgh', metadata: { a: 1 } });
    assert.deepEqual(SpendEventSchema.parse(once), once);
  });

  it('accepts an empty api_key: a request made without a virtual key', () => {
    const event = SpendEventSchema.parse({ ...valid, api_key: '' });
    assert.equal(event.api_key, '');
    assert.equal(SpendEventSchema.safeParse({ ...valid, api_key: undefined }).success, false);
  });

  it('drops unknown fields', () => {
    const event = SpendEventSchema.parse({ ...valid, cache_hit: true });
    assert.equal('cache_hit' in event, false);
  });
});

describe('parseSpendEventBatch', () => {
  it('names the index and field of every bad event and returns no events', () => {
    const result = parseSpendEventBatch([
      valid,
      { ...valid, spend: '-1' },
      { ...valid, timestamp: '2026-11-28 10:00' },
      { ...valid, request_id: undefined, tags: Array(65).fill('t') },
    ]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const fields = result.issues.map((i) => `${i.index}:${i.field}`);
    assert.deepEqual(fields.sort(), ['1:spend', '2:timestamp', '3:request_id', '3:tags'].sort());
    assert.match(result.issues.find((i) => i.field === 'spend')?.message ?? '', /negative/);
  });

  it('refuses dates Postgres cannot store or no sender means', () => {
    const result = parseSpendEventBatch([
      { ...valid, timestamp: '0000-01-01T00:00:00Z' },
      { ...valid, end_time: '1999-12-31T23:59:59Z' },
      { ...valid, timestamp: '2200-01-01T00:00:00Z' },
    ]);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.deepEqual(
        result.issues.map((i) => `${i.index}:${i.field}`),
        ['0:timestamp', '1:end_time', '2:timestamp'],
      );
    }
  });

  it('accepts a valid batch', () => {
    const result = parseSpendEventBatch([valid, { ...valid, request_id: 'req-2', spend: 0.5 }]);
    assert.ok(result.ok);
    if (result.ok)
      assert.deepEqual(
        result.events.map((e) => e.spend),
        ['0.012500000000', '0.500000000000'],
      );
  });

  it('rejects a non-object item with a clear message', () => {
    const result = parseSpendEventBatch([42]);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.issues[0]?.field, '(event)');
  });
});
