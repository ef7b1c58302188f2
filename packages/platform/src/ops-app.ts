import { Hono } from 'hono';
import { handleErrors, handleNotFound } from './http-errors.ts';
import { type HealthOptions, healthRoutes } from './http-health.ts';
import type { Logger } from './logger.ts';

/**
 * The operational endpoints (/healthz, /readyz, /metrics) as an app of their own, served on a
 * separate port (`*_OPS_HOST`/`*_OPS_PORT`, loopback by default): probes and Prometheus reach it
 * inside the cluster, while the public port answers only the API. A service adds its own
 * operational routes (the writer's /lag) to the returned app.
 */
export function createOpsApp(options: HealthOptions & { log: Logger }): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(options));
  app.onError(handleErrors(options.log));
  app.notFound(handleNotFound);
  return app;
}
