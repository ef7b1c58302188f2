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
});
