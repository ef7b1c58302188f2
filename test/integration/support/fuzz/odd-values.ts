import fc from 'fast-check';

/**
 * Generators of the odd values a careless or hostile client sends. Each mixes plain values (so the
 * request gets deep into the code) with the edge cases that have broken services before.
 */

/** Strings no sane client sends: NUL, lone surrogates, RTL marks, emoji, huge, path tricks. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfffy',
      '\u202eevil',
      '\ufeff',
      '💸',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '..',
      '../../etc/passwd',
      '%',
      '%00',
      '%ZZ',
      '%C3%28',
      "'; drop table spend_logs; --",
      '=cmd|calc',
      '\n=1+1',
      '\t@SUM(A1)',
      'null',
      'undefined',
      'NaN',
      'sk-ab',
      'sk-live-0123456789abcdef',
      'Bearer sk-abcdefgh',
      'a'.repeat(257),
      'é'.repeat(129),
    ),
  },
  // Node's HTTP server refuses request lines over 16 KiB, so longer values never reach the app.
  { weight: 1, arbitrary: fc.nat({ max: 9_000 }).map((n) => 'x'.repeat(n)) },
);

/** Dates as query strings: mostly valid, with year 0000, impossible days and far years. */
export const oddDate: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.integer({ min: 1, max: 30 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0000-01-01',
      '0001-01-01',
      '9999-12-31',
      '2026-02-29',
      '2028-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-99-99',
      '2026-11-31',
      '+275760-09-13',
      '-000001-01-01',
      '2026-11-01T00:00:00Z',
      '2026-11-01T99:99:99Z',
      '20261101',
      '1e3',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: oddString },
);

/** Timestamps as query strings (start_time, end_time). */
export const oddTimestamp: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0000-01-01T00:00:00Z',
      '0000-12-31T23:59:59.999Z',
      '2026-99-99T99:99:99Z',
      '2026-11-28T10:00:00+14:00',
      '2026-11-28T10:00:00-12:00',
      '2026-11-28T10:00:00+99:00',
      '2026-11-28T10:00:00',
      '2026-11-28T24:00:00Z',
      '2026-11-28T23:59:60Z',
      '+275760-09-13T00:00:00.000Z',
      '9999-12-31T23:59:59.999999Z',
    ),
  },
  { weight: 1, arbitrary: oddDate },
);

export const oddTimeZone: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'UTC',
      'Europe/Paris',
      'Asia/Kolkata',
      'America/St_Johns',
      'Pacific/Kiritimati',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'US/Pacific-New',
      'Mars/Olympus_Mons',
      'Etc/GMT+14',
      'Etc/GMT-15',
      '+05:30',
      'utc',
      'Europe/../UTC',
      'EST5EDT',
      'Factory',
      'localtime',
      'posixrules',
      '',
    ),
  },
  { weight: 1, arbitrary: oddString },
);

/** Numbers as query strings (limit, page, page_size). */
export const oddNumberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 2_000 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '-0',
      '1.5',
      '1e3',
      '1e308',
      '1e400',
      'NaN',
      'Infinity',
      '0x10',
      ' 5',
      '5 ',
      '99999999999999999999',
      '',
    ),
  },
  { weight: 1, arbitrary: oddString },
);

/** Keyset cursors: garbage, base64 of odd JSON, and well-formed cursors with impossible timestamps. */
export const oddCursor: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: oddString },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(
          oddTimestamp,
          fc.constantFrom(
            '0000-01-01T00:00:00.000000Z',
            '2026-99-99T99:99:99.000000Z',
            '2026-11-28T10:00:00.000000Z',
          ),
        ),
        fc.oneof(oddString, fc.constant('req-1')),
      )
      .map((tuple) => Buffer.from(JSON.stringify(tuple)).toString('base64url')),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  },
);

/** Query-string values chosen by the parameter's name, so validation is passed often enough. */
export function valueFor(name: string): fc.Arbitrary<string> {
  if (name === 'from' || name === 'to' || name === 'start_date' || name === 'end_date') return oddDate;
  if (name === 'start_time' || name === 'end_time') return oddTimestamp;
  if (name === 'timezone') return oddTimeZone;
  if (name === 'cursor') return oddCursor;
  if (name === 'limit' || name === 'page' || name === 'page_size') return oddNumberText;
  if (name === 'format') return fc.constantFrom('json', 'csv', 'CSV', 'xml', '');
  if (name === 'breakdown') return fc.constantFrom('true', 'false', '1', 'yes', '');
  if (name === 'status') return fc.constantFrom('success', 'failure', 'ok', '');
  if (name === 'group_by' || name === 'entity_type') {
    return fc.oneof(
      fc.constantFrom('team', 'org', 'user', 'end_user', 'key', 'tag', 'model', 'provider'),
      oddString,
    );
  }
  return fc.oneof(fc.constantFrom('team-a', 'user-a', 'gpt-4o', 'fuzz'), oddString);
}

/** A value of the parameter that passes validation, so that requests reach the database. */
export function goodValueFor(name: string): fc.Arbitrary<string> {
  const day = (min: number, max: number) =>
    fc.integer({ min, max }).map((d) => `2026-11-${String(d).padStart(2, '0')}`);
  if (name === 'from' || name === 'start_date') return day(1, 15);
  if (name === 'to' || name === 'end_date') return day(15, 30);
  if (name === 'start_time') return fc.constantFrom('2026-11-01T00:00:00Z', '2026-11-20T10:00:00+05:30');
  if (name === 'end_time') return fc.constantFrom('2026-12-01T00:00:00Z', '2026-11-29T00:00:00-08:00');
  if (name === 'timezone')
    return fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati');
  if (name === 'limit' || name === 'page_size') return fc.integer({ min: 1, max: 100 }).map(String);
  if (name === 'page') return fc.integer({ min: 1, max: 3 }).map(String);
  if (name === 'format') return fc.constantFrom('json', 'csv');
  if (name === 'breakdown') return fc.constantFrom('true', 'false');
  if (name === 'status') return fc.constantFrom('success', 'failure');
  if (name === 'group_by')
    return fc.constantFrom('team', 'org', 'user', 'end_user', 'key', 'tag', 'model', 'provider');
  if (name === 'entity_type') return fc.constantFrom('team', 'org', 'key');
  if (name === 'cursor') return valueFor(name);
  return fc.constantFrom('team-a', 'user-a', 'org-a', 'key-hash-a', 'gpt-4o', 'prod', '__proto__');
}

/** Path segment values by parameter name (`known`: ids that exist in the ledger). */
export function segmentFor(name: string, known: readonly string[] = []): fc.Arbitrary<string> {
  if (name === 'entity_type') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('key', 'user', 'end_user', 'team', 'org', 'tag') },
      { weight: 1, arbitrary: oddString },
    );
  }
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.constantFrom('team-a', 'user-a', 'key-hash-a', 'prod', '__proto__', ...known),
    },
    { weight: 1, arbitrary: oddString },
  );
}
