import { createLedgerDb, pingLedgerDb, poolOptions } from '@spend-ledger/ledger-db';
import {
  createMetricsRegistry,
  type Logger,
  listen,
  type RunningService,
  readinessGate,
  runShutdownSteps,
  type ShutdownStep,
} from '@spend-ledger/platform';
import { createQueryApp } from './app.ts';
import type { QueryConfig } from './config.ts';

/**
 * Per-connection settings for read queries: JIT compilation costs hundreds of milliseconds on the
 * large cost estimates of month-long aggregations and saves nothing on them; a little more work_mem
 * keeps the grouping of a month of hourly rows in memory.
 */
export const QUERY_SESSION_SETTINGS = { jit: 'off', work_mem: '32MB' };

export async function startQueryApi(config: QueryConfig, log: Logger): Promise<RunningService> {
  const registry = createMetricsRegistry('query-api');
  const ledger = createLedgerDb(config.database.url, {
    ...poolOptions(config.database),
    applicationName: 'spend-ledger-query',
    settings: QUERY_SESSION_SETTINGS,
  });
  const gate = readinessGate();
  const app = createQueryApp({
    ...config,
    db: ledger.db,
    log,
    registry,
    isReady: () => pingLedgerDb(ledger.db),
    isShuttingDown: gate.isShuttingDown,
  });
  const http = await listen(app.fetch, config.host, config.port);
  log.info({ url: http.url }, 'query api listening');

  const shutdownSteps: ShutdownStep[] = [
    gate.step,
    { name: 'stop accepting requests', run: http.close },
    { name: 'close database pool', run: () => ledger.close() },
  ];
  return { url: http.url, shutdownSteps, stop: () => runShutdownSteps(shutdownSteps) };
}
