import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSpendEventBatch, SpendEventSchema } from './spend-event.ts';
import {
  FAST_PATH_MATCHES_SCHEMA,
  isSentInNormalForm,
  parseSpendEventBatchFast,
  parseSpendEventFast,
} from './spend-event-fast-path.ts';

const DIGEST = 'a'.repeat(64);
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1) - 1;

/** Text that is usually fine, sometimes at or past a limit, sometimes not storable. */
const someText = (max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        'x'.repeat(max),
        'x'.repeat(max + 1),
        'é'.repeat(max),
        '💸'.repeat(Math.floor(max / 2) + 1),
        'a\u0000b',
        '\ud800',
        'x\udfffy',
        ' ',
        'sk-live-0123456789abcdef',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, 0, 1, true, [], {}) },
  );

const isoInRange = fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms).toISOString());
const someInstant: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: isoInRange },
  {
    weight: 1,
    arbitrary: isoInRange.map((iso) => iso.replace('Z', '+00:00')),
  },
  { weight: 1, arbitrary: isoInRange.map((iso) => iso.replace(/\.\d{3}Z$/, 'Z')) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T00:00:00.000Z',
      '2199-12-31T23:59:59.999Z',
      '2200-01-01T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-01T00:00:00.000Z',
      '2026-11-01T24:00:00.000Z',
      '2026-11-01T23:60:00.000Z',
      '2026-11-01T23:59:60.000Z',
      '2026-11-01T10:00:00.123456Z',
      '2026-11-01T10:00:00.000z',
      '2026-11-01 10:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '',
      null,
      undefined,
      1_700_000_000_000,
    ),
  },
);

const someTokens: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 100_000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      undefined,
      null,
      -1,
      -0,
      1.5,
      2_147_483_647,
      2_147_483_648,
      2 ** 53,
      Number.NaN,
      '5',
    ),
  },
);

const someSpend: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 10 ** 9 }).map((n) => (n / 10 ** 6).toFixed(12)) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1_000, noNaN: true }) },
  { weight: 2, arbitrary: fc.nat({ max: 10 ** 6 }).map((n) => String(n / 1_000)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      '0',
      '0.000000000001',
      '0.0000000000001',
      '1000000000',
      '1000000000.000000000001',
      '1e-3',
      '1E2',
      '-1',
      -0.5,
      -0,
      '0x10',
      ' 1',
      '',
      '1'.repeat(65),
      `0.${'0'.repeat(62)}`,
      `0.${'0'.repeat(63)}`,
      `1.5${'0'.repeat(62)}`,
      '01.500000000000',
      null,
      undefined,
      true,
      1e300,
    ),
  },
);

const someMetadata: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(undefined, null, {}) },
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('api_key', 'Authorization', 'token', 'route')),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), someText(20)),
      { maxKeys: 5 },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      JSON.parse('{"__proto__":{"x":1},"a":"b"}'),
      JSON.parse('{"a":{"__proto__":{"x":1}}}'),
      { note: 'Bearer abcdefghijklmnop' },
      { nested: { password: 'hunter2', n: 1 } },
      { big: 'x'.repeat(16 * 1024) },
      { big: 'x'.repeat(16 * 1024 - 10) },
      { wide: 'é'.repeat(6_000) },
      { nul: 'a\u0000b' },
      { lone: '\ud800' },
      [],
      'text',
      1,
      new Date(0),
      Object.create(null),
    ),
  },
);

const someTags: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom('a', 'b', 'tag-1', 'tag-2'), { maxLength: 6 }) },
  { weight: 2, arbitrary: fc.array(someText(128), { maxLength: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      undefined,
      null,
      'a',
      {},
      Array.from({ length: 64 }, (_, i) => `t${i}`),
      Array.from({ length: 65 }, (_, i) => `t${i}`),
    ),
  },
);

/** The common shape, always valid: the fast path must take every one of these. */
const plainEvent: fc.Arbitrary<Record<string, unknown>> = fc.record({
  request_id: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
  timestamp: isoInRange,
  end_time: isoInRange,
  api_key: fc.constantFrom(DIGEST, 'sk-ab', '', 'alias-1'),
  user_id: fc.constantFrom('user-1', '', null),
  team_id: fc.constantFrom('team-1', null),
  org_id: fc.constantFrom('org-1', null),
  end_user_id: fc.constantFrom('eu-1', null),
  tags: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }),
  model: fc.constantFrom('gpt-4o', 'claude-3-5-sonnet'),
  model_group: fc.constantFrom('gpt-4o', null),
  provider: fc.constantFrom('openai', 'anthropic', null),
  prompt_tokens: fc.nat({ max: 100_000 }),
  completion_tokens: fc.nat({ max: 100_000 }),
  cache_read_input_tokens: fc.nat({ max: 1_000 }),
  cache_creation_input_tokens: fc.nat({ max: 1_000 }),
  spend_source: fc.constant('sender'),
  spend: fc.nat({ max: 10 ** 9 }).map((n) => (n / 10 ** 6).toFixed(12)),
  status: fc.constantFrom('success', 'failure'),
  metadata: fc.constantFrom(null, { route: '/chat/completions', cache_hit: false }),
});

/** Each field drawn from a mix of good, borderline and bad values. */
const oddFields = {
  request_id: someText(128),
  timestamp: someInstant,
  end_time: someInstant,
  api_key: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(DIGEST, DIGEST.toUpperCase(), 'sk-ab', '') },
    { weight: 2, arbitrary: someText(256) },
  ),
  user_id: someText(256),
  team_id: someText(256),
  org_id: someText(256),
  end_user_id: someText(256),
  tags: someTags,
  model: someText(256),
  model_group: someText(256),
  provider: someText(256),
  prompt_tokens: someTokens,
  completion_tokens: someTokens,
  cache_read_input_tokens: someTokens,
  cache_creation_input_tokens: someTokens,
  spend_source: someText(64),
  spend: someSpend,
  status: fc.constantFrom<unknown>('success', 'failure', undefined, 'ok', null),
  metadata: someMetadata,
  unknown_field: fc.jsonValue({ maxDepth: 1 }),
};
const FIELD_NAMES = Object.keys(oddFields);

/**
 * A common-shape event with up to four fields replaced by odd values and up to two removed: close
 * enough to valid that both paths are exercised, and every borderline value is met.
 */
const someEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    plainEvent,
    fc.record(oddFields),
    fc.subarray(FIELD_NAMES, { maxLength: 4 }),
    fc.subarray(FIELD_NAMES, { maxLength: 2 }),
  )
  .map(([plain, odd, replaced, removed]) => {
    const event: Record<string, unknown> = { ...plain };
    for (const name of replaced) event[name] = (odd as Record<string, unknown>)[name];
    for (const name of removed) delete event[name];
    return event;
  });

describe('parseSpendEventFast', () => {
  it('knows exactly the fields of SpendEventSchema (or it would turn itself off)', () => {
    assert.equal(FAST_PATH_MATCHES_SCHEMA, true);
  });

  it('returns what zod returns whenever it answers, and never answers for what zod refuses', () => {
    let answered = 0;
    fc.assert(
      fc.property(someEvent, (event) => {
        const fast = parseSpendEventFast(event);
        if (fast === undefined) return;
        answered++;
        const zod = SpendEventSchema.safeParse(event);
        assert.ok(zod.success, `fast path accepted what zod refuses: ${JSON.stringify(zod.error?.issues)}`);
        assert.deepStrictEqual(fast, zod.data);
      }),
      { numRuns: 5_000 },
    );
    // The mixed generator must still reach the fast path often enough to test it.
    assert.ok(answered > 500, `only ${answered} of 5,000 events took the fast path`);
  });

  it('takes every event of the common shape, with the result zod gives', () => {
    fc.assert(
      fc.property(plainEvent, (event) => {
        const fast = parseSpendEventFast(event);
        assert.notEqual(fast, undefined);
        assert.deepStrictEqual(fast, SpendEventSchema.parse(event));
      }),
      { numRuns: 1_000 },
    );
  });

  it('redacts metadata and hashes raw api keys as zod does', () => {
    const event = {
      request_id: 'r-1',
      timestamp: '2026-11-28T23:30:00.000Z',
      api_key: 'sk-live-abcdef123456',
      model: 'gpt-4o',
      spend: 0.25,
      metadata: { authorization: 'Bearer abcdefghijkl', route: '/x' },
    };
    const fast = parseSpendEventFast(event);
    assert.deepStrictEqual(fast, SpendEventSchema.parse(event));
    assert.equal(fast?.metadata?.authorization, '[redacted]');
  });
});

describe('parseSpendEventBatchFast', () => {
  it('gives parseSpendEventBatch’s result for every batch, refusals included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainEvent, someEvent), { minLength: 1, maxLength: 5 }), (items) => {
        assert.deepStrictEqual(parseSpendEventBatchFast(items), parseSpendEventBatch(items));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('isSentInNormalForm', () => {
  const sent = {
    request_id: 'r-1',
    timestamp: '2026-11-28T23:30:00.000Z',
    api_key: DIGEST,
    user_id: 'user-1',
    tags: ['a', 'b'],
    model: 'gpt-4o',
    spend: '0.250000000000',
    metadata: { route: '/chat/completions' },
  };
  const normal = (item: Record<string, unknown>) => {
    const event = parseSpendEventFast(item) ?? SpendEventSchema.parse(item);
    return isSentInNormalForm(item, event);
  };

  it('holds for an event the contract only completes with defaults', () => {
    assert.equal(normal(sent), true);
    assert.equal(
      normal({ ...sent, end_time: null, team_id: null, prompt_tokens: 12, status: 'failure' }),
      true,
    );
  });

  it('fails whenever reading the event changed something that was sent', () => {
    for (const [change, item] of Object.entries({
      'a raw key, hashed': { ...sent, api_key: 'sk-live-abcdef123456' },
      'an upper-case digest, lower-cased': { ...sent, api_key: DIGEST.toUpperCase() },
      'an unknown field, dropped': { ...sent, user_email: 'a@example.com' },
      'a secret in metadata, redacted': { ...sent, metadata: { authorization: 'Bearer abcdefghijkl' } },
      'a repeated tag, dropped': { ...sent, tags: ['a', 'a'] },
      'null tags, made []': { ...sent, tags: null },
      'spend as a number': { ...sent, spend: 0.25 },
      'spend not in canonical text': { ...sent, spend: '0.25' },
      'an empty id, made null': { ...sent, team_id: '' },
      'a timestamp with an offset': { ...sent, timestamp: '2026-11-28T23:30:00+00:00' },
    })) {
      assert.equal(normal(item), false, change);
    }
  });

  it('means a reader of the JSON as sent gets exactly the event the gateway validated', () => {
    let held = 0;
    fc.assert(
      fc.property(fc.oneof(plainEvent, someEvent), (item) => {
        const parsed = parseSpendEventBatch([item]);
        if (!parsed.ok) return;
        const [event] = parsed.events;
        if (!event || !isSentInNormalForm(item, event)) return;
        held++;
        // Through JSON text both ways: a sent -0 is read as -0, but JSON.stringify writes it as 0.
        const text = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
        assert.deepStrictEqual(text(parseSpendEventBatchFast([text(item)])), text(parsed));
        // Nothing travels that the normal event does not hold.
        for (const key of Object.keys(item)) assert.ok(key in event, key);
      }),
      { numRuns: 2_000 },
    );
    assert.ok(held > 50, `only ${held} generated events were in normal form`);
  });
});
