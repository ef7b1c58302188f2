import cluster from 'node:cluster';
import { createLogger, exitOnConfigError, installShutdown } from '@spend-ledger/platform';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './start-gateway.ts';
import { superviseWorkers } from './workers.ts';

const config = exitOnConfigError('gateway', loadGatewayConfig);
const log = createLogger({ service: 'gateway', level: config.logLevel });
if (config.workers > 1 && cluster.isPrimary) {
  await superviseWorkers(config, log);
} else {
  const gateway = await startGateway(config, log);
  const steps = [...gateway.shutdownSteps];
  // A worker's IPC channel to the primary would keep it alive after its drain.
  if (cluster.isWorker)
    steps.push({ name: 'leave the cluster', run: () => void cluster.worker?.disconnect() });
  installShutdown(log, steps, config.shutdownTimeoutMs);
}
