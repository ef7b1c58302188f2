import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { EntityType } from '@spend-ledger/contract';
import {
  type AggregateSelector,
  assertTimeZoneKnown,
  getSpendReport,
  isUtc,
  isWholeEntity,
  type LedgerDb,
  METRIC_COLUMNS,
  type ReportEdges,
  type ReportParams,
  reportRowsQuery,
  resolveReportEdges,
  streamRows,
  type TokenScope,
  WITHIN_ENTITY_DIMENSIONS,
  type WithinEntityDimension,
} from '@spend-ledger/ledger-db';
import { ApiError, type Logger } from '@spend-ledger/platform';
import { storedEntityId } from '../api-key-param.ts';
import type { ScopeEnv } from '../auth/authenticate.ts';
import { selectorFor } from '../auth/scope.ts';
import { streamCsv } from '../csv.ts';
import { checkRange, withTimeZoneCheck } from '../query-errors.ts';
import { csvContent, errorResponses } from '../schemas/common.ts';
import { ReportQuerySchema, ReportSchema } from '../schemas/report.ts';
import { validationHook } from '../validation-hook.ts';

const reportRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Top spenders: spend grouped by one dimension',
  description: `Metrics per team, org, user, end user, key, tag, team member, proxy, model or provider over local days [from, to] of
\`timezone\`, highest spend first (ties by value), at most \`limit\` rows; \`metadata\` has the number of groups and
the totals over all of them. With entity_type and entity_id (always, for a scoped token) only that entity's events
count and group_by must be key, model or provider, or team_member inside a team (a team token's own members).
\`format=csv\` streams the same rows.`,
  request: { query: ReportQuerySchema },
  responses: {
    200: {
      description: 'The report',
      content: { 'application/json': { schema: ReportSchema }, ...csvContent },
    },
    ...errorResponses,
  },
});

/** The entity a report is confined to: none for an admin without entity params, else the selector. */
function withinFor(
  scope: TokenScope,
  q: { entity_type?: EntityType | undefined; entity_id?: string | undefined },
): AggregateSelector | undefined {
  if ((q.entity_type === undefined) !== (q.entity_id === undefined)) {
    throw new ApiError('VALIDATION_FAILED', 'entity_type and entity_id go together', [
      {
        field: q.entity_type === undefined ? 'entity_type' : 'entity_id',
        message: 'required with the other',
      },
    ]);
  }
  if (q.entity_type !== undefined && q.entity_id !== undefined)
    return selectorFor(scope, q.entity_type, storedEntityId(q.entity_type, q.entity_id));
  return scope.type === 'admin' ? undefined : { entityType: scope.type, entityId: scope.id };
}

export function reportRoutes(deps: {
  db: LedgerDb;
  maxRangeDays: number;
  log: Logger;
  exportTimeoutMs?: number | undefined;
}) {
  const app = new OpenAPIHono<ScopeEnv>({ defaultHook: validationHook });
  app.openapi(reportRoute, async (c) => {
    const q = c.req.valid('query');
    checkRange(q.from, q.to, deps.maxRangeDays);
    const scope = c.get('scope');
    const inside = withinFor(scope, q);
    // The members of one team are a report of their own rows (team_member), not a breakdown of the team's.
    const membersOf =
      inside && q.group_by === 'team_member' && inside.entityType === 'team' && isWholeEntity(inside)
        ? inside.entityId
        : undefined;
    const within = membersOf === undefined ? inside : undefined;
    if (within && !WITHIN_ENTITY_DIMENSIONS.includes(q.group_by as WithinEntityDimension)) {
      throw new ApiError(
        scope.type === 'admin' ? 'VALIDATION_FAILED' : 'FORBIDDEN',
        `a report inside one entity groups by ${WITHIN_ENTITY_DIMENSIONS.join(', ')}`,
        [{ field: 'group_by', message: `${q.group_by} is not a breakdown of ${within.entityType} rows` }],
      );
    }
    const params: ReportParams = {
      groupBy: q.group_by,
      days: { from: q.from, to: q.to, timeZone: q.timezone },
      limit: q.limit,
      ...(within ? { within } : {}),
      ...(membersOf !== undefined ? { membersOf } : {}),
    };
    // Another zone than UTC: the UTC days nearest the range from the roll-up, the ends from spend_logs.
    const edges: ReportEdges | undefined =
      !within && !isUtc(q.timezone)
        ? await withTimeZoneCheck(() => resolveReportEdges(deps.db, params.days))
        : undefined;

    if (q.format === 'csv') {
      await withTimeZoneCheck(() => assertTimeZoneKnown(deps.db, q.timezone));
      return streamCsv(c, {
        filename: `report-${q.group_by}-${q.from}-${q.to}.csv`,
        columns: ['value', ...METRIC_COLUMNS],
        batches: streamRows(deps.db, reportRowsQuery(params, edges), undefined, {
          statementTimeoutMs: deps.exportTimeoutMs,
        }),
        log: deps.log,
      });
    }
    const report = await withTimeZoneCheck(() => getSpendReport(deps.db, params, edges));
    return c.json(
      {
        group_by: q.group_by,
        from: q.from,
        to: q.to,
        timezone: q.timezone,
        ...(inside ? { entity_type: inside.entityType, entity_id: inside.entityId } : {}),
        results: report.rows,
        metadata: { groups: report.groups, limit: q.limit, totals: report.totals },
      },
      200,
    );
  });
  return app;
}
