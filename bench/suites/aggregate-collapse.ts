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
