import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { requestRoute } from './request-context.ts';
import type { RequestIdEnv } from './request-env.ts';

/** The closed list of error codes, each with exactly one HTTP status. */
export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** The per-request rows are switched off (DISABLE_SPEND_LOGS): the request cannot be answered. */
  SPEND_LOGS_DISABLED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with the request; `index` is the position of the event in a batch. */
export interface ErrorDetail {
  field: string;
  message: string;
  index?: number;
}

/**
 * Domain code throws this; only the HTTP layer turns it into a status. `retryAfterSeconds` becomes a
 * Retry-After header (503 while Kafka or Postgres is unavailable).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: ErrorDetail[] };
}

// Apps without hono's requestId middleware (the ops app) have none: the variable is then unset.
const requestIdOf = (c: Context<{ Variables: Partial<RequestIdEnv['Variables']> }>): string => {
  const id: string | undefined = c.get('requestId');
  return id ?? 'unknown';
};

/** The one error body used by every service; a fast path outside hono renders it too. */
export const errorBodyOf = (error: ApiError, requestId: string): ErrorBody => ({
  error: {
    code: error.code,
    message: error.message,
    requestId,
    ...(error.details ? { details: error.details } : {}),
  },
});

/** Renders an ApiError as the one error body used by every service. */
export function errorResponse(c: Context, error: ApiError): Response {
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  return c.json(errorBodyOf(error, requestIdOf(c)), ERROR_STATUS[error.code]);
}

/** The code for an HTTPException's status; a 4xx outside the closed list is a client error all the same. */
function codeForStatus(status: number): ErrorCode {
  const listed = (Object.keys(ERROR_STATUS) as ErrorCode[]).find(
    (code) => ERROR_STATUS[code] === status && code !== 'INVALID_JSON',
  );
  if (listed) return listed;
  return status >= 400 && status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL';
}

/**
 * An HTTPException (thrown by hono's own middleware: bearer auth, body limit, ...) as an ApiError, so
 * it gets our body instead of hono's plain text. A 4xx keeps its message; a 5xx says nothing more
 * than our 500 does (handleErrors logs it).
 */
function apiErrorFromHttpException(error: HTTPException): ApiError {
  const code = codeForStatus(error.status);
  if (ERROR_STATUS[code] >= 500) {
    return code === 'UNAVAILABLE'
      ? new ApiError(code, 'temporarily unavailable; retry later')
      : new ApiError(code, INTERNAL_MESSAGE);
  }
  return new ApiError(code, error.message || DEFAULT_MESSAGES[code] || 'bad request');
}

export const INTERNAL_MESSAGE = 'internal error; the request id identifies it in the logs';

const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'missing or invalid credentials',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not found',
  PAYLOAD_TOO_LARGE: 'request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported media type',
};

/** Headers of the exception's own response that the client needs (the auth challenge, Retry-After). */
const KEPT_HEADERS = ['www-authenticate', 'retry-after'];

/**
 * app.onError handler: ApiErrors pass through; hono's HTTPExceptions become the ApiError of their
 * status; anything else is a 500 that tells the client little and logs the cause.
 */
export function handleErrors(log: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      if (error.status >= 500) {
        log.error({ err: error, requestId: requestIdOf(c), route: requestRoute(c) }, 'http exception');
      }
      for (const name of KEPT_HEADERS) {
        const value = error.res?.headers.get(name);
        if (value) c.header(name, value);
      }
      return errorResponse(c, apiErrorFromHttpException(error));
    }
    // The route pattern, never the path: a path can hold a raw api key or a token
    // (/v1/litellm/t/{token}/...).
    log.error({ err: error, requestId: requestIdOf(c), route: requestRoute(c) }, 'unhandled error');
    return errorResponse(c, new ApiError('INTERNAL', INTERNAL_MESSAGE));
  };
}

export const handleNotFound: NotFoundHandler = (c) =>
  errorResponse(c, new ApiError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
