import { findActiveApiToken, type LedgerDb, TOKEN_PREFIX, type TokenScope } from '@spend-ledger/ledger-db';
import {
  assertTokenSyntax,
  bearerTokenAuth,
  matchesAnyToken,
  type RequestIdEnv,
} from '@spend-ledger/platform';
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
  assertTokenSyntax(deps.queryTokens);
  const admin = deps.queryTokens.map((t) => Buffer.from(t));
  return bearerTokenAuth<ScopeEnv>({
    invalidMessage: 'invalid, revoked or expired bearer token',
    verifyToken: async (token, c) => {
      if (matchesAnyToken(admin, token)) {
        c.set('scope', { type: 'admin' });
        c.set('tokenId', 'env');
        return true;
      }
      const record = token.startsWith(TOKEN_PREFIX) ? await findActiveApiToken(deps.db, token) : null;
      if (!record) return false;
      c.set('scope', record.scope);
      c.set('tokenId', record.id);
      return true;
    },
  });
}
