import {
  assignRequestId,
  bearerAuth,
  handleErrors,
  handleNotFound,
  type Logger,
  type RequestIdEnv,
  requestRoute,
} from '@spend-ledger/platform';
import { Hono } from 'hono';
import type { GatewayMetrics } from './metrics.ts';
import { gatewayOpenApiDocument } from './openapi.ts';
import type { SpendPricer } from './pricing/spend-pricer.ts';
import { eventsRoute, type Publisher } from './routes/events.ts';
import { litellmRoutes } from './routes/litellm.ts';

export interface GatewayAppDeps {
  publisher: Publisher;
  ingestTokens: readonly string[];
  log: Logger;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  retryAfterSeconds: number;
  /** Prices events that arrive without a cost. */
  pricer: SpendPricer;
  litellmMaxBodyBytes: number;
}

/** Paths that carry their token in the path instead of an Authorization header. */
const PATH_TOKEN_PREFIX = '/v1/litellm/t/';

/**
 * Builds the gateway's public HTTP app from its dependencies; never listens (tests call it
 * directly). Health, readiness and metrics are on the ops app (start-gateway.ts), not here.
 */
export function createGatewayApp(deps: GatewayAppDeps): Hono<RequestIdEnv> {
  const app = new Hono<RequestIdEnv>();
  app.use(assignRequestId());
  // One labelled counter per (method, route, status), looked up by a string key: prom-client's
  // inc(labels) hashes the label object on every call.
  const requestCounters = new Map<string, { inc(): void }>();
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const method = c.req.method;
    const route = requestRoute(c);
    const key = `${method} ${route} ${status}`;
    let counter = requestCounters.get(key);
    if (!counter) {
      counter = deps.metrics.httpRequests.labels({ method, route, status });
      requestCounters.set(key, counter);
    }
    counter.inc();
    // Success is the hot path: one line per accepted batch at debug; failures at info. The route
    // pattern, never the raw path: /v1/litellm/t/{token}/... carries a secret.
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (!deps.log.isLevelEnabled(level)) return;
    deps.log[level](
      {
        requestId: c.get('requestId'),
        clientRequestId: c.get('clientRequestId'),
        method,
        // The pattern, never the path (which a client chose).
        route,
        status,
        ms: performance.now() - started,
      },
      'request',
    );
  });
  const openApi = gatewayOpenApiDocument();
  app.get('/openapi.json', (c) => c.json(openApi));
  const bearer = bearerAuth(deps.ingestTokens);
  app.use('/v1/*', (c, next) => (c.req.path.startsWith(PATH_TOKEN_PREFIX) ? next() : bearer(c, next)));
  app.route('/v1/events', eventsRoute(deps));
  app.route('/v1/litellm', litellmRoutes(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
