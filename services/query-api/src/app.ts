import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { LedgerDb } from '@spend-ledger/ledger-db';
import {
  bearerAuth,
  handleErrors,
  handleNotFound,
  healthRoutes,
  type Logger,
  type Registry,
} from '@spend-ledger/platform';
import { requestId } from 'hono/request-id';
import { logRoutes } from './routes/logs.ts';
import { spendRoutes } from './routes/spend.ts';

export interface QueryAppDeps {
  db: LedgerDb;
  queryTokens: readonly string[];
  log: Logger;
  registry: Registry;
  maxRangeDays: number;
  isReady: () => Promise<boolean>;
  isShuttingDown: () => boolean;
}

/** The internal query API; never listens (tests call it directly). */
export function createQueryApp(deps: QueryAppDeps) {
  const app = new OpenAPIHono();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: performance.now() - started,
      },
      'request',
    );
  });
  app.route(
    '/',
    healthRoutes({
      checks: { database: deps.isReady },
      isShuttingDown: deps.isShuttingDown,
      metrics: deps.registry,
    }),
  );
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Spend Ledger query API',
      version: '1.0.0',
      description: 'Exact LLM spend by entity, day and request.',
    },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Spend Ledger API' }));
  app.use('/v1/*', bearerAuth(deps.queryTokens));
  app.route('/v1/spend', spendRoutes(deps));
  app.route('/v1/logs', logRoutes(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
