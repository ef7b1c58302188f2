import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { divideHalfEven, formatSpend, parseSpend, roundSpend, SpendSum, spendToUnits } from './money.ts';

const units = (v: string | number) => {
  const r = parseSpend(v);
  assert.ok(r.ok, `expected ${v} to parse`);
  return r.units;
};

describe('parseSpend', () => {
  it('reads decimal strings exactly to 12 places', () => {
    assert.equal(units('0.000000000001'), 1n);
    assert.equal(units('12.5'), 12_500_000_000_000n);
    assert.equal(units('0'), 0n);
    assert.equal(units('999999999.999999999999'), 999_999_999_999_999_999_999n);
  });

  it('reads JSON numbers through their shortest text, so 0.1 + 0.2 stays exact', () => {
    assert.equal(units(0.1) + units(0.2), units('0.3'));
    assert.equal(units(1e-7), 100_000n);
    assert.equal(units(3), 3_000_000_000_000n);
  });

  it('accepts exponent notation in strings', () => {
    assert.equal(units('1.5e-3'), 1_500_000_000n);
    assert.equal(units('2E2'), 200_000_000_000_000n);
  });

  it('ignores trailing zeros past the 12th decimal', () => {
    assert.equal(units('0.1000000000000000'), 100_000_000_000n);
  });

  it('refuses negatives, non-numbers, too many decimals and huge values', () => {
    for (const [value, reason] of [
      ['-1', /negative/],
      ['abc', /decimal/],
      ['1.2.3', /decimal/],
      ['', /decimal/],
      ['0x10', /decimal/],
      ['0.0000000000001', /12 decimal/],
      ['1e10', /exceed/],
      [Number.NaN, /finite/],
      [Number.POSITIVE_INFINITY, /finite/],
      [-0.5, /negative/],
    ] as const) {
      const r = parseSpend(value);
      assert.equal(r.ok, false, `expected ${String(value)} to be refused`);
      if (!r.ok) assert.match(r.reason, reason);
    }
  });
});

describe('parseSpend: one rule for signs and blanks', () => {
  it('refuses a minus sign in either form, negative zero included', () => {
    // -1e-400 as a JSON number underflows to -0: the sender meant a negative amount.
    for (const value of [
      -0,
      JSON.parse('-0') as number,
      JSON.parse('-1e-400') as number,
      '-0',
      '-0.0',
      '-1e-400',
    ]) {
      const r = parseSpend(value);
      assert.equal(
        r.ok,
        false,
        `expected ${Object.is(value, -0) ? '-0 (number)' : String(value)} to be refused`,
      );
      if (!r.ok) assert.match(r.reason, /negative/);
    }
  });

  it('refuses blanks around a spend string instead of trimming them', () => {
    for (const value of [' 1.5', '1.5 ', '\t1', '1\n', '\u00a01']) {
      const r = parseSpend(value);
      assert.equal(r.ok, false, JSON.stringify(value));
    }
  });

  it('accepts zero written without a sign', () => {
    assert.equal(units(0), 0n);
    assert.equal(units('0.0'), 0n);
    assert.equal(units('0e-20'), 0n);
  });
});

describe('formatSpend and spendToUnits', () => {
  it('round-trip fixed 12-decimal text', () => {
    for (const text of ['0.000000000000', '1.000000000001', '123456789.123456789012', '-5.250000000000']) {
      assert.equal(formatSpend(spendToUnits(text)), text);
    }
  });

  it('sums many small amounts without drift', () => {
    let total = 0n;
    for (let i = 0; i < 10_000; i++) total += units('0.000123456789');
    assert.equal(formatSpend(total), '1.234567890000');
  });
});

describe('SpendSum', () => {
  it('adds fixed 12-decimal text exactly, carrying into whole dollars', () => {
    const sum = new SpendSum();
    for (const text of ['0.999999999999', '0.000000000001', '12.500000000000', '999999999.999999999999'])
      sum.addText(text);
    assert.equal(sum.toString(), '1000000013.499999999999');
    assert.equal(sum.toUnits(), spendToUnits('1000000013.499999999999'));
  });

  it('agrees with bigint addition over many random amounts', () => {
    const sum = new SpendSum();
    const other = new SpendSum();
    let reference = 0n;
    for (let i = 0; i < 5_000; i++) {
      const units = BigInt(Math.floor(Math.random() * 1e9)) * 1_000_003n + BigInt(i);
      reference += units;
      (i % 2 ? sum : other).addText(formatSpend(units));
    }
    sum.add(other);
    assert.equal(sum.toUnits(), reference);
  });

  it('falls back to the exact parser for text that is not in fixed form', () => {
    const sum = new SpendSum();
    sum.addText('1.5');
    sum.addUnits(5n);
    assert.equal(sum.toString(), '1.500000000005');
  });
});

describe('spendToUnits', () => {
  it('reads ledger sums beyond one event’s cap', () => {
    assert.equal(spendToUnits('123456789012345.000000000001'), 123_456_789_012_345_000_000_000_001n);
  });
});

describe('roundSpend', () => {
  const rounded = (v: string | number) => {
    const r = roundSpend(v);
    assert.ok(r.ok, `expected ${v} to round`);
    return formatSpend(r.units);
  };

  it('rounds float noise past the 12th decimal away', () => {
    assert.equal(rounded(0.00022500000000000002), '0.000225000000');
    assert.equal(rounded(0.1 + 0.2), '0.300000000000');
    assert.equal(rounded(1.5e-13), '0.000000000000');
    assert.equal(rounded('0.0000000000016'), '0.000000000002');
  });

  it('rounds half to even on the 13th decimal', () => {
    assert.equal(rounded('0.0000000000005'), '0.000000000000');
    assert.equal(rounded('0.0000000000015'), '0.000000000002');
    assert.equal(rounded('0.0000000000025'), '0.000000000002');
    assert.equal(rounded('0.00000000000250001'), '0.000000000003');
    assert.equal(rounded('1.9999999999995'), '2.000000000000');
  });

  it('keeps exact amounts exact and refuses what parseSpend refuses for other reasons', () => {
    assert.equal(rounded('12.5'), '12.500000000000');
    for (const bad of ['-0.1', 'abc', '1e10', Number.NaN]) assert.equal(roundSpend(bad).ok, false);
  });
});

describe('divideHalfEven', () => {
  it('rounds halves to the even neighbour and the rest to the nearest', () => {
    assert.deepEqual(
      [5n, 15n, 25n, 26n, 24n, 0n].map((n) => divideHalfEven(n, 10n)),
      [0n, 2n, 2n, 3n, 2n, 0n],
    );
  });
});
