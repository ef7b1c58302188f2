import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartitionerArgs } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';
import { CachedKeyPartitioner } from './key-partitioner.ts';

describe('CachedKeyPartitioner', () => {
  it("picks DefaultPartitioner's partition for every key, first and cached", () => {
    const reference = Partitioners.DefaultPartitioner();
    const cached = CachedKeyPartitioner();
    for (const count of [1, 3, 6, 7, 64]) {
      const partitionMetadata = Array.from({ length: count }, (_, i) => ({
        partitionId: i,
        leader: 1,
        partitionErrorCode: 0,
        replicas: [1],
        isr: [1],
      }));
      for (let i = 0; i < 3_000; i++) {
        const key = i % 3 === 0 ? `sk-${'x'.repeat(i % 11)}-${i}` : `key-${i % 500}-é✓${i % 5}`;
        const args: PartitionerArgs = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
        const expected = reference(args);
        assert.equal(cached(args), expected, `key ${key}, ${count} partitions`);
        assert.equal(cached(args), expected, `key ${key}, ${count} partitions (cached)`);
      }
    }
  });

  it('keeps an explicit partition', () => {
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const cached = CachedKeyPartitioner();
    assert.equal(
      cached({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: 2 } }),
      2,
    );
  });
});
