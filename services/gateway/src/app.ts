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
import { type FinishedRequest, requestRecorder } from './request-log.ts';
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
  /** Counts and logs each answered request; shared with the ingest fast path (start-gateway.ts). */
  recordRequest?: (r: FinishedRequest) => void;
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
  const recordRequest = deps.recordRequest ?? requestRecorder(deps);
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    recordRequest({
      method: c.req.method,
      route: requestRoute(c),
      status: c.res.status,
      requestId: c.get('requestId'),
      clientRequestId: c.get('clientRequestId'),
      started,
    });
  });
  const openApi = gatewayOpenApiDocument();
  app.get('/openapi.json', (c) => c.json(openApi));
  const bearer = bearerAuth(deps.ingestTokens);
  app.use('/v1/*', (c, next) => (c.req.path.startsWith(PATH_TOKEN_PREFIX) ? next() : bearer(c, next)));
  // start-gateway.ts serves most POST /v1/events in front of this app (ingest-fast-path.ts): a
  // middleware, header or limit added here for that route must be added there too.
  app.route('/v1/events', eventsRoute(deps));
  app.route('/v1/litellm', litellmRoutes(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
