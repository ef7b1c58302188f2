import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanJson } from './json-scan.ts';

/** JSON text of `value` with random whitespace between tokens (outside strings). */
const spaced = (value: unknown, spaces: string[]): string => {
  let k = 0;
  const pad = () => spaces[k++ % spaces.length] as string;
  return JSON.stringify(value).replace(/("(?:[^"\\]|\\.)*")|([[\]{},:])/g, (m, str) =>
    str ? m : `${pad()}${m}${pad()}`,
  );
};
const someSpaces = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 6 });

const slices = (text: string): unknown[] => {
  const bytes = Buffer.from(text);
  const elements: number[] = [];
  scanJson(bytes, Number.POSITIVE_INFINITY, elements);
  const out: unknown[] = [];
  for (let i = 0; i < elements.length; i += 2) {
    out.push(JSON.parse(bytes.subarray(elements[i], elements[i + 1]).toString()));
  }
  return out;
};

describe('scanJson', () => {
  it('finds each element of a top-level array, exactly its bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), someSpaces, (values, spaces) => {
        const text = spaced(values, spaces);
        assert.deepStrictEqual(slices(text), JSON.parse(text));
        const bytes = Buffer.from(text);
        const elements: number[] = [];
        scanJson(bytes, Number.POSITIVE_INFINITY, elements);
        for (let i = 0; i < elements.length; i += 2) {
          const first = bytes[elements[i] as number] as number;
          const last = bytes[(elements[i + 1] as number) - 1] as number;
          assert.ok(![32, 10, 13, 9, 44].includes(first) && ![32, 10, 13, 9, 44].includes(last), 'trimmed');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('takes a top-level object whole, and counts members as colons outside strings', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), someSpaces, (object, spaces) => {
        const text = spaced(object, spaces);
        assert.deepStrictEqual(slices(text), [JSON.parse(text)]);
        const members = (JSON.stringify(object).match(/("(?:[^"\\]|\\.)*")|:/g) ?? []).filter(
          (m) => m === ':',
        );
        assert.equal(scanJson(Buffer.from(text)), members.length);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses nesting past maxDepth with -1', () => {
    assert.equal(scanJson(Buffer.from('[[[1]]]'), 3), 0);
    assert.equal(scanJson(Buffer.from('[[[[1]]]]'), 3), -1);
    assert.equal(scanJson(Buffer.from('["[[[[", {"a": 1}]'), 2), 1);
  });

  it('gives no element for an empty array', () => {
    assert.deepStrictEqual(slices('[]'), []);
    assert.deepStrictEqual(slices(' [ \n ] '), []);
  });
});
