import { createRequire } from 'node:module';
import type { ICustomPartitioner } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';

// kafkajs' own murmur2 (Java client compatible); not part of its typed API, so loaded by path.
const murmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string | Buffer,
) => number;

/** Distinct keys remembered before the cache starts over (a few MB at most). */
const MAX_CACHED_KEYS = 100_000;

/**
 * A key's positive murmur2 hash, the one Kafka's Java client and kafkajs' DefaultPartitioner take
 * modulo the partition count, cached per key: api keys repeat (Zipf).
 */
export function createKeyHasher(): (key: string) => number {
  const hashes = new Map<string, number>();
  return (key) => {
    let hash = hashes.get(key);
    if (hash === undefined) {
      if (hashes.size >= MAX_CACHED_KEYS) hashes.clear();
      hash = murmur2(key) & 0x7fffffff;
      hashes.set(key, hash);
    }
    return hash;
  };
}

/**
 * kafkajs' DefaultPartitioner with the key hash cached per key. For a message with a key it picks
 * exactly the partition DefaultPartitioner picks (murmur2(key) & 0x7fffffff mod partitions), so a
 * retried event lands where its first copy did; without a key, or with an explicit partition, it
 * defers to DefaultPartitioner. DefaultPartitioner hashes with a Long-based murmur2 and filters the
 * partition list on every message, a few percent of the gateway's CPU; api keys repeat (Zipf), so
 * the hash is computed once per key.
 */
export const CachedKeyPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const hashKey = createKeyHasher();
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null)) {
      return fallback(args);
    }
    return hashKey(key) % partitionMetadata.length;
  };
};
