import fc from 'fast-check';
import type { FuzzEndpoint } from './endpoints.ts';
import { type Body, fuzzBody } from './event-bodies.ts';
import { oddString, segmentFor, valueFor } from './odd-values.ts';

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

/** Encodes a generated value for a URL: mostly properly, sometimes raw or half-encoded. */
const encoded = (value: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(encodeURIComponent(value.toWellFormed())) },
    {
      weight: 1,
      arbitrary: fc.constant(
        [...value]
          .map((c) =>
            c < ' ' || c === '#' || c === '?' || c === ' ' ? encodeURIComponent(c.toWellFormed()) : c,
          )
          .join(''),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%00', '%ZZ', '%C3%28', '%ED%A0%80', '%2F', '..', '%2e%2e'),
    },
  );

function pathFor(template: string): fc.Arbitrary<string> {
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  return fc
    .tuple(
      ...parts.map((part) =>
        part.startsWith('{') ? segmentFor(part.slice(1, -1)).chain(encoded) : fc.constant(part),
      ),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '//', '/extra', '.json', '%00') },
      ),
    )
    .map((pieces) => pieces.join(''));
}

function queryFor(names: readonly string[]): fc.Arbitrary<string> {
  const known = names.map((name) => fc.option(fc.tuple(fc.constant(name), valueFor(name)), { freq: 3 }));
  const extra = fc.array(
    fc.tuple(fc.oneof(oddString, fc.constantFrom(...(names.length ? names : ['x']))), oddString),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...known), extra, fc.boolean()).chain(([picked, more, raw]) => {
    const pairs = [...picked.filter((p): p is [string, string] => p !== null), ...more];
    if (pairs.length === 0) return fc.constant('');
    if (!raw) return fc.constant(`?${new URLSearchParams(pairs).toString()}`);
    return fc
      .tuple(...pairs.map(([k, v]) => fc.tuple(encoded(k), encoded(v))))
      .map((encodedPairs) => `?${encodedPairs.map(([k, v]) => `${k}=${v}`).join('&')}`);
  });
}

/** Requests for one endpoint: its own method most of the time, odd paths, queries and headers. */
export function requestsFor(
  endpoint: FuzzEndpoint,
  options: { token: string; queryNames: readonly string[] },
): fc.Arbitrary<FuzzRequest> {
  const isPost = endpoint.method === 'POST';
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(endpoint.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      path: pathFor(endpoint.path),
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
      body: isPost ? fuzzBody : fc.option(fuzzBody, { freq: 10 }),
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
