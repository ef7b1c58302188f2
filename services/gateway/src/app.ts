import {
  bearerAuth,
  handleErrors,
  handleNotFound,
  type Logger,
  type RequestIdEnv,
} from '@spend-ledger/platform';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { GatewayMetrics } from './metrics.ts';
import { eventsRoute, type Publisher } from './routes/events.ts';

export interface GatewayAppDeps {
  publisher: Publisher;
  ingestTokens: readonly string[];
  log: Logger;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  retryAfterSeconds: number;
}

/**
 * Builds the gateway's public HTTP app from its dependencies; never listens (tests call it
 * directly). Health, readiness and metrics are on the ops app (start-gateway.ts), not here.
 */
export function createGatewayApp(deps: GatewayAppDeps): Hono<RequestIdEnv> {
  const app = new Hono<RequestIdEnv>();
  app.use(requestId());
  // One labelled counter per (method, route, status), looked up by a string key: prom-client's
  // inc(labels) hashes the label object on every call.
  const requestCounters = new Map<string, { inc(): void }>();
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const method = c.req.method;
    const route = c.req.routePath;
    const key = `${method} ${route} ${status}`;
    let counter = requestCounters.get(key);
    if (!counter) {
      counter = deps.metrics.httpRequests.labels({ method, route, status });
      requestCounters.set(key, counter);
    }
    counter.inc();
    // Success is the hot path: one line per accepted batch at debug; failures at info.
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (!deps.log.isLevelEnabled(level)) return;
    deps.log[level](
      {
        requestId: c.get('requestId'),
        method,
        path: c.req.path,
        status,
        ms: performance.now() - started,
      },
      'request',
    );
  });
  app.use('/v1/*', bearerAuth(deps.ingestTokens));
  app.route('/v1/events', eventsRoute(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
