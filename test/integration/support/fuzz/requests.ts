import fc from 'fast-check';
import type { FuzzEndpoint } from './endpoints.ts';
import { type Body, fuzzBody } from './event-bodies.ts';
import { goodValueFor, oddString, segmentFor, valueFor } from './odd-values.ts';

export interface FuzzRequest {
  method: string;
  /** Path and query string, as the client wrote them. */
  url: string;
  headers: Record<string, string>;
  body?: Body;
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'];

/** Header values a Fetch Request can carry: Latin-1 without control characters. */
const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', '\u00e9t\u00e9', 'x'.repeat(8_000)),
);

function authorization(token: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 17, arbitrary: fc.constant(`Bearer ${token}`) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constantFrom(
          undefined,
          '',
          'Bearer',
          'Bearer ',
          `bearer ${token}`,
          `Bearer  ${token}`,
          `Basic ${token}`,
          `Bearer ${token}x`,
          `Bearer ${token.slice(0, -1)}`,
        ),
        headerText.map((t) => `Bearer ${t}`),
      ),
    },
  );
}

const ODD_ESCAPES = ['%', '%00', '%ZZ', '%C3%28', '%ED%A0%80', '%2F', '..', '%2e%2e'];

/** How a value goes into the URL: mostly encoded properly, sometimes raw or as a broken escape. */
const encoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(-1) },
  { weight: 1, arbitrary: fc.constant(-2) },
  { weight: 1, arbitrary: fc.nat({ max: ODD_ESCAPES.length - 1 }) },
);

function encode(value: string, how: number): string {
  if (how === -1) return encodeURIComponent(value.toWellFormed());
  if (how === -2) {
    return [...value.toWellFormed()]
      .map((c) => (c <= ' ' || c === '#' || c === '?' || c === '%' ? encodeURIComponent(c) : c))
      .join('');
  }
  return ODD_ESCAPES[how] as string;
}

const encoded = (value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(value, encoding).map(([v, how]) => encode(v, how));

function pathFor(template: string, known: readonly string[]): fc.Arbitrary<string> {
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  return fc
    .tuple(
      ...parts.map((part) =>
        part.startsWith('{') ? encoded(segmentFor(part.slice(1, -1), known)) : fc.constant(part),
      ),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '//', '/extra', '.json', '%00') },
      ),
    )
    .map((pieces) => pieces.join(''));
}

type Pair = [key: string, value: string, keyEncoding: number, valueEncoding: number];

/**
 * Query strings in three kinds: plausible (each known parameter absent or valid: the request reaches
 * the database), one bad value among plausible ones, and chaos (odd values, extra and repeated keys).
 */
function queryFor(names: readonly string[]): fc.Arbitrary<string> {
  const pair = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<Pair> =>
    fc.tuple(key, value, encoding, encoding);
  const each = (value: (name: string) => fc.Arbitrary<string>, freq: number) =>
    fc.tuple(...names.map((name) => fc.option(pair(fc.constant(name), value(name)), { freq })));
  // fc.option's freq: absent once in freq times.
  const plausible = each(goodValueFor, 8);
  const oneBad = names.length
    ? fc.tuple(plausible, fc.nat({ max: names.length - 1 }), fc.constant(null)).chain(([pairs, i]) =>
        pair(fc.constant(names[i] as string), valueFor(names[i] as string)).map((bad) => {
          const out = [...pairs];
          out[i] = bad;
          return out;
        }),
      )
    : plausible;
  const extra = fc.array(
    pair(fc.oneof(oddString, fc.constantFrom(...(names.length ? names : ['x']))), oddString),
    {
      minLength: 1,
      maxLength: 2,
    },
  );
  const chaos = fc.tuple(each(valueFor, 4), extra).map(([pairs, more]) => [...pairs, ...more]);
  const raw = fc.oneof(
    { weight: 4, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  );
  return fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: plausible },
        { weight: 3, arbitrary: oneBad },
        { weight: 2, arbitrary: chaos },
      ),
      raw,
    )
    .map(([picked, raw]) => {
      const pairs = picked.filter((p): p is Pair => p !== null);
      if (pairs.length === 0) return '';
      if (!raw) {
        const plain = pairs.map(([k, v]): [string, string] => [k.toWellFormed(), v.toWellFormed()]);
        return `?${new URLSearchParams(plain).toString()}`;
      }
      return `?${pairs.map(([k, v, hk, hv]) => `${encode(k, hk)}=${encode(v, hv)}`).join('&')}`;
    });
}

/** Requests for one endpoint: its own method most of the time, odd paths, queries and headers. */
export function requestsFor(
  endpoint: FuzzEndpoint,
  options: { token: string; queryNames: readonly string[]; knownIds?: readonly string[] },
): fc.Arbitrary<FuzzRequest> {
  const isPost = endpoint.method === 'POST';
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(endpoint.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      path: pathFor(endpoint.path, options.knownIds ?? []),
      query: isPost
        ? fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryFor([]) })
        : queryFor(options.queryNames),
      authorization: authorization(options.token),
      contentType: isPost
        ? fc.oneof(
            { weight: 12, arbitrary: fc.constant('application/json') },
            {
              weight: 2,
              arbitrary: fc.constantFrom(
                undefined,
                '',
                'application/json; charset=utf-8',
                'application/json; charset=latin1',
                'APPLICATION/JSON',
                'text/plain',
                'application/jsonx',
                'multipart/form-data; boundary=x',
                'application/x-www-form-urlencoded',
              ),
            },
          )
        : fc.constantFrom(undefined, undefined, 'application/json'),
      requestId: fc.option(headerText, { freq: 4 }),
      accept: fc.constantFrom(undefined, 'text/csv', 'application/xml', '*/*'),
      body: isPost
        ? fuzzBody
        : fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fuzzBody }),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (r.requestId !== null) headers['x-request-id'] = r.requestId;
      if (r.accept !== undefined) headers.accept = r.accept;
      const canHaveBody = r.method !== 'GET' && r.method !== 'HEAD';
      return {
        method: r.method,
        url: `${r.path}${r.query}`,
        headers,
        ...(canHaveBody && r.body !== null ? { body: r.body } : {}),
      };
    });
}
