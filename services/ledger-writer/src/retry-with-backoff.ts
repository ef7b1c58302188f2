export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Checked after each failure and during waits; false abandons the work. */
  shouldContinue: () => boolean;
  /** Called while waiting, so a consumer keeps its group membership through long outages. */
  heartbeat?: () => Promise<void>;
  /** Called once when the first attempt fails and once when an attempt succeeds after failures. */
  onStateChange?: (state: 'failing' | 'recovered', detail: { attempts: number; error?: unknown }) => void;
}

export class AbandonedError extends Error {
  constructor() {
    super('work abandoned: the consumer is stopping or lost its partition');
    this.name = 'AbandonedError';
  }
}

/**
 * Runs `work` until it succeeds, doubling the wait after each failure up to maxMs (with jitter so
 * replicas do not retry in lockstep). Never gives up on its own: a batch is never skipped. Throws
 * AbandonedError when shouldContinue turns false.
 */
export async function retryWithBackoff<T>(work: () => Promise<T>, options: BackoffOptions): Promise<T> {
  let attempts = 0;
  let delay = options.initialMs;
  for (;;) {
    try {
      const result = await work();
      if (attempts > 0) options.onStateChange?.('recovered', { attempts: attempts + 1 });
      return result;
    } catch (error) {
      attempts += 1;
      if (attempts === 1) options.onStateChange?.('failing', { attempts, error });
      // Checked after a failure, not before the first attempt: a final flush at shutdown still runs.
      if (!options.shouldContinue()) throw new AbandonedError();
      const until = Date.now() + delay * (0.75 + Math.random() * 0.5);
      while (Date.now() < until) {
        if (!options.shouldContinue()) throw new AbandonedError();
        // A heartbeat error (usually: the group is rebalancing) propagates, so the consumer can
        // rejoin instead of holding up the whole group until it is evicted.
        await options.heartbeat?.();
        await new Promise((r) => setTimeout(r, Math.min(1_000, Math.max(0, until - Date.now()))));
      }
      delay = Math.min(delay * 2, options.maxMs);
    }
  }
}
