import { connect, type Socket } from 'node:net';

export interface PacedLoadOptions {
  url: string;
  token: string;
  /** Request bodies, cycled through so consecutive requests carry different events. */
  bodies: readonly string[];
  /** Requests per second, sent at evenly spaced moments whatever the answers do. */
  rate: number;
  seconds: number;
  /** Keep-alive connections the requests are spread over (a request waits for a free one). */
  connections: number;
}

export interface PacedLoadResult {
  requestsPerSecond: number;
  /** From the moment a request was due to its answer (includes waiting for a free connection). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the moment a request was written to its answer (the server's share alone). */
  serviceP99Ms: number;
  non2xx: number;
  errors: number;
}

interface Conn {
  socket: Socket;
  busy: boolean;
  /** Failed: never used again (its request counted as an error). */
  dead: boolean;
  buffer: Buffer;
  /** When the request on this connection was due and when it was written. */
  dueAt: number;
  sentAt: number;
}

/**
 * An open-loop load at a fixed rate (as wrk2 does): request i is due at start + i/rate and is written
 * on the first free connection; its latency runs from when it was due, so a slow answer cannot hide
 * the requests queued behind it (coordinated omission). autocannon's `overallRate` instead lets each
 * connection send its per-second quota back to back at the start of every second, which is the
 * closed-loop maximum for most of each second, not a steady 80%.
 * Raw keep-alive sockets and prebuilt requests keep the generator's own CPU small; answers are
 * read by Content-Length (the gateway's are small JSON bodies).
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const url = new URL(options.url);
  const port = Number(url.port);
  const requests = options.bodies.map((body) =>
    Buffer.from(
      `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${options.token}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    ),
  );
  const total = Math.max(1, Math.floor(options.rate * options.seconds));
  const latencies: number[] = [];
  const serviceLatencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  let done = 0;
  const start = performance.now() + 20;
  const dueAt = (i: number) => start + (i * 1000) / options.rate;

  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const complete = (conn: Conn, status: number) => {
    const now = performance.now();
    latencies.push(now - conn.dueAt);
    serviceLatencies.push(now - conn.sentAt);
    if (status < 200 || status > 299) non2xx++;
    conn.busy = false;
    if (++done === total) finish();
    else dispatch();
  };

  /** A connection that failed or closed: never used again; its unanswered request is an error. */
  const lose = (conn: Conn) => {
    if (conn.dead) return;
    conn.dead = true;
    if (!conn.busy) return;
    conn.busy = false;
    errors++;
    if (++done === total) finish();
    else dispatch();
  };

  const conns: Conn[] = [];
  const open = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port, noDelay: true });
      const conn: Conn = { socket, busy: false, dead: false, buffer: Buffer.alloc(0), dueAt: 0, sentAt: 0 };
      socket.once('connect', () => resolve(conn));
      // Before it connected, an error fails the run; after, only the request it carried (if any).
      socket.on('error', (error) => {
        if (!conn.dead && !conn.busy) reject(error);
        lose(conn);
      });
      // A connection the server closes with a request unanswered (a keep-alive or request timeout,
      // a crash) would otherwise leave that request pending for ever and the run with it.
      socket.on('close', () => lose(conn));
      socket.on('data', (chunk) => {
        conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
        const end = conn.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = conn.buffer.toString('latin1', 0, end);
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (conn.buffer.length < end + 4 + length) return;
        conn.buffer = conn.buffer.subarray(end + 4 + length);
        complete(conn, Number(head.slice(9, 12)));
      });
    });
  for (let i = 0; i < options.connections; i++) conns.push(await open());

  let timer: NodeJS.Timeout | undefined;
  function dispatch(): void {
    const now = performance.now();
    while (next < total && dueAt(next) <= now) {
      const conn = conns.find((c) => !c.busy && !c.dead);
      if (!conn) return; // due requests wait for an answer to free a connection
      conn.busy = true;
      conn.dueAt = dueAt(next);
      conn.sentAt = now;
      conn.socket.write(requests[next % requests.length] as Buffer);
      next++;
    }
  }
  const tick = () => {
    dispatch();
    if (next < total) timer = setTimeout(tick, Math.max(0, Math.min(1, dueAt(next) - performance.now())));
  };
  tick();
  // Whatever happens to the connections, the run ends: requests unanswered 30 s after the last
  // was due count as errors.
  const deadline = setTimeout(
    () => {
      errors += total - done;
      done = total;
      finish();
    },
    options.seconds * 1000 + 30_000,
  );
  await finished;
  clearTimeout(deadline);
  clearTimeout(timer);
  const elapsed = (performance.now() - start) / 1000;
  for (const c of conns) c.socket.destroy();

  const sorted = Float64Array.from(latencies).sort();
  const service = Float64Array.from(serviceLatencies).sort();
  const at = (a: Float64Array, q: number) => a[Math.min(a.length - 1, Math.floor(q * a.length))] ?? 0;
  return {
    requestsPerSecond: (done - non2xx - errors) / elapsed,
    p50Ms: at(sorted, 0.5),
    p99Ms: at(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    serviceP99Ms: at(service, 0.99),
    non2xx,
    errors,
  };
}
