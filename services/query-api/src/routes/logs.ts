import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getSpendLog, type LedgerDb } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';
import { ErrorSchema, errorResponses, SpendLogSchema } from '../schemas.ts';
import { validationHook } from '../validation-hook.ts';

const logRoute = createRoute({
  method: 'get',
  path: '/{request_id}',
  summary: 'The stored event of one request',
  request: {
    params: z.object({
      request_id: z
        .string()
        .min(1)
        .max(128)
        .openapi({ param: { name: 'request_id', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The event as stored', content: { 'application/json': { schema: SpendLogSchema } } },
    404: { description: 'No such request_id', content: { 'application/json': { schema: ErrorSchema } } },
    ...errorResponses,
  },
});

export function logRoutes(deps: { db: LedgerDb }) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(logRoute, async (c) => {
    const { request_id } = c.req.valid('param');
    const log = await getSpendLog(deps.db, request_id);
    if (!log)
      throw new ApiError('NOT_FOUND', `no event with request_id "${request_id}"`, [
        { field: 'request_id', message: 'unknown' },
      ]);
    return c.json(log, 200);
  });
  return app;
}
