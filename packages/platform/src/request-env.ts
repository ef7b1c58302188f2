import type { RequestIdVariables } from 'hono/request-id';

/**
 * The context variables every public app sets (assignRequestId): `requestId`, always ours, read by
 * the error handler and the request log, and `clientRequestId`, the client's X-Request-Id cleaned and
 * length-limited, logged apart. A service's own Env extends it with its variables.
 */
export type RequestIdEnv = { Variables: RequestIdVariables & { clientRequestId?: string } };
