import fc from 'fast-check';
import { Entries, type Json, Raw, toJsonText } from './json-text.ts';
import { oddString } from './odd-values.ts';

/** A request body: text, or bytes when it must not be valid UTF-8. */
export type Body = string | Uint8Array;

const FIELDS = [
  'request_id',
  'timestamp',
  'end_time',
  'api_key',
  'user_id',
  'team_id',
  'org_id',
  'end_user_id',
  'tags',
  'model',
  'model_group',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'spend',
  'status',
  'metadata',
] as const;

const deep = (n: number, open = '[', close = ']') => new Raw(`${open.repeat(n)}${close.repeat(n)}`);

/** Values that are odd in JSON: special numbers, wrong types, prototype keys, deep nesting. */
const oddJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: oddString },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Json>(
      new Raw('-0'),
      new Raw('-0.0'),
      new Raw('1e400'),
      new Raw('-1e400'),
      new Raw('-1e-400'),
      new Raw('1e-400'),
      new Raw('123456789012345678901234567890'),
      new Raw('0.1e1'),
      new Raw('1E-7'),
      new Raw('1.0000000000001'),
      new Raw('9007199254740993'),
      '-0',
      '1e-3',
      ' 1.5',
      '1.5 ',
      '0x10',
      '1_000',
      '١٢٣',
      null,
      true,
      false,
      [],
      Entries.of({}),
      new Entries([['__proto__', Entries.of({ polluted: true })]]),
      new Entries([['constructor', Entries.of({ prototype: Entries.of({ polluted: true }) })]]),
      deep(64),
      deep(5_000),
      deep(200, '{"a":', '}'),
    ),
  },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** Plain values that pass validation, with the odd-but-legal ones mixed in. */
const goodValue: Record<(typeof FIELDS)[number], fc.Arbitrary<Json>> = {
  request_id: fc.uuid().map((u) => `fz-${u}`),
  timestamp: fc.oneof(
    fc
      .date({ min: new Date('2026-11-01'), max: new Date('2026-12-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom('2026-11-28T23:30:00-05:00', '2026-11-28T00:30:00+14:00', '2026-11-28T10:00:00.123456Z'),
  ),
  end_time: fc.constant('2026-11-28T10:00:01Z'),
  api_key: fc.constantFrom(
    'key-hash-a',
    'sk-live-0123456789abcdef',
    'sk-ab',
    'Bearer sk-abcdef123456',
    ' sk-padded-key ',
  ),
  user_id: fc.constantFrom('user-a', 'user-b', '__proto__', 'ユーザー', null, ''),
  team_id: fc.constantFrom('team-a', 'team-b', 'constructor', null),
  org_id: fc.constantFrom('org-a', null),
  end_user_id: fc.constantFrom('end-a', null),
  tags: fc.array(fc.constantFrom('prod', 'dev', '__proto__', 'toString', 'tag with space'), { maxLength: 4 }),
  model: fc.constantFrom('gpt-4o', 'claude-3-5-sonnet', '__proto__', 'm/o/d/e/l'),
  model_group: fc.constantFrom('gpt-4', 'hasOwnProperty'),
  provider: fc.constantFrom('openai', 'anthropic', 'azure'),
  prompt_tokens: fc.nat({ max: 100_000 }),
  completion_tokens: fc.nat({ max: 100_000 }),
  spend: fc.oneof(
    fc.constantFrom<Json>(
      '0',
      '0.000000000001',
      '999999999.999999999999',
      '1000000000',
      '12.5',
      '0.0105',
      0,
      1e-12,
      0.25,
      3,
    ),
    fc.bigInt({ min: 0n, max: 10n ** 15n }).map((n) => {
      const s = n.toString().padStart(13, '0');
      return `${s.slice(0, -12)}.${s.slice(-12)}`;
    }),
  ),
  status: fc.constantFrom('success', 'failure'),
  metadata: fc.oneof(
    fc.constant(Entries.of({ route: '/chat', user_api_key: 'sk-in-metadata-0123456789' })),
    fc.jsonValue({ maxDepth: 2 }).map((v) => new Entries([['v', v as Json]])),
  ),
};

const REQUIRED = new Set(['request_id', 'timestamp', 'api_key', 'model', 'spend']);

/** A valid event (optional fields present at random). */
const goodEvent: fc.Arbitrary<Entries> = fc
  .record(goodValue, { requiredKeys: [...REQUIRED] as (typeof FIELDS)[number][] })
  .map((record) => Entries.of(record));

type Mutation = (e: Entries) => Entries;

/** One way to spoil an event (or leave it legal but strange). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...FIELDS), oddJson).map(
    ([field, value]): Mutation =>
      (e) =>
        new Entries([...e.entries.filter(([k]) => k !== field), [field, value]]),
  ),
  fc.constantFrom(...FIELDS).map(
    (field): Mutation =>
      (e) =>
        new Entries(e.entries.filter(([k]) => k !== field)),
  ),
  // A second copy of a key with another value: which one wins must not be left to chance.
  fc.tuple(fc.constantFrom(...FIELDS), oddJson).map(
    ([field, value]): Mutation =>
      (e) =>
        new Entries([...e.entries, [field, value]]),
  ),
  fc.tuple(oddString, oddJson).map(
    ([key, value]): Mutation =>
      (e) =>
        new Entries([...e.entries, [key, value]]),
  ),
  fc.constant<Mutation>((e) => new Entries([['__proto__', Entries.of({ spend: '1' })], ...e.entries])),
);

/** An event with zero to three mutations; about a third stay valid. */
export const fuzzEvent: fc.Arbitrary<Entries> = fc
  .tuple(
    goodEvent,
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ),
  )
  .map(([event, mutations]) => mutations.reduce((e, m) => m(e), event));

const INVALID_UTF8 = [
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xff]),
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded as UTF-8
  Buffer.from([0xc0, 0xaf]), // overlong "/"
  Buffer.from([0xe2, 0x82]), // truncated sequence
];

/** Bytes of an event whose string value holds an invalid UTF-8 sequence. */
const invalidUtf8Body: fc.Arbitrary<Body> = fc
  .tuple(
    goodEvent,
    fc.constantFrom('request_id', 'user_id', 'model', 'api_key'),
    fc.constantFrom(...INVALID_UTF8),
  )
  .map(([event, field, bytes]) => {
    const marker = 'INVALID-UTF8-HERE';
    const text = toJsonText(
      new Entries([...event.entries.filter(([k]) => k !== field), [field, `x${marker}y`]]),
    );
    const [before, after] = text.split(marker) as [string, string];
    return new Uint8Array(Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]));
  });

const brokenJson: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '0',
    '"event"',
    '{}',
    '[]',
    '[[]]',
    '{}{}',
    '[{}',
    "{'request_id': 'x'}",
    '{"request_id": "x",}',
    '{"spend": NaN}',
    '{"spend": Infinity}',
    '/* comment */ {}',
    '\ufeff{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"a":"\\x41"}',
    '{"a":"\u0001"}',
  ),
  goodEvent.chain((e) => {
    const text = toJsonText(e);
    return fc.nat({ max: text.length - 1 }).map((cut) => text.slice(0, cut));
  }),
  fc.nat({ max: 20_000 }).map((n) => toJsonText(deep(n))),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Any body the gateway may receive: single events, batches, broken JSON, invalid UTF-8. */
export const fuzzBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 5, arbitrary: fuzzEvent.map(toJsonText) },
  { weight: 3, arbitrary: fc.array(fuzzEvent, { minLength: 1, maxLength: 5 }).map(toJsonText) },
  { weight: 1, arbitrary: fc.array(goodEvent, { minLength: 1, maxLength: 5 }).map(toJsonText) },
  { weight: 1, arbitrary: invalidUtf8Body },
  { weight: 2, arbitrary: brokenJson },
  { weight: 1, arbitrary: fuzzEvent.map((e) => `\ufeff${toJsonText(e)}`) },
);
