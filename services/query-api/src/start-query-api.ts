import { createLedgerDb, pingLedgerDb, poolOptions } from '@spend-ledger/ledger-db';
import {
  createMetricsRegistry,
  createOpsApp,
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

/**
 * The session settings of the query API's pool: QUERY_SESSION_SETTINGS plus a statement timeout, so
 * no request can hold a connection and a backend for longer (Postgres cancels the query, SQLSTATE
 * 57014, answered 503 by the app).
 */
export const querySessionSettings = (statementTimeoutMs: number): Record<string, string> => ({
  ...QUERY_SESSION_SETTINGS,
  statement_timeout: String(statementTimeoutMs),
});

export async function startQueryApi(config: QueryConfig, log: Logger): Promise<RunningService> {
  const registry = createMetricsRegistry('query-api');
  const ledger = createLedgerDb(config.database.url, {
    ...poolOptions(config.database),
    applicationName: 'spend-ledger-query',
    settings: querySessionSettings(config.statementTimeoutMs),
  });
  const gate = readinessGate();
  const app = createQueryApp({
    ...config,
    db: ledger.db,
    log,
    registry,
  });
  const ops = createOpsApp({
    log,
    checks: { database: () => pingLedgerDb(ledger.db) },
    isShuttingDown: gate.isShuttingDown,
    metrics: registry,
  });
  // Public port first: once /readyz answers, the API is listening too.
  const http = await listen(app.fetch, config.host, config.port, config.httpLimits);
  const opsHttp = await listen(ops.fetch, config.opsHost, config.opsPort, config.httpLimits);
  log.info({ url: http.url, opsUrl: opsHttp.url }, 'query api listening');

  const shutdownSteps: ShutdownStep[] = [
    gate.step,
    { name: 'stop accepting requests', run: http.close },
    { name: 'close database pool', run: () => ledger.close() },
    // Last, so probes see 503 and Prometheus can scrape throughout the drain.
    { name: 'close ops server', run: opsHttp.close },
  ];
  return {
    url: http.url,
    opsUrl: opsHttp.url,
    shutdownSteps,
    stop: () => runShutdownSteps(shutdownSteps),
  };
}
