import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '@spend-ledger/platform';
import { MAX_JSON_DEPTH, PARSE_FIRST_MAX_BYTES, parseJsonBody } from './json-body.ts';

const invalidJson = (e: unknown) => e instanceof ApiError && e.code === 'INVALID_JSON';
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** Pads a JSON array with a string element so the body crosses the parse-first size limit. */
const big = (json: string) => `[${json},"${'x'.repeat(PARSE_FIRST_MAX_BYTES)}"]`;

describe('parseJsonBody', () => {
  it('parses bytes and text alike, dropping a UTF-8 BOM as Request.text() does', () => {
    const body = '[{"a":"é✓","b":[1,{"c":null}]}]';
    assert.deepEqual(parseJsonBody(Buffer.from(body)), JSON.parse(body));
    assert.deepEqual(parseJsonBody(body), JSON.parse(body));
    assert.deepEqual(parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])), [
      { a: 'é✓', b: [1, { c: null }] },
    ]);
  });

  it('accepts nesting up to the limit and refuses deeper, small and large bodies', () => {
    // The padding wraps the value in one more array.
    for (const wrap of [(s: string) => s, big]) {
      const extra = wrap === big ? 1 : 0;
      assert.ok(parseJsonBody(Buffer.from(wrap(nested(MAX_JSON_DEPTH - extra)))));
      assert.throws(() => parseJsonBody(Buffer.from(wrap(nested(MAX_JSON_DEPTH + 1 - extra)))), invalidJson);
      assert.throws(() => parseJsonBody(Buffer.from(wrap(nested(100_000)))), invalidJson);
    }
  });

  it('does not count brackets inside strings', () => {
    const inString = JSON.stringify(['['.repeat(100), '\\"[[[', '{'.repeat(100)]);
    assert.deepEqual(parseJsonBody(Buffer.from(inString)), JSON.parse(inString));
    assert.ok(parseJsonBody(Buffer.from(big(inString))));
  });

  it('refuses what is not JSON', () => {
    assert.throws(() => parseJsonBody(Buffer.from('{"request_id": ')), invalidJson);
    assert.throws(() => parseJsonBody(Buffer.from(big('{'))), invalidJson);
  });

  it('refuses invalid UTF-8 instead of turning it into U+FFFD', () => {
    for (const bytes of [
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d], // {"a":"\xff"}
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], // an encoded lone surrogate
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d], // a truncated sequence
    ]) {
      assert.throws(
        () => parseJsonBody(Buffer.from(bytes)),
        (e: unknown) => invalidJson(e) && /UTF-8/.test((e as ApiError).message),
      );
      assert.throws(() => parseJsonBody(Buffer.from(big(Buffer.from(bytes).toString('latin1')), 'latin1')));
    }
  });

  it('refuses duplicate keys at any depth, naming the key and the event', () => {
    const cases: Array<[string, string, number | undefined]> = [
      ['{"spend":"1","spend":"99"}', 'spend', undefined],
      ['[{"a":1},{"b":1,"b":2}]', 'b', 1],
      ['[{"a":1},{"metadata":{"x":{"k":1,"k":2}}}]', 'metadata.x.k', 1],
      // The same key spelled with an escape is the same key.
      ['{"spend":"1","sp\\u0065nd":"2"}', 'spend', undefined],
      // Spaces before the colon must not hide a duplicate.
      ['{"a" :1,"b":1,"b" : 2,"c":"\\":"}', 'b', undefined],
    ];
    for (const [body, field, index] of cases) {
      for (const text of [body, big(body)]) {
        assert.throws(
          () => parseJsonBody(Buffer.from(text)),
          (e: unknown) => {
            assert.ok(invalidJson(e), text.slice(0, 80));
            const detail = (e as ApiError).details?.[0];
            if (text === body) {
              assert.equal(detail?.field, field, body);
              assert.equal(detail?.index, index, body);
            } else {
              // The padded form wraps the body in one more array: event 0, and the path within it.
              assert.equal(detail?.index, 0);
              assert.ok(detail?.field.endsWith(field), `${detail?.field} ends with ${field}`);
            }
            return true;
          },
        );
      }
    }
  });

  it('accepts the same key in different objects, and quotes and colons inside strings', () => {
    for (const body of [
      '[{"a":1,"b":{"a":2}},{"a":3}]',
      '{"a":"x\\":y","b":"\\"\\":","c":{"d":"e:f"}}',
      '{"a" : 1, "b" :2}',
      '{"__proto__":1,"constructor":2,"toString":3}',
    ]) {
      assert.deepEqual(parseJsonBody(Buffer.from(body)), JSON.parse(body), body);
      assert.ok(parseJsonBody(Buffer.from(big(body))));
    }
  });
});
