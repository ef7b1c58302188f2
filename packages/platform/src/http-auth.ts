import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './http-errors.ts';

/**
 * Bearer-token check against a fixed set of tokens, compared in constant time so response timing
 * does not leak how much of a token matched.
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const allowed = tokens.map((t) => Buffer.from(t));
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('UNAUTHORIZED', 'missing bearer token (Authorization: Bearer <token>)');
    const given = Buffer.from(match[1] as string);
    const ok = allowed.some((t) => t.length === given.length && timingSafeEqual(t, given));
    if (!ok) throw new ApiError('UNAUTHORIZED', 'invalid bearer token');
    await next();
  };
}
