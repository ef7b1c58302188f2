import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { getDailySpend, getEntityTotals, type LedgerDb } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';
import {
  DailySpendSchema,
  DateRangeQuerySchema,
  EntityParamsSchema,
  EntitySpendSchema,
  errorResponses,
} from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

const totalsRoute = createRoute({
  method: 'get',
  path: '/{entity_type}/{entity_id}',
  summary: 'Total spend of one entity',
  description: 'Running totals since the first event. An entity the ledger never saw has zero totals.',
  request: { params: EntityParamsSchema },
  responses: {
    200: { description: 'Totals', content: { 'application/json': { schema: EntitySpendSchema } } },
    ...errorResponses,
  },
});

const dailyRoute = createRoute({
  method: 'get',
  path: '/{entity_type}/{entity_id}/daily',
  summary: 'Spend of one entity per UTC day',
  description: 'One row per UTC day with spend in [from, to] (inclusive), and the totals over the range.',
  request: { params: EntityParamsSchema, query: DateRangeQuerySchema },
  responses: {
    200: { description: 'Daily spend', content: { 'application/json': { schema: DailySpendSchema } } },
    ...errorResponses,
  },
});

const DAY_MS = 86_400_000;

export function spendRoutes(deps: { db: LedgerDb; maxRangeDays: number }) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(totalsRoute, async (c) => {
    const { entity_type, entity_id } = c.req.valid('param');
    const totals = await getEntityTotals(deps.db, { entityType: entity_type, entityId: entity_id });
    return c.json({ entity_type, entity_id, ...totals }, 200);
  });
  app.openapi(dailyRoute, async (c) => {
    const { entity_type, entity_id } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1)
      throw new ApiError('VALIDATION_FAILED', '`from` must not be after `to`', [
        { field: 'from', message: `${from} is after ${to}` },
      ]);
    if (days > deps.maxRangeDays) {
      throw new ApiError('VALIDATION_FAILED', `the range may span at most ${deps.maxRangeDays} days`, [
        { field: 'to', message: `${days} days requested` },
      ]);
    }
    const result = await getDailySpend(deps.db, { entityType: entity_type, entityId: entity_id, from, to });
    return c.json({ entity_type, entity_id, from, to, ...result }, 200);
  });
  return app;
}
