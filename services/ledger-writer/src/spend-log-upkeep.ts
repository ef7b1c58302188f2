import { type LedgerDb, type MaintenanceOptions, maintainSpendLogs } from '@spend-ledger/ledger-db';
import type { Logger } from '@spend-ledger/platform';

export interface SpendLogUpkeep {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs maintainSpendLogs once now and then every `intervalMs`. A failed run is logged and tried
 * again at the next tick: the write path makes a missing partition itself, so nothing waits on it.
 */
export function startSpendLogUpkeep(
  db: () => LedgerDb,
  options: Omit<MaintenanceOptions, 'now'> & { intervalMs: number },
  log: Logger,
): SpendLogUpkeep {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return; // the previous run is still going (a long archive): skip this tick
    running = maintainSpendLogs(db(), options)
      .then(
        (result) => {
          const changed =
            result.created.length + result.archived.length + result.dropped.length + result.prunedRequestIds >
            0;
          if (changed) log.info(result, 'spend_logs upkeep');
        },
        (error: unknown) => log.error({ err: error }, 'spend_logs upkeep failed; retried at the next tick'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
