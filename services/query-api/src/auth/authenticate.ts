import { timingSafeEqual } from 'node:crypto';
import { findActiveApiToken, type LedgerDb, TOKEN_PREFIX, type TokenScope } from '@spend-ledger/ledger-db';
import { ApiError, type RequestIdEnv } from '@spend-ledger/platform';
import type { MiddlewareHandler } from 'hono';

/** The query API's context variables: the request id and, on authenticated routes, the token's scope. */
export type ScopeEnv = { Variables: RequestIdEnv['Variables'] & { scope: TokenScope; tokenId: string } };

/**
 * Bearer authentication for /v1: a token from LEDGER_QUERY_TOKENS is an admin token (compared in
 * constant time); any other `slq_` token is looked up by its SHA-256 in api_tokens (revoked and
 * expired ones refused). Sets `scope` for the routes.
 */
export function authenticate(deps: {
  db: LedgerDb;
  queryTokens: readonly string[];
}): MiddlewareHandler<ScopeEnv> {
  const admin = deps.queryTokens.map((t) => Buffer.from(t));
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new ApiError('UNAUTHORIZED', 'missing bearer token (Authorization: Bearer <token>)');
    const token = match[1] as string;
    const given = Buffer.from(token);
    if (admin.some((t) => t.length === given.length && timingSafeEqual(t, given))) {
      c.set('scope', { type: 'admin' });
      c.set('tokenId', 'env');
      return next();
    }
    const record = token.startsWith(TOKEN_PREFIX) ? await findActiveApiToken(deps.db, token) : null;
    if (!record) throw new ApiError('UNAUTHORIZED', 'invalid, revoked or expired bearer token');
    c.set('scope', record.scope);
    c.set('tokenId', record.id);
    return next();
  };
}
