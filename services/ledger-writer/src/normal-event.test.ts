import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { asNormalEvent } from './normal-event.ts';

const KEY = 'a'.repeat(64);

/** A normal event as the gateway puts it on the topic (parsed from its JSON text). */
const normal = (over: Record<string, unknown> = {}) =>
  JSON.parse(
    JSON.stringify(
      SpendEventSchema.parse({
        request_id: 'req-1',
        timestamp: '2026-11-28T10:00:00.123Z',
        end_time: '2026-11-28T10:00:01.000Z',
        api_key: KEY,
        user_id: 'u1',
        team_id: 't1',
        org_id: 'o1',
        end_user_id: 'eu1',
        tags: ['a', 'b'],
        model: 'gpt-4o',
        model_group: 'gpt-4o',
        provider: 'openai',
        prompt_tokens: 10,
        completion_tokens: 20,
        spend: '0.000123000000',
        status: 'success',
        metadata: { route: '/chat', cache_hit: false, n: 3 },
        ...over,
      }),
    ),
  ) as Record<string, unknown>;

/** Variations of a normal event: some still normal, most not (zod would change or refuse them). */
const variants: Array<[string, Record<string, unknown>]> = [
  ['as is', {}],
  ['minimal nulls', { end_time: null, user_id: null, team_id: null, org_id: null, end_user_id: null }],
  ['no tags, no metadata', { tags: [], metadata: null, model_group: null, provider: null }],
  ['empty api key', { api_key: '' }],
  ['raw api key', { api_key: 'sk-abcdefgh' }],
  ['upper-case digest', { api_key: KEY.toUpperCase() }],
  ['empty user id', { user_id: '' }],
  ['missing end_time', { end_time: undefined }],
  ['timestamp without ms', { timestamp: '2026-11-28T10:00:00Z' }],
  ['timestamp with offset', { timestamp: '2026-11-28T10:00:00.000+01:00' }],
  ['month 13', { timestamp: '2026-13-28T10:00:00.000Z' }],
  ['February 30', { timestamp: '2026-02-30T10:00:00.000Z' }],
  ['February 29, 2028', { timestamp: '2028-02-29T10:00:00.000Z' }],
  ['February 29, 2100', { timestamp: '2100-02-29T10:00:00.000Z' }],
  ['April 31', { end_time: '2026-04-31T10:00:00.000Z' }],
  ['minute 60', { end_time: '2026-11-28T10:60:00.000Z' }],
  ['second 60', { timestamp: '2026-11-28T10:00:60.000Z' }],
  ['first instant', { timestamp: '2000-01-01T00:00:00.000Z' }],
  ['hour 24', { timestamp: '2026-11-28T24:00:00.000Z' }],
  ['year 1999', { timestamp: '1999-12-31T23:59:59.999Z' }],
  ['year 2200', { timestamp: '2200-01-01T00:00:00.000Z' }],
  ['last instant', { timestamp: '2199-12-31T23:59:59.999Z' }],
  ['spend not canonical', { spend: '0.5' }],
  ['spend number', { spend: 0.5 }],
  ['spend negative', { spend: '-0.000123000000' }],
  ['spend too big', { spend: '9999999999.000000000000' }],
  ['duplicate tags', { tags: ['a', 'a'] }],
  ['empty tag', { tags: [''] }],
  ['65 tags', { tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }],
  ['tags null', { tags: null }],
  ['NUL in model', { model: 'gpt\u0000' }],
  ['lone surrogate in user', { user_id: 'u\ud800' }],
  ['long request id', { request_id: 'r'.repeat(129) }],
  ['longest request id', { request_id: 'r'.repeat(128) }],
  ['empty request id', { request_id: '' }],
  ['fractional tokens', { prompt_tokens: 1.5 }],
  ['negative tokens', { completion_tokens: -1 }],
  ['too many tokens', { prompt_tokens: 2_147_483_648 }],
  ['token string', { prompt_tokens: '10' }],
  ['bad status', { status: 'ok' }],
  ['empty spend_source', { spend_source: '' }],
  ['secret in metadata', { metadata: { authorization: 'Bearer abcdefghijkl' } }],
  ['sk key in metadata text', { metadata: { note: 'used sk-abcdefghijkl' } }],
  ['metadata array', { metadata: [1, 2] }],
  ['metadata too big', { metadata: { blob: 'x'.repeat(17_000) } }],
  ['metadata with NUL', { metadata: { a: 'x\u0000' } }],
  ['nested metadata', { metadata: { a: { b: [1, 'two', null] } } }],
  ['extra field', { litellm_call_id: 'x' }],
];

describe('asNormalEvent (the writer fast path past zod)', () => {
  it('accepts only what SpendEventSchema accepts and returns unchanged', () => {
    for (const [name, over] of variants) {
      const value = normal();
      for (const [k, v] of Object.entries(over)) {
        if (v === undefined) delete value[k];
        else value[k] = v;
      }
      const fast = asNormalEvent(value);
      if (fast === undefined) continue;
      const parsed = SpendEventSchema.safeParse(value);
      assert.ok(parsed.success, `${name}: fast path accepted what zod refuses`);
      assert.deepEqual(parsed.data, fast, `${name}: zod would change it`);
      assert.equal(fast, value, `${name}: the parsed object itself is kept`);
    }
  });

  it('takes the gateway normal form, and refuses what zod changes or refuses', () => {
    const accepted = variants
      .filter(([, over]) => {
        const value = { ...normal(), ...over };
        for (const [k, v] of Object.entries(over)) if (v === undefined) delete value[k];
        return asNormalEvent(value) !== undefined;
      })
      .map(([name]) => name);
    assert.deepEqual(accepted, [
      'as is',
      'minimal nulls',
      'no tags, no metadata',
      'empty api key',
      'February 29, 2028',
      'first instant',
      'last instant',
      'longest request id',
      'nested metadata',
    ]);
  });

  it('reads timestamps as zod does, for every month and day around the edges of the window', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    for (const year of [1999, 2000, 2024, 2100, 2199, 2200])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const value = { ...normal(), timestamp: `${year}-${pad(month)}-${pad(day)}T23:59:59.999Z` };
          const parsed = SpendEventSchema.safeParse(value);
          const zodNormal = parsed.success && parsed.data.timestamp === value.timestamp;
          assert.equal(asNormalEvent(value) !== undefined, zodNormal, value.timestamp);
        }
  });

  it('refuses what is not an object', () => {
    for (const v of [null, 1, 'x', [normal()], Object.assign(Object.create(null), normal())])
      assert.equal(asNormalEvent(v), undefined);
  });
});
