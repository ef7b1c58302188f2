import { createLogger, exitOnConfigError, installShutdown } from '@spend-ledger/platform';
import { loadWriterConfig } from './config.ts';
import { startWriter } from './start-writer.ts';

const config = exitOnConfigError('ledger-writer', loadWriterConfig);
const log = createLogger({ service: 'ledger-writer', level: config.logLevel });
const writer = await startWriter(config, log);
installShutdown(log, writer.shutdownSteps, config.shutdownTimeoutMs);
