import { createOpsApp, type Logger, type Registry } from '@spend-ledger/platform';
import type { Hono } from 'hono';
import type { LagGauge } from './lag-gauge.ts';

export interface WriterAppDeps {
  log: Logger;
  registry: Registry;
  checks: Record<string, () => Promise<boolean>>;
  isShuttingDown: () => boolean;
  lag: LagGauge;
}

/** The writer's operational endpoints: health, readiness, metrics and consumer lag. */
export function createWriterApp(deps: WriterAppDeps): Hono {
  const app = createOpsApp({
    log: deps.log,
    checks: deps.checks,
    isShuttingDown: deps.isShuttingDown,
    metrics: deps.registry,
  });
  app.get('/lag', async (c) => {
    const partitions = await deps.lag.refresh();
    return c.json({ total: partitions.reduce((n, p) => n + p.lag, 0), partitions });
  });
  return app;
}
