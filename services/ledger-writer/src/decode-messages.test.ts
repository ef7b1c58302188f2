import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from '@spend-ledger/kafka';
import { decodeMessages } from './decode-messages.ts';

const anEvent = (userId: string) => ({
  request_id: 'req-1',
  timestamp: '2026-11-28T12:00:00.000Z',
  api_key: 'k',
  user_id: userId,
  model: 'm',
  spend: '0.1',
});

const message = (value: Buffer | string, offset = '0'): KafkaMessage => ({
  key: null,
  value: Buffer.isBuffer(value) ? value : Buffer.from(value),
  timestamp: '0',
  attributes: 0,
  offset,
  headers: {},
});

describe('decodeMessages', () => {
  it('dead-letters text that is not JSON without copying it into the reason (logged and a header)', () => {
    const { poison } = decodeMessages([
      message('sk-live-topic-secret-0001 is not json'),
      message('{"a":1,}'),
    ]);
    assert.equal(poison.length, 2);
    for (const p of poison) {
      assert.match(p.reason, /^not JSON/);
      assert.equal(p.reason.includes('sk-live'), false, p.reason);
    }
    assert.match(poison[1]?.reason ?? '', /position 7/);
  });

  it('dead-letters a value that is not valid UTF-8 instead of reading U+FFFD into the ledger', () => {
    const json = Buffer.from(JSON.stringify(anEvent('XX')));
    json[json.indexOf('XX')] = 0xff;
    const { events, poison } = decodeMessages([message(json)]);
    assert.equal(events.length, 0);
    assert.match(poison[0]?.reason ?? '', /UTF-8/);
  });

  it('decodes valid events', () => {
    const { events, poison } = decodeMessages([message(JSON.stringify(anEvent('u')))]);
    assert.deepEqual([events.length, poison.length], [1, 0]);
  });
});
