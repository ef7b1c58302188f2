import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackDays } from './daily-series.ts';

describe('stacked daily series', () => {
  it('keeps the largest values by range total and puts each day remainder in other', () => {
    const stacked = stackDays(
      [
        { date: '2026-11-01', total: '10', parts: { a: '6', b: '3', c: '1' } },
        { date: '2026-11-03', total: '5', parts: { b: '4.5', c: '0.5' } },
      ],
      ['2026-11-01', '2026-11-02', '2026-11-03'],
      2,
    );
    assert.deepEqual(
      stacked.series.map((s) => s.name),
      ['b', 'a', 'other'],
    );
    assert.deepEqual(stacked.series[0]!.values, ['3.000000000000', '0.000000000000', '4.500000000000']);
    assert.deepEqual(stacked.series[2]!.values, ['1.000000000000', '0.000000000000', '0.500000000000']);
  });

  it('has no other series when the named values cover every day', () => {
    const stacked = stackDays([{ date: '2026-11-01', total: '1', parts: { a: '1' } }], ['2026-11-01']);
    assert.deepEqual(
      stacked.series.map((s) => s.name),
      ['a'],
    );
  });
});
