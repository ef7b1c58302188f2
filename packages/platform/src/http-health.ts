import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface HealthOptions {
  /** Dependency checks; each must resolve true within `timeoutMs`. */
  checks: Record<string, () => Promise<boolean>>;
  /** Set when shutdown starts: readiness fails at once so the load balancer stops sending. */
  isShuttingDown: () => boolean;
  metrics?: Registry;
  timeoutMs?: number;
}

const withTimeout = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * /healthz answers while the process runs; /readyz runs the dependency checks; /metrics serves
 * Prometheus text. Mounted without authentication: they reveal no ledger data.
 */
export function healthRoutes(options: HealthOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (options.isShuttingDown()) return c.json({ status: 'shutting_down' }, 503);
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((n) => withTimeout(options.checks[n] as () => Promise<boolean>, options.timeoutMs ?? 2_000)),
    );
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'failing']));
    const ready = results.every(Boolean);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  if (options.metrics) {
    const registry = options.metrics;
    app.get('/metrics', async (c) =>
      c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }),
    );
  }
  return app;
}
