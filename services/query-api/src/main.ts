import { serve } from '@hono/node-server';
import { createLedgerDb, pingLedgerDb } from '@spend-ledger/ledger-db';
import { ConfigError, createLogger, createMetricsRegistry, installShutdown } from '@spend-ledger/platform';
import { createQueryApp } from './app.ts';
import { loadQueryConfig } from './config.ts';

let config: ReturnType<typeof loadQueryConfig>;
try {
  config = loadQueryConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`query-api: ${error.message}`);
  process.exit(1);
}

const log = createLogger({ service: 'query-api', level: config.logLevel });
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
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  log.info({ host: info.address, port: info.port }, 'query api listening');
});

installShutdown(
  log,
  [
    {
      name: 'not ready',
      run: () => {
        shuttingDown = true;
      },
    },
    { name: 'stop accepting', run: () => new Promise<void>((r) => server.close(() => r())) },
    { name: 'close database pool', run: () => ledger.close() },
  ],
  config.shutdownTimeoutMs,
);
