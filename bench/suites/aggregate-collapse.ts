import type { SpendEvent } from '@spend-ledger/contract';
import { createKeyHasher } from '@spend-ledger/kafka';
import { aggregateSpend } from '@spend-ledger/ledger-db';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

export interface CollapseRow {
  window: number;
  /** Rows written per event, per kind of delta the write path produces (daily, totals, ...). */
  rowsPerEvent: Record<string, number>;
  /** Daily rows per event by entity type. */
  dailyByEntity: Record<string, number>;
  /** Microseconds of aggregateSpend per event at this window. */
  aggregateMicros: number;
}

/**
 * How many aggregate rows one transaction must upsert per event, for flush windows of different
 * sizes: the database cost of the aggregates is proportional to this, not to the event count.
 * Uses the write path's own aggregateSpend, so it follows any change of grain or of dimensions.
 */
export function measureCollapse(windows: readonly number[], events: number): CollapseRow[] {
  const all = new SpendEventGenerator({
    ...DEFAULT_WORKLOAD,
    duplicateShare: 0,
    expectedEvents: events,
  }).take(events);
  return windows.map((window) => {
    const rows: Record<string, number> = {};
    const daily: Record<string, number> = {};
    let micros = 0;
    for (let from = 0; from < all.length; from += window) {
      const started = performance.now();
      const deltas = aggregateSpend(all.slice(from, from + window)) as unknown as Record<string, unknown>;
      micros += (performance.now() - started) * 1000;
      for (const [kind, list] of Object.entries(deltas)) {
        if (!Array.isArray(list)) continue;
        rows[kind] = (rows[kind] ?? 0) + list.length;
        if (kind !== 'daily') continue;
        for (const row of list as Array<{ entityType?: string }>) {
          const type = row.entityType ?? '?';
          daily[type] = (daily[type] ?? 0) + 1;
        }
      }
    }
    const per = (m: Record<string, number>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round((v / all.length) * 1000) / 1000]));
    return {
      window,
      rowsPerEvent: per(rows),
      dailyByEntity: per(daily),
      aggregateMicros: Math.round((micros / all.length) * 10) / 10,
    };
  });
}

export interface ShardChoiceRow {
  window: number;
  /** Aggregate rows (daily + roll-up + totals) per event, by how the shard is chosen. */
  rowsPerEvent: Record<string, number>;
}

/** The preload's partition count: the bench topics have 6 partitions. */
const PARTITIONS = 6;

/** Rows aggregateSpend produces for `events` written in windows of `window` events. */
function rowsOf(events: readonly SpendEvent[], window: number): number {
  let rows = 0;
  for (let from = 0; from < events.length; from += window) {
    const d = aggregateSpend(events.slice(from, from + window));
    rows += d.daily.length + d.rollup.length + d.totals.length;
  }
  return rows;
}

/** Rows when each window is split by the events' partitions: the shard is the event's partition. */
function rowsPerPartition(
  events: readonly SpendEvent[],
  window: number,
  partitionOf: (e: SpendEvent) => number,
) {
  let rows = 0;
  for (let from = 0; from < events.length; from += window) {
    const parts = new Map<number, SpendEvent[]>();
    for (const e of events.slice(from, from + window)) {
      const p = partitionOf(e);
      const list = parts.get(p);
      if (list) list.push(e);
      else parts.set(p, [e]);
    }
    for (const part of parts.values()) rows += rowsOf(part, part.length);
  }
  return rows;
}

/**
 * What the shard choice costs in aggregate rows per event, for 1 and 3 writers on 6 partitions
 * (events keyed by api key as the gateway does). "window" is what the writer does: every row of a
 * window gets one shard (its lowest partition), so a writer writes exactly the rows it wrote before
 * sharding. "event" gives each event its own partition's shard: hot rows (model, provider, org,
 * proxy) split once per partition inside every window. With 3 writers each reads its 2 partitions.
 */
export function measureShardChoice(windows: readonly number[], events: number): ShardChoiceRow[] {
  const all = new SpendEventGenerator({
    ...DEFAULT_WORKLOAD,
    duplicateShare: 0,
    expectedEvents: events,
  }).take(events);
  const hash = createKeyHasher();
  const partitionOf = (e: SpendEvent) => hash(e.api_key === '' ? e.request_id : e.api_key) % PARTITIONS;
  // Kafka's round-robin assignment of 6 partitions to 3 members: member m reads p with p % 3 = m.
  const writers = [0, 1, 2].map((m) => all.filter((e) => partitionOf(e) % 3 === m));
  const per = (rows: number) => Math.round((rows / all.length) * 1000) / 1000;
  return windows.map((window) => ({
    window,
    rowsPerEvent: {
      '1 writer, shard per window': per(rowsOf(all, window)),
      '1 writer, shard per event': per(rowsPerPartition(all, window, partitionOf)),
      '3 writers, shard per window': per(writers.reduce((n, w) => n + rowsOf(w, window), 0)),
      '3 writers, shard per event': per(
        writers.reduce((n, w) => n + rowsPerPartition(w, window, partitionOf), 0),
      ),
    },
  }));
}
