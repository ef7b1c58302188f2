import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { applyServerLimits, type HttpLimits, serverOptionsOf } from './http-limits.ts';
import type { ShutdownStep } from './shutdown.ts';

/** A started service: where it listens and how to stop it in order. */
export interface RunningService {
  /** Base URL of its HTTP server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Base URL of its operational endpoints (/healthz, /readyz, /metrics); the writer's is `url`. */
  opsUrl: string;
  /** The ordered shutdown; main wires it to signals, tests call stop(). */
  shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

export async function runShutdownSteps(steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) await step.run();
}

export interface Listening {
  server: ServerType;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a fetch handler and resolves once the port is bound (port 0 picks a free one), with the
 * given limits on headers, requests, keep-alive and connections (Node's defaults otherwise).
 */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
  limits?: HttpLimits,
): Promise<Listening> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      { fetch, hostname: host, port, ...(limits ? { serverOptions: serverOptionsOf(limits) } : {}) },
      () => resolve(s),
    );
    if (limits) applyServerLimits(s as Server, limits);
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.address}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The first step of every ordered shutdown: readiness fails from here on, so load balancers stop
 * sending before anything else is closed.
 */
export function readinessGate(): { isShuttingDown: () => boolean; step: ShutdownStep } {
  let shuttingDown = false;
  return {
    isShuttingDown: () => shuttingDown,
    step: {
      name: 'not ready',
      run: () => {
        shuttingDown = true;
      },
    },
  };
}
