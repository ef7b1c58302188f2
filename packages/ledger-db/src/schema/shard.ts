import { smallint } from 'drizzle-orm/pg-core';

/**
 * The writer shard an aggregate row belongs to: a Kafka partition the writing window was read from
 * (0 for anything written outside a partition: tests, restore, migrations). It is part of every
 * aggregate table's key so that writers owning different partitions never upsert the same row:
 * with one row per (key, shard), the model, provider, org and proxy rows every window touches are
 * no longer shared, and concurrent writers stop queueing on each other's row locks. Readers sum
 * over it; an entity's total is at most one row per partition. See docs/decisions.md, "Aggregate
 * rows sharded by writer partition".
 */
export const shardColumn = () => smallint('shard').notNull().default(0);
