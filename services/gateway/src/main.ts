import { createLogger, exitOnConfigError, installShutdown } from '@spend-ledger/platform';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './start-gateway.ts';

const config = exitOnConfigError('gateway', loadGatewayConfig);
const log = createLogger({ service: 'gateway', level: config.logLevel });
const gateway = await startGateway(config, log);
installShutdown(log, gateway.shutdownSteps, config.shutdownTimeoutMs);
