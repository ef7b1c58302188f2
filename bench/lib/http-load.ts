import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  token: string;
  /** Request bodies, cycled through so consecutive requests carry different events. */
  bodies: readonly string[];
  connections: number;
  seconds: number;
  /** Requests per second across all connections; unset = as fast as the server answers. */
  overallRate?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
}

/**
 * autocannon (same process as the bench, same two cores as everything else) POSTing JSON batches.
 * Rates count only 2xx answers. Latency is per request from send to answer; at a fixed rate
 * autocannon does not correct for coordinated omission, so queueing behind a slow answer is hidden.
 */
export async function runHttpLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          next = (next + 1) % options.bodies.length;
          return { ...request, body: options.bodies[next] };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
