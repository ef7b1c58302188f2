import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell } from './csv.ts';

describe('csvCell', () => {
  it('guards text a spreadsheet would run as a formula, after leading blanks and line breaks too', () => {
    for (const [value, cell] of [
      ['=1+1', "'=1+1"],
      ['+1', "'+1"],
      ['-1+1', "'-1+1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      [' =1+1', "' =1+1"],
      ['  @x', "'  @x"],
      ['\t=1', "'\t=1"],
      ['\u00a0=1', "'\u00a0=1"],
      ['\r=1', `"'\r=1"`],
      ['\n=HYPERLINK("x")', `"'\n=HYPERLINK(""x"")"`],
      [' \r\n -1', `"' \r\n -1"`],
      ['\t', "'\t"],
      ['\r', `"'\r"`],
    ]) {
      assert.equal(csvCell(value), cell, JSON.stringify(value));
    }
  });

  it('leaves ordinary text, numbers and blanks alone, quoting per RFC 4180', () => {
    assert.equal(csvCell('gpt-4o'), 'gpt-4o');
    assert.equal(csvCell(' a = b'), ' a = b');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('a"b'), '"a""b"');
    assert.equal(csvCell(-1), '-1');
    assert.equal(csvCell('0.500000000000'), '0.500000000000');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(' '), ' ');
  });
});
