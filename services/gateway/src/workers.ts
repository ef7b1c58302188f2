import cluster from 'node:cluster';
import { createKafka } from '@spend-ledger/kafka';
import type { Logger } from '@spend-ledger/platform';
import type { GatewayConfig } from './config.ts';
import { ensureSpendTopic } from './start-gateway.ts';

/** A worker that dies is replaced after this pause, so a gateway that cannot start does not spin. */
const RESTART_DELAY_MS = 1_000;

/**
 * GATEWAY_WORKERS > 1: this process only supervises. It creates the topic once (so workers do not
 * race to), then forks that many workers (node:cluster), each a whole gateway with its own
 * idempotent producer, sharing the public and ops ports. The gateway is CPU-bound in one thread
 * (JSON, validation, kafkajs' record encoding), so workers use more cores of one host. A worker
 * that dies is replaced; SIGTERM/SIGINT are passed on and the primary exits once every worker has
 * drained (each runs the usual ordered shutdown).
 */
export async function superviseWorkers(config: GatewayConfig, log: Logger): Promise<void> {
  if (config.createTopics) await ensureSpendTopic(createKafka({ ...config.kafka, log }), config, log);
  let stopping = false;
  let failed = false;
  const fork = () => cluster.fork({ CREATE_TOPICS: 'false' });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutdown requested; stopping workers');
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      // Each worker has its own shutdown deadline; this one only catches a worker that hangs.
      setTimeout(() => {
        log.error('workers did not stop in time; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs + 5_000).unref();
    });
  }
  for (let i = 0; i < config.workers; i++) fork();
  log.info({ workers: config.workers }, 'gateway supervising workers');
}
