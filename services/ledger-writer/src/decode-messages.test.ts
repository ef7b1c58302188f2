import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from '@spend-ledger/kafka';
import { aSpendEvent } from '@spend-ledger/testing';
import { decodeMessages } from './decode-messages.ts';

const message = (value: unknown, offset: string): KafkaMessage =>
  ({ value: Buffer.from(JSON.stringify(value)), offset, key: null, headers: {} }) as unknown as KafkaMessage;

describe('decodeMessages with MAX_EVENT_AGE_DAYS', () => {
  it('dead-letters an event older than the bound with a reason that says so, keeps the rest', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const oldest = { ms: now - 30 * 86_400_000, days: 30 };
    const { events, poison } = decodeMessages(
      [
        message(aSpendEvent({ timestamp: '2026-11-01T12:00:00Z' }), '1'), // exactly 30 days: kept
        message(aSpendEvent({ timestamp: '2026-11-01T11:59:59Z' }), '2'),
        message(aSpendEvent({ timestamp: '2026-12-01T11:00:00Z' }), '3'),
      ],
      oldest,
    );
    assert.equal(events.length, 2);
    assert.equal(poison.length, 1);
    assert.equal(poison[0]?.message.offset, '2');
    assert.match(poison[0]?.reason ?? '', /too old.*MAX_EVENT_AGE_DAYS \(30\)/);
  });

  it('bounds nothing without the setting', () => {
    const { events } = decodeMessages([message(aSpendEvent({ timestamp: '2001-01-01T00:00:00Z' }), '1')]);
    assert.equal(events.length, 1);
  });
});
