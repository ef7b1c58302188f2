import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import { type EntityType, normalizeApiKey } from '@spend-ledger/contract';
import {
  type EntitySetSelector,
  getEntitySetBreakdown,
  getEntitySetSummary,
  type LedgerDb,
  type SpendFigures,
} from '@spend-ledger/ledger-db';
import { activityMetrics, breakdownOf, totalsMetadata } from '../activity-shape.ts';
import type { ScopeEnv } from '../auth/authenticate.ts';
import { entitySetFor } from '../auth/entity-set-scope.ts';
import { checkRange } from '../query-errors.ts';
import { errorResponses } from '../schemas/common.ts';
import { idList, LiteLlmActivityQuerySchema, LiteLlmActivitySchema } from '../schemas/litellm-activity.ts';
import { textParam } from '../schemas/params.ts';
import { validationHook } from '../validation-hook.ts';

/** LiteLLM's daily-activity endpoints: path, the entity type it reads, and its id parameter. */
const ENDPOINTS = [
  { path: '/user/daily/activity', entityType: 'user', idParam: 'user_id', list: false },
  { path: '/team/daily/activity', entityType: 'team', idParam: 'team_ids', list: true },
  { path: '/tag/daily/activity', entityType: 'tag', idParam: 'tags', list: true },
  { path: '/organization/daily/activity', entityType: 'org', idParam: 'organization_ids', list: true },
  { path: '/customer/daily/activity', entityType: 'end_user', idParam: 'end_user_ids', list: true },
] as const satisfies readonly { path: string; entityType: EntityType; idParam: string; list: boolean }[];

/** LiteLLM returns spend as a JSON number; the exact decimal is on /v1. */
const spendNumber = (spend: string) => Number(spend);
const metricsOf = (f: SpendFigures) => ({ ...activityMetrics(f), spend: spendNumber(f.spend) });

function routeFor(endpoint: (typeof ENDPOINTS)[number]) {
  const idParam = endpoint.list
    ? idList(`Comma-separated ${endpoint.idParam}; absent: every one the token may read`)
    : textParam(256)
        .optional()
        .openapi({ description: 'Only this user; absent: every user the token may read' });
  return createRoute({
    method: 'get',
    path: endpoint.path,
    tags: ['LiteLLM compatible'],
    summary: `LiteLLM's ${endpoint.path}`,
    description: `LiteLLM's SpendAnalyticsPaginatedResponse for ${endpoint.entityType} spend over UTC days [start_date,
end_date]: \`results[]\` of {date, metrics, breakdown} paged by day, \`metadata\` with the totals over the whole range
(not the page). Same tokens and scopes as /v1. Spend is a JSON number here, as LiteLLM returns it; /v1 has the exact
decimal.`,
    request: { query: LiteLlmActivityQuerySchema.extend({ [endpoint.idParam]: idParam }) },
    responses: {
      200: {
        description: 'Daily activity',
        content: { 'application/json': { schema: LiteLlmActivitySchema } },
      },
      ...errorResponses,
    },
  });
}

/** GET /user|team|tag|organization|customer/daily/activity, for scripts written against LiteLLM. */
export function liteLlmActivityRoutes(deps: { db: LedgerDb; maxRangeDays: number }) {
  const app = new OpenAPIHono<ScopeEnv>({ defaultHook: validationHook });
  for (const endpoint of ENDPOINTS) {
    app.openapi(routeFor(endpoint), async (c) => {
      const q = c.req.valid('query') as z.infer<typeof LiteLlmActivityQuerySchema> &
        Record<string, string | string[] | undefined>;
      checkRange(q.start_date, q.end_date, deps.maxRangeDays);
      const given = q[endpoint.idParam];
      const ids = given === undefined ? undefined : Array.isArray(given) ? given : [given];
      const selector: EntitySetSelector = {
        ...entitySetFor(c.get('scope'), endpoint.entityType, ids, endpoint.idParam),
        ...(q.api_key !== undefined ? { apiKey: normalizeApiKey(q.api_key) } : {}),
        ...(q.model !== undefined ? { model: q.model } : {}),
      };
      const summary = await getEntitySetSummary(deps.db, selector, q.start_date, q.end_date);
      const totalPages = Math.max(1, Math.ceil(summary.days.length / q.page_size));
      const shown = summary.days.slice((q.page - 1) * q.page_size, q.page * q.page_size);
      const first = shown[0];
      const last = shown[shown.length - 1];
      const breakdown =
        first && last ? await getEntitySetBreakdown(deps.db, selector, first.date, last.date) : undefined;
      const withEntities = endpoint.entityType !== 'user';
      return c.json(
        {
          results: shown.map(({ date, ...figures }) => {
            const b = breakdown?.get(date);
            return {
              date,
              metrics: metricsOf(figures),
              breakdown: {
                models: breakdownOf(b?.models, metricsOf),
                model_groups: {},
                mcp_servers: {},
                providers: breakdownOf(b?.providers, metricsOf),
                endpoints: {},
                api_keys: breakdownOf(b?.api_keys, metricsOf),
                entities: withEntities ? breakdownOf(b?.entities, metricsOf) : {},
              },
            };
          }),
          metadata: {
            ...totalsMetadata(summary.totals, spendNumber),
            page: q.page,
            total_pages: totalPages,
            has_more: q.page < totalPages,
          },
        },
        200,
      );
    });
  }
  return app;
}
