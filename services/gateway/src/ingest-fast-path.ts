import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  BEARER_TOKEN_SYNTAX,
  clientRequestIdOf,
  ERROR_STATUS,
  errorBodyOf,
  INTERNAL_MESSAGE,
  matchesAnyToken,
  type NodeFastPath,
} from '@spend-ledger/platform';
import { readNodeBody } from './json-body.ts';
import type { FinishedRequest } from './request-log.ts';
import { acceptEvents, type EventsRouteDeps, JSON_TYPE } from './routes/events.ts';

export interface IngestFastPathDeps extends EventsRouteDeps {
  ingestTokens: readonly string[];
  recordRequest: (r: FinishedRequest) => void;
}

const PATH = '/v1/events';
/** The route pattern hono reports for POST /v1/events (logs, metric labels). */
export const EVENTS_ROUTE = '/v1/events';
const BEARER = 'Bearer ';

/**
 * POST /v1/events served on Node's request and response, without the Web Request/Response that
 * @hono/node-server builds around every request, hono's routing and its middleware chain: the
 * single-event request's CPU went there (docs/performance.md, "Session 7"). It answers exactly
 * what the hono app answers (status, body, headers in the same order, metrics, logs; the
 * equivalence test holds it to that) and only takes a request it is sure of: the exact path, one
 * `Authorization: Bearer <a configured token>` and one JSON Content-Type. Everything else — a
 * missing or wrong token, another media type, a query string, repeated headers (Node keeps the
 * first where hono sees them joined) — goes to the hono app, which refuses or serves it as before.
 */
export function ingestFastPath(deps: IngestFastPathDeps): NodeFastPath {
  const allowed = deps.ingestTokens.map((t) => Buffer.from(t));
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const auth = req.headers.authorization;
    const contentType = req.headers['content-type'];
    if (auth === undefined || contentType === undefined || !auth.startsWith(BEARER)) return false;
    if (!JSON_TYPE.test(contentType) || repeatsAuthOrType(req.rawHeaders)) return false;
    const token = auth.slice(BEARER.length);
    if (!BEARER_TOKEN_SYNTAX.test(token) || !matchesAnyToken(allowed, token)) return false;
    serveIngest(deps, req, res).catch((error: unknown) => {
      // Only a throw after the answer was decided can land here (none is known); never crash for it.
      deps.log.error({ err: error, route: EVENTS_ROUTE }, 'unhandled error');
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}

/** Whether Authorization or Content-Type came more than once (hono would see "a, b"). */
function repeatsAuthOrType(raw: readonly string[]): boolean {
  let auth = 0;
  let type = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization') auth++;
    else if (name.length === 12 && name.toLowerCase() === 'content-type') type++;
  }
  return auth > 1 || type > 1;
}

async function serveIngest(deps: IngestFastPathDeps, req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  const requestId = randomUUID();
  const clientRequestId = clientRequestIdOf(joinedHeader(req.headers['x-request-id']));
  let status: number;
  let text: string;
  let retryAfter: number | undefined;
  try {
    const accepted = await acceptEvents(deps, await readNodeBody(req, deps.maxBodyBytes));
    status = 202;
    text = JSON.stringify({ accepted });
  } catch (caught) {
    let error: ApiError;
    if (caught instanceof ApiError) error = caught;
    else {
      // As handleErrors logs it: the route pattern, never the path.
      deps.log.error({ err: caught, requestId, route: EVENTS_ROUTE }, 'unhandled error');
      error = new ApiError('INTERNAL', INTERNAL_MESSAGE);
    }
    status = ERROR_STATUS[error.code];
    text = JSON.stringify(errorBodyOf(error, requestId));
    retryAfter = error.retryAfterSeconds;
  }
  deps.recordRequest({ method: 'POST', route: EVENTS_ROUTE, status, requestId, clientRequestId, started });
  // The headers @hono/node-server writes for c.json(): Web Headers' names (lower case, sorted),
  // then its Content-Length.
  const headers: Record<string, string | number> =
    retryAfter === undefined
      ? { 'content-type': 'application/json', 'x-request-id': requestId }
      : { 'content-type': 'application/json', 'retry-after': String(retryAfter), 'x-request-id': requestId };
  headers['Content-Length'] = Buffer.byteLength(text);
  if (!req.readableEnded) res.once('finish', () => drainIncoming(req));
  res.writeHead(status, headers);
  res.end(text);
}

/** Node joins a repeated X-Request-Id with ", " as Web Headers do; it is a string either way. */
const joinedHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

// @hono/node-server's limits for a body left unread (a 413): read on for a while, then close.
const DRAIN_TIMEOUT_MS = 500;
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * What @hono/node-server does with a request body the answer did not read (a 413 before or while
 * reading): discard up to 64 MiB for up to 500 ms so the connection can be kept, else close it.
 */
function drainIncoming(incoming: IncomingMessage): void {
  if (incoming.destroyed || incoming.readableEnded) return;
  let bytesRead = 0;
  const cleanup = () => {
    clearTimeout(timer);
    incoming.off('data', onData);
    incoming.off('end', cleanup);
    incoming.off('error', cleanup);
  };
  const forceClose = () => {
    cleanup();
    const socket = incoming.socket;
    if (socket && !socket.destroyed) socket.destroySoon();
  };
  const timer = setTimeout(forceClose, DRAIN_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    bytesRead += chunk.length;
    if (bytesRead > MAX_DRAIN_BYTES) forceClose();
  };
  incoming.on('data', onData);
  incoming.on('end', cleanup);
  incoming.on('error', cleanup);
  incoming.resume();
}
