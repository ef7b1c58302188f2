import { Histogram, type Registry } from '@spend-ledger/platform';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

export interface QueryMetrics {
  requestSeconds: Histogram<'method' | 'route' | 'status'>;
}

export function createQueryMetrics(registry: Registry): QueryMetrics {
  return {
    requestSeconds: new Histogram({
      name: 'query_http_request_duration_seconds',
      help: 'Query API request latency by method, route pattern and status (CSV: until the last row)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

/**
 * Observes every request's latency under its route PATTERN (`/v1/spend/:entity_type/:entity_id`),
 * never the raw path: raw paths hold entity ids and keys, and would make one series per id. A
 * request that matched no route is labelled with the last middleware pattern it passed (`/v1/*`).
 */
export function recordRequestLatency(metrics: QueryMetrics): MiddlewareHandler {
  return async (c, next) => {
    const end = metrics.requestSeconds.startTimer();
    try {
      await next();
    } finally {
      end({ method: c.req.method, route: routePath(c, -1) || 'unmatched', status: c.res.status });
    }
  };
}
