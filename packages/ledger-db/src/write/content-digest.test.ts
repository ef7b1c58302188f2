import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { eventDigest } from './content-digest.ts';

const base = {
  request_id: 'r-1',
  timestamp: '2026-11-28T10:00:00+01:00',
  api_key: 'k',
  model: 'm',
  spend: '0.5',
  tags: ['a', 'b'],
  metadata: { route: '/chat' },
};
const digestOf = (o: Record<string, unknown>) => eventDigest(SpendEventSchema.parse({ ...base, ...o }));

describe('eventDigest', () => {
  it('is the same for the same content however it was spelled (normalised first)', () => {
    const a = digestOf({});
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(digestOf({ spend: 0.5, timestamp: '2026-11-28T09:00:00Z' }), a);
    assert.equal(digestOf({ tags: ['b', 'a', 'a'] }), a, 'tag order and repeats mean nothing');
    assert.equal(digestOf({ metadata: { route: '/other' } }), a, 'metadata is not content');
  });

  it('differs when anything that is counted or attributed differs', () => {
    const a = digestOf({});
    for (const change of [
      { spend: '0.500000000001' },
      { api_key: 'k2' },
      { user_id: 'u' },
      { team_id: 't' },
      { model: 'm2' },
      { prompt_tokens: 1 },
      { cache_read_input_tokens: 1 },
      { status: 'failure' },
      { spend_source: 'price-map@1' },
      { timestamp: '2026-11-28T10:00:01+01:00' },
      { tags: ['a'] },
    ]) {
      assert.notEqual(digestOf(change), a, JSON.stringify(change));
    }
  });
});
