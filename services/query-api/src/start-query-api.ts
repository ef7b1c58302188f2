import { createLedgerDb, pingLedgerDb } from '@spend-ledger/ledger-db';
import {
  createMetricsRegistry,
  type Logger,
  listen,
  type RunningService,
  runShutdownSteps,
  type ShutdownStep,
} from '@spend-ledger/platform';
import { createQueryApp } from './app.ts';
import type { QueryConfig } from './config.ts';

export async function startQueryApi(config: QueryConfig, log: Logger): Promise<RunningService> {
  const registry = createMetricsRegistry('query-api');
  const ledger = createLedgerDb(config.databaseUrl, {
    maxConnections: config.dbPoolMax,
    applicationName: 'spend-ledger-query',
  });
  let shuttingDown = false;
  const app = createQueryApp({
    ...config,
    db: ledger.db,
    log,
    registry,
    isReady: () => pingLedgerDb(ledger.db),
    isShuttingDown: () => shuttingDown,
  });
  const http = await listen(app.fetch, config.host, config.port);
  log.info({ url: http.url }, 'query api listening');

  const shutdownSteps: ShutdownStep[] = [
    {
      name: 'not ready',
      run: () => {
        shuttingDown = true;
      },
    },
    { name: 'stop accepting requests', run: http.close },
    { name: 'close database pool', run: () => ledger.close() },
  ];
  return { url: http.url, shutdownSteps, stop: () => runShutdownSteps(shutdownSteps) };
}
