import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
 * A request handler in front of the fetch handler, on Node's own request and response: it answers
 * the requests it takes (returns true) and leaves every other to the fetch handler untouched (returns
 * false, having read nothing of the body). For a hot route whose per-request cost the Web
 * Request/Response conversion would dominate.
 */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Serves a fetch handler and resolves once the port is bound (port 0 picks a free one), with the
 * given limits on headers, requests, keep-alive and connections (Node's defaults otherwise), and
 * optionally a fast path that answers some requests before the fetch handler sees them.
 */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
  limits?: HttpLimits,
  fastPath?: NodeFastPath,
): Promise<Listening> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch,
        hostname: host,
        port,
        ...(limits ? { serverOptions: serverOptionsOf(limits) } : {}),
        ...(fastPath
          ? {
              createServer: ((options: object, listener: (q: IncomingMessage, r: ServerResponse) => void) =>
                createServer(options, (req, res) => {
                  if (!fastPath(req, res)) listener(req, res);
                })) as unknown as typeof createServer,
            }
          : {}),
      },
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
