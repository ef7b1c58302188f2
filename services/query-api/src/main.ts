import { createLogger, exitOnConfigError, installShutdown } from '@spend-ledger/platform';
import { loadQueryConfig } from './config.ts';
import { startQueryApi } from './start-query-api.ts';

const config = exitOnConfigError('query-api', loadQueryConfig);
const log = createLogger({ service: 'query-api', level: config.logLevel });
const queryApi = await startQueryApi(config, log);
installShutdown(log, queryApi.shutdownSteps, config.shutdownTimeoutMs);
