import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { redactSecrets } from '@spend-ledger/contract';
import { getSpendLog, type LedgerDb, listSpendLogs, type StoredSpendLog } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';
import type { ScopeEnv } from '../auth/authenticate.ts';
import { logInScope, scopedLogFilter } from '../auth/scope.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { errorResponses, notFoundResponse } from '../schemas/common.ts';
import { LogsPageSchema, LogsQuerySchema, SpendLogSchema } from '../schemas/logs.ts';
import { textParam } from '../schemas/params.ts';
import { validationHook } from '../validation-hook.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Per-request logs, newest first',
  description: `409 SPEND_LOGS_DISABLED when the ledger keeps no per-request rows (DISABLE_SPEND_LOGS). Filters combine with AND. Keyset pagination: pass \`next_cursor\` back as \`cursor\`; the next page
starts strictly after the last row seen, so no row repeats or is skipped, and a deep page costs what the first does.
A scoped token sees only the events of its team, org or api key.`,
  request: { query: LogsQuerySchema },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: LogsPageSchema } } },
    ...errorResponses,
  },
});

const oneRoute = createRoute({
  method: 'get',
  path: '/{request_id}',
  summary: 'The stored event of one request',
  description:
    "404 when unknown or outside the token's scope (a 403 would confirm that the id exists), or when its day was archived and dropped (`ledger restore` puts it back); 409 SPEND_LOGS_DISABLED when the ledger keeps no per-request rows.",
  request: {
    params: z.object({
      request_id: textParam(128).openapi({ param: { name: 'request_id', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The event as stored', content: { 'application/json': { schema: SpendLogSchema } } },
    ...notFoundResponse,
    ...errorResponses,
  },
});

/**
 * Metadata as served: the contract redacts secrets before storage, and this redacts again on the way
 * out, so rows stored before the contract did (or by another writer) serve none either. Returns the
 * same object when there is nothing to redact.
 */
const redactedLog = (log: StoredSpendLog): StoredSpendLog => {
  if (!log.metadata) return log;
  const metadata = redactSecrets(log.metadata);
  return metadata === log.metadata ? log : { ...log, metadata };
};

export function logRoutes(deps: { db: LedgerDb }) {
  const app = new OpenAPIHono<ScopeEnv>({ defaultHook: validationHook });

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const filter = scopedLogFilter(c.get('scope'), {
      apiKey: q.api_key,
      userId: q.user_id,
      teamId: q.team_id,
      orgId: q.org_id,
      endUserId: q.end_user_id,
      tag: q.tag,
      model: q.model,
      status: q.status,
      startTime: q.start_time,
      endTime: q.end_time,
    });
    const page = await listSpendLogs(deps.db, {
      filter,
      limit: q.limit,
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    });
    return c.json(
      {
        data: page.logs.map(redactedLog),
        next_cursor: page.next ? encodeCursor(page.next) : null,
        has_more: page.next !== null,
      },
      200,
    );
  });

  app.openapi(oneRoute, async (c) => {
    const { request_id } = c.req.valid('param');
    const log = await getSpendLog(deps.db, request_id);
    if (!log || !logInScope(c.get('scope'), log)) {
      throw new ApiError('NOT_FOUND', `no event with request_id "${request_id}"`, [
        { field: 'request_id', message: 'unknown' },
      ]);
    }
    return c.json(redactedLog(log), 200);
  });
  return app;
}
