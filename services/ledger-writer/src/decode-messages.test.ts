import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEnvelope, SpendEventSchema } from '@spend-ledger/contract';
import type { KafkaMessage } from '@spend-ledger/kafka';
import { toDeadLetters } from './dead-letter.ts';
import { decodeMessages } from './decode-messages.ts';

const record = (value: string | null, version?: string, offset = '7'): KafkaMessage => ({
  key: Buffer.from('k'),
  value: value === null ? null : Buffer.from(value),
  headers: version === undefined ? {} : { 'contract-version': Buffer.from(version) },
  offset,
  timestamp: '0',
  attributes: 0,
});

let n = 0;
const normal = (timestamp = '2026-11-28T10:00:00Z') =>
  SpendEventSchema.parse({
    request_id: `decode-${++n}`,
    timestamp,
    api_key: 'alias-1',
    model: 'gpt-4o',
    spend: `0.${n}`,
  });

describe('decodeMessages', () => {
  it('reads v1 records with or without the version header', () => {
    const a = normal();
    const b = normal();
    const { events, poison } = decodeMessages([record(JSON.stringify(a), '1'), record(JSON.stringify(b))]);
    assert.deepEqual(events, [a, b]);
    assert.equal(poison.length, 0);
  });

  it('reads every event of a v2 envelope', () => {
    const batch = [normal(), normal(), normal()];
    const { events, poison } = decodeMessages([
      record(encodeEnvelope(batch.map((e) => JSON.stringify(e))), '2'),
    ]);
    assert.deepEqual(events, batch);
    assert.equal(poison.length, 0);
  });

  it('makes a bad event of an envelope poison on its own, with its index, and keeps the others', () => {
    const good = [normal(), normal()];
    const bad = { ...normal(), spend: 'lots' };
    const value = encodeEnvelope([JSON.stringify(good[0]), JSON.stringify(bad), JSON.stringify(good[1])]);
    const { events, poison } = decodeMessages([record(value, '2', '42')]);
    assert.deepEqual(events, good);
    assert.equal(poison.length, 1);
    assert.equal(poison[0]?.item?.index, 1);
    assert.match(poison[0]?.reason ?? '', /spend/);

    const [letter] = toDeadLetters({ topic: 't', partition: 3 }, poison);
    assert.deepEqual(JSON.parse(String(letter?.value ?? '')), bad);
    assert.equal(letter?.headers?.['dlq-source-index'], '1');
    assert.equal(letter?.headers?.['dlq-source-offset'], '42');
    assert.equal(letter?.headers?.['dlq-source-partition'], '3');
  });

  it('dead-letters a whole record that is not an envelope, not JSON, or of an unknown version', () => {
    const { events, poison } = decodeMessages([
      record(JSON.stringify(normal()), '2'),
      record('[{"a":', '2'),
      record('[]', '2'),
      record(JSON.stringify(normal()), '9'),
      record(null, '2'),
    ]);
    assert.equal(events.length, 0);
    assert.deepEqual(
      poison.map((p) => [p.item, p.reason.split(':')[0]]),
      [
        [undefined, 'a v2 envelope must be a JSON array of events'],
        [undefined, 'not JSON'],
        [undefined, 'empty envelope'],
        [undefined, 'unknown contract-version "9"'],
        [undefined, 'empty message value'],
      ],
    );
    const letters = toDeadLetters({ topic: 't', partition: 0 }, poison);
    assert.equal(letters[1]?.value, '[{"a":');
    assert.equal(letters[1]?.headers?.['dlq-source-index'], undefined);
  });
});

describe('decodeMessages with MAX_EVENT_AGE_DAYS', () => {
  it('dead-letters an event older than the bound with a reason that says so, keeps the rest', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const oldest = { ms: now - 30 * 86_400_000, days: 30 };
    const { events, poison } = decodeMessages(
      [
        record(JSON.stringify(normal('2026-11-01T12:00:00Z')), undefined, '1'), // exactly 30 days: kept
        record(JSON.stringify(normal('2026-11-01T11:59:59Z')), undefined, '2'),
        record(JSON.stringify(normal('2026-12-01T11:00:00Z')), undefined, '3'),
      ],
      oldest,
    );
    assert.equal(events.length, 2);
    assert.equal(poison.length, 1);
    assert.equal(poison[0]?.message.offset, '2');
    assert.match(poison[0]?.reason ?? '', /too old.*MAX_EVENT_AGE_DAYS \(30\)/);
  });

  it('applies the bound to each event of an envelope on its own', () => {
    const oldest = { ms: Date.parse('2026-11-01T00:00:00Z'), days: 30 };
    const value = encodeEnvelope([normal('2026-10-01T00:00:00Z'), normal()].map((e) => JSON.stringify(e)));
    const { events, poison } = decodeMessages([record(value, '2')], oldest);
    assert.equal(events.length, 1);
    assert.equal(poison[0]?.item?.index, 0);
    assert.match(poison[0]?.reason ?? '', /too old/);
  });

  it('bounds nothing without the setting', () => {
    const { events } = decodeMessages([record(JSON.stringify(normal('2001-01-01T00:00:00Z')))]);
    assert.equal(events.length, 1);
  });
});

const anEvent = (userId: string) => ({
  request_id: 'req-1',
  timestamp: '2026-11-28T12:00:00.000Z',
  api_key: 'k',
  user_id: userId,
  model: 'm',
  spend: '0.1',
});

const rawMessage = (value: Buffer | string, offset = '0'): KafkaMessage => ({
  key: null,
  value: Buffer.isBuffer(value) ? value : Buffer.from(value),
  timestamp: '0',
  attributes: 0,
  offset,
  headers: {},
});

describe('decodeMessages: nothing of a malformed value reaches the reason', () => {
  it('dead-letters text that is not JSON without copying it into the reason (logged and a header)', () => {
    const { poison } = decodeMessages([
      rawMessage('sk-live-topic-secret-0001 is not json'),
      rawMessage('{"a":1,}'),
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
    const { events, poison } = decodeMessages([rawMessage(json)]);
    assert.equal(events.length, 0);
    assert.match(poison[0]?.reason ?? '', /UTF-8/);
  });

  it('decodes valid events', () => {
    const { events, poison } = decodeMessages([rawMessage(JSON.stringify(anEvent('u')))]);
    assert.deepEqual([events.length, poison.length], [1, 0]);
  });
});
