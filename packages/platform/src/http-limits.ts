import type { Server } from 'node:http';
import { z } from 'zod';
import { positiveInt } from './config.ts';

/** Limits every HTTP server of ours sets on Node's http.Server (its defaults are open-ended). */
export interface HttpLimits {
  /** Time for a request's headers to arrive (Node default 60 s): the slowloris guard. */
  headersTimeoutMs: number;
  /** Time for a whole request, body included, to arrive (Node default 300 s). */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; more are dropped on accept (Node default: unlimited). */
  maxConnections: number;
  /** Headers read per request; more are ignored (Node default 2,000). */
  maxHeadersCount: number;
  /** Bytes of request line and headers; more is a 431. */
  maxHeaderBytes: number;
}

/** The variables, spread into each service's config schema (documented in the README). */
export const HTTP_LIMITS_ENV = {
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(5_000),
  HTTP_MAX_CONNECTIONS: positiveInt(1_000),
  HTTP_MAX_HEADERS_COUNT: positiveInt(100),
  HTTP_MAX_HEADER_BYTES: z.coerce.number().int().min(1_024).max(1_048_576).default(16_384),
};

type HttpLimitsEnv = { [K in keyof typeof HTTP_LIMITS_ENV]: z.output<(typeof HTTP_LIMITS_ENV)[K]> };

/** Node refuses a headers timeout longer than the request timeout; say so at start-up, by name. */
export function checkHttpLimits(env: HttpLimitsEnv, ctx: z.RefinementCtx): void {
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['HTTP_HEADERS_TIMEOUT_MS'],
      message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
    });
  }
}

export const httpLimitsOf = (env: HttpLimitsEnv): HttpLimits => ({
  headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  maxConnections: env.HTTP_MAX_CONNECTIONS,
  maxHeadersCount: env.HTTP_MAX_HEADERS_COUNT,
  maxHeaderBytes: env.HTTP_MAX_HEADER_BYTES,
});

/**
 * Options for http.createServer. Node checks the header and request timeouts only every
 * `connectionsCheckingInterval` (default 30 s, which would let a slow client hold a socket that much
 * longer); here at most every second.
 */
export const serverOptionsOf = (limits: HttpLimits) => ({
  headersTimeout: limits.headersTimeoutMs,
  requestTimeout: limits.requestTimeoutMs,
  keepAliveTimeout: limits.keepAliveTimeoutMs,
  maxHeaderSize: limits.maxHeaderBytes,
  connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
});

/** The limits that are properties of a created server rather than constructor options. */
export function applyServerLimits(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = limits.maxHeadersCount;
  // Also set as properties: some Node versions read these from the server, not only the options.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}
