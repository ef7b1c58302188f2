import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { aggregateSpend } from './aggregate.ts';

const event = (o: Record<string, unknown>) =>
  SpendEventSchema.parse({
    request_id: String(Math.random()),
    timestamp: '2026-11-28T10:00:00Z',
    api_key: 'k',
    model: 'm',
    spend: '0.1',
    ...o,
  });

describe('aggregateSpend grain', () => {
  it('splits hourly rows by UTC hour and sorts them by (day, hour)', () => {
    const { daily } = aggregateSpend([
      event({ timestamp: '2026-11-28T23:59:59.999Z' }),
      event({ timestamp: '2026-11-28T09:00:00+05:30' }),
      event({ timestamp: '2026-11-28T03:59:00Z' }),
      event({ timestamp: '2026-11-29T00:00:00Z' }),
    ]);
    assert.deepEqual(
      daily.map((d) => [d.day, d.hour, d.apiRequests]),
      [
        ['2026-11-28', 3, 2],
        ['2026-11-28', 23, 1],
        ['2026-11-29', 0, 1],
      ],
    );
  });

  it('rolls up per entity, model and provider and UTC day, sorted by (dimension, value, day)', () => {
    const { rollup } = aggregateSpend([
      event({ team_id: 't', tags: ['x'], provider: 'openai', spend: '0.25' }),
      event({ team_id: 't', model: 'n', spend: '0.5', timestamp: '2026-11-29T01:00:00Z' }),
      event({ team_id: 't', spend: '1', status: 'failure' }),
    ]);
    assert.deepEqual(
      rollup.map((r) => [r.dimension, r.value, r.day, r.spend.toString(), r.apiRequests, r.failedRequests]),
      [
        ['key', 'k', '2026-11-28', '1.250000000000', 2, 1],
        ['key', 'k', '2026-11-29', '0.500000000000', 1, 0],
        ['model', 'm', '2026-11-28', '1.250000000000', 2, 1],
        ['model', 'n', '2026-11-29', '0.500000000000', 1, 0],
        ['provider', '', '2026-11-28', '1.000000000000', 1, 1],
        ['provider', '', '2026-11-29', '0.500000000000', 1, 0],
        ['provider', 'openai', '2026-11-28', '0.250000000000', 1, 0],
        ['tag', 'x', '2026-11-28', '0.250000000000', 1, 0],
        ['team', 't', '2026-11-28', '1.250000000000', 2, 1],
        ['team', 't', '2026-11-29', '0.500000000000', 1, 0],
      ],
    );
  });
});
