import type { PartitionLag } from '@spend-ledger/kafka';
import {
  handleErrors,
  handleNotFound,
  healthRoutes,
  type Logger,
  type Registry,
} from '@spend-ledger/platform';
import { Hono } from 'hono';
import type { WriterMetrics } from './metrics.ts';

export interface WriterAppDeps {
  log: Logger;
  registry: Registry;
  metrics: WriterMetrics;
  checks: Record<string, () => Promise<boolean>>;
  isShuttingDown: () => boolean;
  fetchLag: () => Promise<PartitionLag[]>;
}

/** The writer's operational endpoints: health, readiness, metrics and consumer lag. */
export function createWriterApp(deps: WriterAppDeps): Hono {
  const app = new Hono();
  app.route(
    '/',
    healthRoutes({ checks: deps.checks, isShuttingDown: deps.isShuttingDown, metrics: deps.registry }),
  );
  app.get('/lag', async (c) => {
    const partitions = await deps.fetchLag();
    for (const p of partitions) deps.metrics.consumerLag.set({ partition: String(p.partition) }, p.lag);
    return c.json({ total: partitions.reduce((n, p) => n + p.lag, 0), partitions });
  });
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
