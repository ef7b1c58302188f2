import type { PartitionLag } from '@spend-ledger/kafka';
import type { Gauge, Logger } from '@spend-ledger/platform';

export interface LagGauge {
  /** Reads the group's lag now and sets the gauge (what /lag answers). */
  refresh(): Promise<PartitionLag[]>;
  /** Refreshes every `intervalMs` in the background until stop(). */
  start(intervalMs: number): void;
  stop(): void;
}

/**
 * Keeps `writer_consumer_lag_messages` current on a timer, so Prometheus (and alerts on it) sees
 * the lag even when nobody calls /lag. Every replica reports the whole group's lag per partition:
 * aggregate with max by (partition), not sum.
 */
export function createLagGauge(
  gauge: Gauge<'partition'>,
  fetchLag: () => Promise<PartitionLag[]>,
  log: Logger,
): LagGauge {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<PartitionLag[]> | undefined;
  let failing = false;

  const refresh = () => {
    inFlight ??= fetchLag()
      .then((partitions) => {
        // reset + set in one synchronous run: a scrape never sees a half-updated gauge, and
        // partitions that disappeared lose their series.
        gauge.reset();
        for (const p of partitions) gauge.set({ partition: String(p.partition) }, p.lag);
        return partitions;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const refreshInBackground = async () => {
    try {
      await refresh();
      if (failing) log.info('consumer lag readable again');
      failing = false;
    } catch (error) {
      // One line per outage: the broker being away is logged elsewhere too.
      if (!failing) log.warn({ err: error }, 'consumer lag not readable; the gauge keeps its last values');
      failing = true;
    }
  };

  return {
    refresh,
    start: (intervalMs) => {
      timer = setInterval(() => void refreshInBackground(), intervalMs);
      timer.unref();
      void refreshInBackground();
    },
    stop: () => clearInterval(timer),
  };
}
