import type { SpendEvent } from '@spend-ledger/contract';
import { createKeyHasher } from '@spend-ledger/kafka';
import { aggregateSpend, type SpendDeltas } from '@spend-ledger/ledger-db';
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
  writers: number;
  shard: string;
  /** Aggregate rows (daily + roll-up + totals) upserted per event: the database work. */
  writtenPerEvent: number;
  /** Distinct aggregate rows per event at the end of the run: what the tables keep. */
  storedPerEvent: number;
}

/** The preload's partition count: the bench topics have 6 partitions. */
const PARTITIONS = 6;

/** How a window's events are split into shards: [shard, events] pairs. */
type ShardSplit = (events: SpendEvent[], sequence: number) => Array<[number, SpendEvent[]]>;

/** The aggregate rows' keys (every key column of their table), for counting distinct rows. */
function rowKeys(d: SpendDeltas, shard: number): string[] {
  return [
    ...d.daily.map(
      (r) =>
        `d${shard}\u0000${r.entityType}\u0000${r.entityId}\u0000${r.day}\u0000${r.hour}\u0000${r.apiKey}\u0000${r.model}\u0000${r.provider}`,
    ),
    ...d.rollup.map((r) => `r${shard}\u0000${r.dimension}\u0000${r.value}\u0000${r.day}`),
    ...d.totals.map((r) => `t${shard}\u0000${r.entityType}\u0000${r.entityId}`),
  ];
}

/** Rows written and kept when each writer's stream is cut into windows and split by `split`. */
function simulate(streams: SpendEvent[][], window: number, split: ShardSplit) {
  let written = 0;
  const stored = new Set<string>();
  for (const stream of streams) {
    for (let from = 0, sequence = 0; from < stream.length; from += window, sequence++) {
      for (const [shard, events] of split(stream.slice(from, from + window), sequence)) {
        const keys = rowKeys(aggregateSpend(events), shard);
        written += keys.length;
        for (const k of keys) stored.add(k);
      }
    }
  }
  return { written, stored: stored.size };
}

/**
 * What the shard choice costs in aggregate rows, for 1 and 3 writers on 6 partitions (events keyed
 * by api key as the gateway does; with 3 writers each reads 2 partitions). Per window: every row of
 * a window gets one shard, either its lowest partition or, in turn, one of its 2 lowest (the 2
 * windows a writer has in flight then write different rows); per event: each event gets its own
 * partition's shard, so hot rows (model, provider, org, proxy) split once per partition inside
 * every window. "none" is the unsharded ledger: it writes exactly what "per window" writes.
 */
export function measureShardChoice(windows: readonly number[], events: number): ShardChoiceRow[] {
  const all = new SpendEventGenerator({
    ...DEFAULT_WORKLOAD,
    duplicateShare: 0,
    expectedEvents: events,
  }).take(events);
  const hash = createKeyHasher();
  const partitionOf = (e: SpendEvent) => hash(e.api_key === '' ? e.request_id : e.api_key) % PARTITIONS;
  const partitionsOf = (list: SpendEvent[]) => [...new Set(list.map(partitionOf))].sort((a, b) => a - b);
  const splits: Record<string, ShardSplit> = {
    none: (list) => [[0, list]],
    'per window: lowest partition': (list) => [[partitionsOf(list)[0] ?? 0, list]],
    'per window: 2 lowest in turn': (list, sequence) => {
      const ps = partitionsOf(list);
      return [[ps[(sequence % 2) % ps.length] ?? 0, list]];
    },
    "per event: the event's partition": (list) => {
      const parts = new Map<number, SpendEvent[]>();
      for (const e of list) {
        const p = partitionOf(e);
        const part = parts.get(p);
        if (part) part.push(e);
        else parts.set(p, [e]);
      }
      return [...parts];
    },
  };
  // Kafka's round-robin assignment of 6 partitions to 3 members: member m reads p with p % 3 = m.
  const layouts = [[all], [0, 1, 2].map((m) => all.filter((e) => partitionOf(e) % 3 === m))];
  const per = (rows: number) => Math.round((rows / all.length) * 1000) / 1000;
  const rows: ShardChoiceRow[] = [];
  for (const window of windows) {
    for (const streams of layouts) {
      for (const [shard, split] of Object.entries(splits)) {
        const r = simulate(streams, window, split);
        rows.push({
          window,
          writers: streams.length,
          shard,
          writtenPerEvent: per(r.written),
          storedPerEvent: per(r.stored),
        });
      }
    }
  }
  return rows;
}
