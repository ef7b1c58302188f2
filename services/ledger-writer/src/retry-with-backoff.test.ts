import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbandonedError, retryWithBackoff } from './retry-with-backoff.ts';

describe('retryWithBackoff', () => {
  it('retries until the work succeeds and reports failing and recovered once each', async () => {
    let calls = 0;
    const states: string[] = [];
    const result = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error('down');
        return 'done';
      },
      { initialMs: 1, maxMs: 4, shouldContinue: () => true, onStateChange: (s) => states.push(s) },
    );
    assert.equal(result, 'done');
    assert.equal(calls, 4);
    assert.deepEqual(states, ['failing', 'recovered']);
  });

  it('abandons when the consumer stops, without another attempt', async () => {
    let running = true;
    let calls = 0;
    await assert.rejects(
      retryWithBackoff(
        async () => {
          calls += 1;
          running = false;
          throw new Error('down');
        },
        { initialMs: 1, maxMs: 1, shouldContinue: () => running },
      ),
      AbandonedError,
    );
    assert.equal(calls, 1);
  });

  it('lets a heartbeat error (a rebalance) end the wait', async () => {
    await assert.rejects(
      retryWithBackoff(
        async () => {
          throw new Error('down');
        },
        {
          initialMs: 50,
          maxMs: 50,
          shouldContinue: () => true,
          heartbeat: async () => {
            throw new Error('The group is rebalancing');
          },
        },
      ),
      /rebalancing/,
    );
  });
});
