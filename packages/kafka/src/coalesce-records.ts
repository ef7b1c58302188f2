import type { CoalescingOptions, OutgoingMessage } from './batching-producer.ts';

/**
 * The records that carry `messages` when those bound for one partition are combined (see
 * CoalescingOptions): grouped by the partition their key maps to (`hashKey(key) % partitions`, the
 * partitioner's own rule), in order, cut where a record would exceed `maxRecordBytes` or
 * `maxRecordMessages`. A lone message stays as it is; a combined record names its partition.
 */
export function coalesceRecords(
  messages: readonly OutgoingMessage[],
  partitions: number,
  hashKey: (key: string) => number,
  coalesce: CoalescingOptions,
): OutgoingMessage[] {
  const byPartition = new Map<number, OutgoingMessage[]>();
  for (const m of messages) {
    const partition = hashKey(m.key) % partitions;
    const group = byPartition.get(partition);
    if (group) group.push(m);
    else byPartition.set(partition, [m]);
  }
  const maxBytes = coalesce.maxRecordBytes ?? 512 * 1024;
  const maxMessages = coalesce.maxRecordMessages ?? Number.POSITIVE_INFINITY;
  const records: OutgoingMessage[] = [];
  for (const [partition, group] of byPartition) {
    let start = 0;
    let bytes = 0;
    const close = (end: number) => {
      if (end - start === 1) records.push(group[start] as OutgoingMessage);
      else if (end > start) {
        const values = group.slice(start, end).map((m) => m.value);
        // Keyed by its first message's key: the partition is explicit, the key only informative.
        const key = (group[start] as OutgoingMessage).key;
        records.push({ key, value: coalesce.combine(values), headers: coalesce.headers, partition });
      }
      start = end;
      bytes = 0;
    };
    for (let i = 0; i < group.length; i++) {
      const size = (group[i] as OutgoingMessage).value.length + 1;
      if (i > start && (bytes + size > maxBytes || i - start >= maxMessages)) close(i);
      bytes += size;
    }
    close(group.length);
  }
  return records;
}
