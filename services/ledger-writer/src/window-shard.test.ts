import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowShard } from './window-shard.ts';

describe('windowShard', () => {
  it("is the window's lowest partition", () => {
    assert.equal(windowShard([5, 2, 3]), 2);
    assert.equal(windowShard([4]), 4);
  });

  it('is 0 for a window read from no partition', () => {
    assert.equal(windowShard([]), 0);
  });
});
