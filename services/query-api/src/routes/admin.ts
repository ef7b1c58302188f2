import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { type LedgerDb, listRequestIdConflicts } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';
import type { ScopeEnv } from '../auth/authenticate.ts';
import { errorResponses } from '../schemas/common.ts';
import { textParam } from '../schemas/params.ts';
import { validationHook } from '../validation-hook.ts';

const ConflictSchema = z
  .object({
    request_id: z.string(),
    content_digest: z.string().openapi({ description: 'Digest of the event that was NOT counted' }),
    kept_digest: z
      .string()
      .nullable()
      .openapi({ description: 'Digest of the event the ledger counted (null: written before digests)' }),
    api_key: z.string().openapi({ description: 'Api key (hash or alias) of the event that was not counted' }),
    event_timestamp: z.string(),
    detected_at: z.string(),
  })
  .openapi('RequestIdConflict');

const conflictsRoute = createRoute({
  method: 'get',
  path: '/request-id-conflicts',
  summary: 'Events that reused a counted request_id with other content (admin)',
  description: `The first event with a request_id is counted; a later one with the same request_id and different content
(digest over every counted or attributed field, metadata excepted) is not, and is listed here once per distinct
content, newest first, without its payload. The same content redelivered is a duplicate, not a conflict. Admin
tokens only.`,
  request: {
    query: z.object({
      request_id: textParam(128).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ type: 'integer', default: 100 }),
    }),
  },
  responses: {
    200: {
      description: 'Conflicts',
      content: { 'application/json': { schema: z.object({ data: z.array(ConflictSchema) }) } },
    },
    ...errorResponses,
  },
});

/** Admin-only views of the ledger's own bookkeeping. */
export function adminRoutes(deps: { db: LedgerDb }) {
  const app = new OpenAPIHono<ScopeEnv>({ defaultHook: validationHook });
  app.openapi(conflictsRoute, async (c) => {
    if (c.get('scope').type !== 'admin') throw new ApiError('FORBIDDEN', 'admin tokens only');
    const q = c.req.valid('query');
    const data = await listRequestIdConflicts(deps.db, {
      limit: q.limit,
      ...(q.request_id !== undefined ? { requestId: q.request_id } : {}),
    });
    return c.json({ data }, 200);
  });
  return app;
}
