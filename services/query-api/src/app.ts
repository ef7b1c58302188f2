import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { LedgerDb } from '@spend-ledger/ledger-db';
import { handleErrors, handleNotFound, type Logger, type Registry } from '@spend-ledger/platform';
import { requestId } from 'hono/request-id';
import { authenticate, type ScopeEnv } from './auth/authenticate.ts';
import { createQueryMetrics, recordRequestLatency } from './metrics.ts';
import { adminRoutes } from './routes/admin.ts';
import { liteLlmActivityRoutes } from './routes/litellm-activity.ts';
import { logRoutes } from './routes/logs.ts';
import { reportRoutes } from './routes/report.ts';
import { spendRoutes } from './routes/spend.ts';
import { uiRoutes } from './routes/ui.ts';

export interface QueryAppDeps {
  db: LedgerDb;
  /** Admin tokens from LEDGER_QUERY_TOKENS; scoped tokens live hashed in api_tokens. */
  queryTokens: readonly string[];
  log: Logger;
  /** Receives the request latency histogram; the ops app (start-query-api.ts) serves it. */
  registry: Registry;
  maxRangeDays: number;
  /** The built dashboard served under /ui (default: services/query-api/ui/dist). */
  uiDir?: string;
}

const OPENAPI_INFO = {
  title: 'Spend Ledger query API',
  version: '1.1.0',
  description: `Exact LLM spend by entity, day, dimension and request. Money is an exact decimal string with 12
places (USD); dates are YYYY-MM-DD, ranges inclusive. Authenticate with \`Authorization: Bearer <token>\`: an admin
token reads everything, a team, org or key token only that entity and the api keys and requests inside it (403
elsewhere).`,
};

const LITELLM_ACTIVITY_PATHS = [
  '/user/daily/activity',
  '/team/daily/activity',
  '/tag/daily/activity',
  '/organization/daily/activity',
  '/customer/daily/activity',
];

/** The internal query API; never listens (tests call it directly). */
export function createQueryApp(deps: QueryAppDeps) {
  const app = new OpenAPIHono<ScopeEnv>();
  app.use(recordRequestLatency(createQueryMetrics(deps.registry)));
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
        scope: c.get('scope')?.type,
        tokenId: c.get('tokenId'),
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An admin token (LEDGER_QUERY_TOKENS) or a token issued with `npm run ledger -- token create`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    security: [{ bearer: [] }],
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Spend Ledger API' }));
  app.route('/ui', uiRoutes({ dir: deps.uiDir }));
  app.use('/v1/*', authenticate(deps));
  app.route('/v1/spend', spendRoutes(deps));
  app.route('/v1/report', reportRoutes(deps));
  app.route('/v1/logs', logRoutes(deps));
  app.route('/v1/admin', adminRoutes(deps));
  // LiteLLM's read endpoints keep LiteLLM's paths (no /v1), with the same tokens and scopes.
  for (const path of LITELLM_ACTIVITY_PATHS) app.use(path, authenticate(deps));
  app.route('/', liteLlmActivityRoutes(deps));
  app.onError(handleErrors(deps.log));
  app.notFound(handleNotFound);
  return app;
}
