import { createLogger, exitOnConfigError, installShutdown } from '@spend-ledger/platform';
import { loadWriterConfig } from './config.ts';
import { missingProcessSettings } from './process-settings.ts';
import { startWriter } from './start-writer.ts';

const config = exitOnConfigError('ledger-writer', loadWriterConfig);
const log = createLogger({ service: 'ledger-writer', level: config.logLevel });
const missing = missingProcessSettings();
if (missing.length > 0)
  log.warn(
    { missing },
    'started without the writer memory settings (process-settings.ts); its peak RSS will be higher',
  );
const writer = await startWriter(config, log);
installShutdown(log, writer.shutdownSteps, config.shutdownTimeoutMs);
