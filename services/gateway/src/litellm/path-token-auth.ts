import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@spend-ledger/platform';
import type { MiddlewareHandler } from 'hono';

/**
 * Checks an ingest token carried in the path (`/v1/litellm/t/{token}/...`), for LiteLLM's
 * SPEND_LOGS_URL hand-off, which sends no Authorization header. Compared in constant time like the
 * bearer check. The token never reaches a log line or a metric label: both use the route pattern.
 */
export function pathTokenAuth(tokens: readonly string[], param = 'token'): MiddlewareHandler {
  const allowed = tokens.map((t) => Buffer.from(t));
  return async (c, next) => {
    const given = Buffer.from(c.req.param(param) ?? '');
    const ok = allowed.some((t) => t.length === given.length && timingSafeEqual(t, given));
    if (!ok) throw new ApiError('UNAUTHORIZED', 'invalid ingest token in the path');
    await next();
  };
}
