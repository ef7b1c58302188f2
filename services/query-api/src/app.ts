import { OpenAPIHono } from '@hono/zod-openapi';
import type { LedgerDb } from '@spend-ledger/ledger-db';
import {
  assignRequestId,
  handleErrors,
  handleNotFound,
  type Logger,
  privateResponses,
  type Registry,
  requestRoute,
} from '@spend-ledger/platform';
import { authenticate, type ScopeEnv } from './auth/authenticate.ts';
import { docsRoutes } from './docs-page.ts';
import { createQueryMetrics, recordRequestLatency } from './metrics.ts';
import { guardPerRequestRows } from './per-request-rows-guard.ts';
import { databaseApiError } from './query-errors.ts';
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
  /** false under DISABLE_SPEND_LOGS (default true): see guardPerRequestRows. */
  spendLogs?: boolean;
  /** statement_timeout of a CSV export (the pool's own is sized for one request); none if unset. */
  exportTimeoutMs?: number;
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
  app.use(assignRequestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        requestId: c.get('requestId'),
        clientRequestId: c.get('clientRequestId'),
        method: c.req.method,
        // The route pattern, never the path: /v1/spend/key/{id} may name a raw api key.
        route: requestRoute(c),
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
  // Built and serialized once, at the first request (every route is registered by then): building it
  // costs ~5 ms of CPU, and /openapi.json needs no token, so rebuilding it per request was a cheap way
  // to load the API.
  let document: string | undefined;
  app.get('/openapi.json', (c) => {
    document ??= JSON.stringify(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: OPENAPI_INFO,
        security: [{ bearer: [] }],
      }),
    );
    return c.body(document, 200, { 'content-type': 'application/json' });
  });
  app.route('/', docsRoutes());
  app.route('/ui', uiRoutes({ dir: deps.uiDir }));
  app.use('/v1/*', privateResponses(), authenticate(deps));
  app.use('/v1/*', guardPerRequestRows({ db: deps.db, spendLogs: deps.spendLogs ?? true }));
  app.route('/v1/spend', spendRoutes(deps));
  app.route('/v1/report', reportRoutes(deps));
  app.route('/v1/logs', logRoutes(deps));
  app.route('/v1/admin', adminRoutes(deps));
  // LiteLLM's read endpoints keep LiteLLM's paths (no /v1), with the same tokens and scopes.
  for (const path of LITELLM_ACTIVITY_PATHS) app.use(path, privateResponses(), authenticate(deps));
  app.route('/', liteLlmActivityRoutes(deps));
  const onError = handleErrors(deps.log);
  // Database errors the client caused (400) or that are an outage (503) never become a 500.
  app.onError((error, c) => onError(databaseApiError(error) ?? error, c));
  app.notFound(handleNotFound);
  return app;
}
