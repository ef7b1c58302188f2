import type { RequestIdVariables } from 'hono/request-id';

/**
 * The context variables every public app sets: `requestId` (hono's requestId middleware), read by the
 * error handler and the request log. A service's own Env extends it with its variables.
 */
export type RequestIdEnv = { Variables: RequestIdVariables };
