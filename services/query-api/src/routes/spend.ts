import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  type ActivitySummary,
  type AggregateSelector,
  activityRowsQuery,
  assertTimeZoneKnown,
  type DayBreakdown,
  getActivityBreakdown,
  getActivitySummary,
  getActivityWithBreakdown,
  getEntityTotals,
  type LedgerDb,
  METRIC_COLUMNS,
  streamRows,
} from '@spend-ledger/ledger-db';
import { ApiError, type Logger } from '@spend-ledger/platform';
import { activityMetrics, breakdownOf, totalsMetadata } from '../activity-shape.ts';
import { storedEntity } from '../api-key-param.ts';
import type { ScopeEnv } from '../auth/authenticate.ts';
import { selectorFor } from '../auth/scope.ts';
import { streamCsv } from '../csv.ts';
import { checkRange, rangeDays, withTimeZoneCheck } from '../query-errors.ts';
import { csvContent, DateRangeQuerySchema, EntityParamsSchema, errorResponses } from '../schemas/common.ts';
import {
  ActivityQuerySchema,
  ActivitySchema,
  DailySpendSchema,
  EntitySpendSchema,
} from '../schemas/spend.ts';
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
  summary: 'Spend of one entity per day',
  description:
    'One row per day with requests in [from, to] (inclusive, local days of `timezone`), and the totals over the range.',
  request: { params: EntityParamsSchema, query: DateRangeQuerySchema },
  responses: {
    200: { description: 'Daily spend', content: { 'application/json': { schema: DailySpendSchema } } },
    ...errorResponses,
  },
});

const activityRoute = createRoute({
  method: 'get',
  path: '/{entity_type}/{entity_id}/activity',
  summary: 'Daily activity of one entity, with breakdown',
  description: `The shape of LiteLLM's /user/daily/activity: \`results[]\` of {date, metrics, breakdown}, paged by day
(days in date order, each on exactly one page), and \`metadata\` with the totals over the whole range, not the page.
Days are local days of \`timezone\`; figures are exact in every zone. \`format=csv\` streams one row per day (and
per api key, model and provider with breakdown=true) for the whole range, ignoring paging.`,
  request: { params: EntityParamsSchema, query: ActivityQuerySchema },
  responses: {
    200: {
      description: 'Daily activity',
      content: { 'application/json': { schema: ActivitySchema }, ...csvContent },
    },
    ...errorResponses,
  },
});

/** Narrows a selector by the query's api_key, model and provider filters. */
function narrowed(
  base: AggregateSelector,
  q: { api_key?: string | undefined; model?: string | undefined; provider?: string | undefined },
): AggregateSelector {
  if (q.api_key !== undefined && base.apiKey !== undefined && q.api_key !== base.apiKey) {
    throw new ApiError('VALIDATION_FAILED', 'api_key filter differs from the api key asked for', [
      { field: 'api_key', message: `the path names api key "${base.apiKey}"` },
    ]);
  }
  return {
    ...base,
    ...(q.api_key !== undefined ? { apiKey: q.api_key } : {}),
    ...(q.model !== undefined ? { model: q.model } : {}),
    ...(q.provider !== undefined ? { provider: q.provider } : {}),
  };
}

const DAY_KEYS = ['date'];
const BREAKDOWN_KEYS = ['date', 'api_key', 'model', 'provider'];

type DayRange = { from: string; to: string; timeZone: string };
type DayFigures = Awaited<ReturnType<typeof getActivitySummary>>['days'][number];

/**
 * One page of days in LiteLLM's shape: `results` for the page's days (with their breakdown when
 * asked, read for the page's days only) and `metadata` with the totals of the whole range.
 */
async function activityPage(db: LedgerDb, selector: AggregateSelector, days: DayRange, q: ActivityPaging) {
  if (q.breakdown && q.page === 1 && rangeDays(days.from, days.to) <= q.page_size) {
    // The page is the whole range (the usual request): the days, the totals and the breakdown come
    // from one read of the entity's rows instead of two.
    const both = await withTimeZoneCheck(() => getActivityWithBreakdown(db, selector, days));
    return activityPageOf(both.summary, pageOf(both.summary, q), both.breakdown, q);
  }
  const summary = await withTimeZoneCheck(() => getActivitySummary(db, selector, days));
  const shown = pageOf(summary, q);
  const first = shown[0];
  const last = shown[shown.length - 1];
  const breakdown =
    q.breakdown && first && last
      ? await getActivityBreakdown(db, selector, { ...days, from: first.date, to: last.date })
      : undefined;
  return activityPageOf(summary, shown, breakdown, q);
}

type ActivityPaging = { page: number; page_size: number; breakdown: boolean };

/** The days of the summary that page `q.page` shows. */
const pageOf = (summary: ActivitySummary, q: ActivityPaging) =>
  summary.days.slice((q.page - 1) * q.page_size, q.page * q.page_size);

/** The answer for the days `shown` of `summary` (pageOf), with their breakdown when asked. */
function activityPageOf(
  summary: ActivitySummary,
  shown: ActivitySummary['days'],
  breakdown: Map<string, DayBreakdown> | undefined,
  q: ActivityPaging,
) {
  const totalPages = Math.max(1, Math.ceil(summary.days.length / q.page_size));
  return {
    results: shown.map((day) => activityResult(day, q.breakdown, breakdown?.get(day.date))),
    metadata: {
      ...totalsMetadata(summary.totals, (spend) => spend),
      page: q.page,
      page_size: q.page_size,
      total_pages: totalPages,
      total_days: summary.days.length,
      has_more: q.page < totalPages,
    },
  };
}

/** One day of the activity: its metrics, and by model, provider and api key when asked. */
function activityResult(
  { date, ...figures }: DayFigures,
  withBreakdown: boolean,
  b: DayBreakdown | undefined,
) {
  return {
    date,
    metrics: activityMetrics(figures),
    ...(withBreakdown
      ? {
          breakdown: {
            models: breakdownOf(b?.models, activityMetrics),
            providers: breakdownOf(b?.providers, activityMetrics),
            api_keys: breakdownOf(b?.api_keys, activityMetrics),
          },
        }
      : {}),
  };
}

export function spendRoutes(deps: {
  db: LedgerDb;
  maxRangeDays: number;
  log: Logger;
  exportTimeoutMs?: number | undefined;
}) {
  const app = new OpenAPIHono<ScopeEnv>({ defaultHook: validationHook });

  app.openapi(totalsRoute, async (c) => {
    const { entity_type, entity_id } = storedEntity(c.req.valid('param'));
    const selector = selectorFor(c.get('scope'), entity_type, entity_id);
    const totals = await getEntityTotals(deps.db, selector);
    return c.json({ entity_type, entity_id, ...totals }, 200);
  });

  app.openapi(dailyRoute, async (c) => {
    const { entity_type, entity_id } = storedEntity(c.req.valid('param'));
    const { from, to, timezone } = c.req.valid('query');
    checkRange(from, to, deps.maxRangeDays);
    const selector = selectorFor(c.get('scope'), entity_type, entity_id);
    const { days, totals } = await withTimeZoneCheck(() =>
      getActivitySummary(deps.db, selector, { from, to, timeZone: timezone }),
    );
    return c.json({ entity_type, entity_id, from, to, timezone, days, totals }, 200);
  });

  app.openapi(activityRoute, async (c) => {
    const { entity_type, entity_id } = storedEntity(c.req.valid('param'));
    const q = c.req.valid('query');
    checkRange(q.from, q.to, deps.maxRangeDays);
    const selector = narrowed(selectorFor(c.get('scope'), entity_type, entity_id), q);
    const days = { from: q.from, to: q.to, timeZone: q.timezone };
    if (q.format === 'csv') {
      await withTimeZoneCheck(() => assertTimeZoneKnown(deps.db, q.timezone));
      return streamCsv(c, {
        filename: `activity-${entity_type}-${q.from}-${q.to}.csv`,
        columns: [...(q.breakdown ? BREAKDOWN_KEYS : DAY_KEYS), ...METRIC_COLUMNS],
        batches: streamRows(deps.db, activityRowsQuery(selector, days, q.breakdown), undefined, {
          statementTimeoutMs: deps.exportTimeoutMs,
        }),
        log: deps.log,
      });
    }
    const page = await activityPage(deps.db, selector, days, q);
    return c.json({ entity_type, entity_id, from: q.from, to: q.to, timezone: q.timezone, ...page }, 200);
  });
  return app;
}
