import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartitionLag } from '@spend-ledger/kafka';
import { createLogger, createMetricsRegistry, Gauge } from '@spend-ledger/platform';
import { waitUntil } from '@spend-ledger/testing';
import { createLagGauge } from './lag-gauge.ts';

const lagOf = (partition: number, lag: number): PartitionLag => ({
  partition,
  committed: '0',
  highWatermark: String(lag),
  lag,
});

describe('lag gauge', () => {
  const setup = () => {
    const registry = createMetricsRegistry('test');
    const gauge = new Gauge({ name: 'lag', help: 'lag', labelNames: ['partition'], registers: [registry] });
    return { registry, gauge };
  };
  const values = async (gauge: Gauge<'partition'>) =>
    (await gauge.get()).values.map((v) => [v.labels.partition, v.value]).sort();

  it('refreshes on its timer, and drops partitions that are gone', async () => {
    const { gauge } = setup();
    let answer = [lagOf(0, 5), lagOf(1, 7)];
    let calls = 0;
    const lag = createLagGauge(
      gauge,
      async () => {
        calls += 1;
        return answer;
      },
      createLogger({ service: 'test', level: 'silent' }),
    );
    lag.start(20);
    await waitUntil(async () => (await values(gauge)).length === 2 || undefined, { description: 'first' });
    assert.deepEqual(await values(gauge), [
      ['0', 5],
      ['1', 7],
    ]);
    answer = [lagOf(1, 0)];
    const seen = calls;
    await waitUntil(async () => (calls > seen && (await values(gauge)).length === 1) || undefined, {
      description: 'a later refresh',
    });
    lag.stop();
    assert.deepEqual(await values(gauge), [['1', 0]]);
  });

  it('keeps the last values when the broker cannot be read, and /lag sees the error', async () => {
    const { gauge } = setup();
    let fail = false;
    const lag = createLagGauge(
      gauge,
      async () => {
        if (fail) throw new Error('broker away');
        return [lagOf(0, 3)];
      },
      createLogger({ service: 'test', level: 'silent' }),
    );
    await lag.refresh();
    fail = true;
    await assert.rejects(lag.refresh(), /broker away/);
    assert.deepEqual(await values(gauge), [['0', 3]]);
  });
});
