import { timingSafeEqual } from 'node:crypto';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { bearerAuth as honoBearerAuth } from 'hono/bearer-auth';
import { ApiError } from './http-errors.ts';

/** RFC 6750's token syntax, which hono's bearerAuth enforces before any comparison. */
export const BEARER_TOKEN_SYNTAX = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * Refuses, when the app is built (at start-up), configured tokens that no request could ever match
 * because hono's bearerAuth rejects their syntax first: a silent 401 for every client is worse.
 */
export function assertTokenSyntax(tokens: readonly string[]): void {
  const bad = tokens.filter((t) => !BEARER_TOKEN_SYNTAX.test(t)).length;
  if (bad > 0) {
    throw new Error(
      `${bad} configured bearer token(s) hold characters outside A-Z a-z 0-9 - . _ ~ + / (then =), ` +
        "RFC 6750's token syntax: no request could ever present them",
    );
  }
}

const MISSING = 'missing bearer token (Authorization: Bearer <token>)';

/**
 * hono's bearerAuth (header parsing, RFC 6750 token syntax) with our error body: its refusals throw
 * our ApiError instead of its plain-text responses, and a malformed header is a 401 like a missing
 * one (hono answers 400), as it always was here. `verifyToken` decides; it may set context variables.
 */
export function bearerTokenAuth<E extends Env>(options: {
  verifyToken: (token: string, c: Context<E>) => boolean | Promise<boolean>;
  invalidMessage: string;
}): MiddlewareHandler<E> {
  const refuse = (message: string) => () => {
    throw new ApiError('UNAUTHORIZED', message);
  };
  return honoBearerAuth<E>({
    verifyToken: options.verifyToken,
    noAuthenticationHeader: { message: refuse(MISSING) },
    invalidAuthenticationHeader: { message: refuse(MISSING) },
    invalidToken: { message: refuse(options.invalidMessage) },
  });
}

/** Whether `given` is one of `allowed`, compared in constant time so timing does not leak a prefix. */
export function matchesAnyToken(allowed: readonly Buffer[], given: string): boolean {
  const bytes = Buffer.from(given);
  return allowed.some((t) => t.length === bytes.length && timingSafeEqual(t, bytes));
}

/** Bearer-token check against a fixed set of tokens (constant-time comparison). */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  assertTokenSyntax(tokens);
  const allowed = tokens.map((t) => Buffer.from(t));
  return bearerTokenAuth({
    verifyToken: (token) => matchesAnyToken(allowed, token),
    invalidMessage: 'invalid bearer token',
  });
}
