/**
 * The shard a window's aggregate rows go to (docs/decisions.md, "Aggregate rows sharded by writer
 * partition"): the lowest of the partitions the window was read from. The consumer group gives a
 * partition to one writer at a time, so no other writer upserts those rows; every row of the
 * window gets the same shard, so the window writes exactly the rows it would write unsharded, and
 * a writer whose assignment is stable keeps writing one shard. 0 for a window read from no
 * partition (none is ever flushed).
 */
export const windowShard = (partitions: readonly number[]): number =>
  partitions.length === 0 ? 0 : Math.min(...partitions);
