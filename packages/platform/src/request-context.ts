import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

declare module 'hono' {
  interface ContextVariableMap {
    /** Ours, always generated: the correlation id of logs and error bodies. */
    requestId: string;
    /** What the client sent as X-Request-Id, cleaned (see clientRequestIdOf); logged apart. */
    clientRequestId: string | undefined;
  }
}

/** Longest client X-Request-Id kept (characters); the rest is dropped. */
export const MAX_CLIENT_REQUEST_ID = 128;

// Controls (C0, DEL, C1), format characters (bidi overrides) and line/paragraph separators: nothing
// that can fake a log line or hide what follows.
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A client's X-Request-Id as it may be logged: controls removed, at most 128 characters, or undefined. */
export function clientRequestIdOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const clean = header.replace(CONTROL, '').slice(0, MAX_CLIENT_REQUEST_ID);
  return clean.length > 0 ? clean : undefined;
}

/**
 * Sets `requestId` to an id of ours (a random UUID) and answers it in X-Request-Id. A client's
 * X-Request-Id is never trusted as the correlation id (it could collide with or impersonate another
 * request in the logs); it is kept, cleaned, as `clientRequestId`.
 */
export function assignRequestId(): MiddlewareHandler {
  return async (c, next) => {
    const id = randomUUID();
    c.set('requestId', id);
    c.set('clientRequestId', clientRequestIdOf(c.req.header('x-request-id')));
    c.header('X-Request-Id', id);
    await next();
  };
}

/**
 * The route pattern a request matched (`/v1/spend/:entity_type/:entity_id`), for logs and metric
 * labels: the raw path can hold a raw api key or any other text a client chose. The last matched
 * route is the handler's even when a middleware answered (401), or the widest middleware pattern
 * when no route matched.
 */
export const requestRoute = (c: Context): string => routePath(c, -1) || '(none)';

/**
 * For routes that answer with ledger data: no cache (a browser's or a proxy's) keeps the answer,
 * errors included, and no browser sniffs JSON as anything else. A route that set its own
 * Cache-Control keeps it.
 */
export function privateResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
  };
}
