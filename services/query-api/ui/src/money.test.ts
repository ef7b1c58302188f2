import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moneyToString, parseMoney, subtractMoney, sumMoney } from './money.ts';

describe('dashboard money', () => {
  it('reads and writes 12-decimal amounts exactly', () => {
    assert.equal(parseMoney('0.000000000001'), 1n);
    assert.equal(parseMoney('12.5'), 12_500_000_000_000n);
    assert.equal(moneyToString(1n), '0.000000000001');
    assert.equal(moneyToString(-12_500_000_000_000n), '-12.500000000000');
    assert.throws(() => parseMoney('1e3'));
  });

  it('adds without float drift', () => {
    assert.equal(sumMoney(['0.1', '0.2']), '0.300000000000');
    assert.equal(sumMoney(Array.from({ length: 1000 }, () => '0.000000000001')), '0.000000001000');
    assert.equal(subtractMoney('1.000000000000', '0.999999999999'), '0.000000000001');
  });
});
