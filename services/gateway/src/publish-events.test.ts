import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { partitionKey } from './publish-events.ts';

const event = (api_key: string, request_id: string) =>
  SpendEventSchema.parse({ request_id, api_key, timestamp: '2026-11-28T10:00:00Z', model: 'm', spend: '0' });

describe('partitionKey', () => {
  it('keys an event by its normalised api key', () => {
    const e = event('sk-secret-1234', 'r1');
    assert.equal(partitionKey(e), e.api_key);
    assert.match(partitionKey(e), /^[0-9a-f]{64}$/);
  });

  it('keys an event without a virtual key by its request_id, so keyless traffic spreads and retries collocate', () => {
    assert.equal(partitionKey(event('', 'r1')), 'request:r1');
    assert.notEqual(partitionKey(event('', 'r1')), partitionKey(event('', 'r2')));
  });
});
