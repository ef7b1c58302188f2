import {
  bearerAuth,
  handleErrors,
  handleNotFound,
  healthRoutes,
  type Logger,
  type Registry,
} from '@spend-ledger/platform';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { GatewayMetrics } from './metrics.ts';
import { eventsRoute, type Publisher } from './routes/events.ts';

export interface GatewayAppDeps {
  publisher: Publisher;
  ingestTokens: readonly string[];
  log: Logger;
  registry: Registry;
  metrics: GatewayMetrics;
  isReady: () => Promise<boolean>;
  isShuttingDown: () => boolean;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  retryAfterSeconds: number;
}

/** Builds the gateway's HTTP app from its dependencies; never listens (tests call it directly). */
export function createGatewayApp(deps: GatewayAppDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    deps.metrics.httpRequests.inc({ method: c.req.method, route: c.req.routePath, status });
    // Success is the hot path: one line per accepted batch at debug; failures at info.
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    deps.log[level](
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: performance.now() - started,
      },
      'request',
    );
  });
  app.route(
    '/',
    healthRoutes({
      checks: { kafka: deps.isReady },
      isShuttingDown: deps.isShuttingDown,
      metrics: deps.registry,
    }),
  );
  app.use('/v1/*', bearerAuth(deps.ingestTokens));
  app.route('/v1/events', eventsRoute(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
