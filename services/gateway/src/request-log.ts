import type { Logger } from '@spend-ledger/platform';
import type { GatewayMetrics } from './metrics.ts';

export interface FinishedRequest {
  method: string;
  /** The route pattern, never the path (which a client chose: /v1/litellm/t/{token}/... carries a secret). */
  route: string;
  status: number;
  requestId: string;
  clientRequestId: string | undefined;
  /** performance.now() when the request arrived. */
  started: number;
}

/**
 * What every answered request leaves behind, from the hono middleware and from the ingest fast path
 * alike: one count in gateway_http_requests_total and, when its level is on, one log line.
 */
export function requestRecorder(deps: {
  log: Logger;
  metrics: GatewayMetrics;
}): (r: FinishedRequest) => void {
  // One labelled counter per (method, route, status), looked up by a string key: prom-client's
  // inc(labels) hashes the label object on every call.
  const counters = new Map<string, { inc(): void }>();
  return ({ method, route, status, requestId, clientRequestId, started }) => {
    const key = `${method} ${route} ${status}`;
    let counter = counters.get(key);
    if (!counter) {
      counter = deps.metrics.httpRequests.labels({ method, route, status });
      counters.set(key, counter);
    }
    counter.inc();
    // Success is the hot path: one line per accepted batch at debug; failures at info.
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (!deps.log.isLevelEnabled(level)) return;
    deps.log[level](
      { requestId, clientRequestId, method, route, status, ms: performance.now() - started },
      'request',
    );
  };
}
