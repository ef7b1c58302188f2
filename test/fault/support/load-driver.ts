import type { SpendEventInput } from '@spend-ledger/contract';

export interface LoadStats {
  /** Events in the workload handed to the gateway (duplicates included), counted once each. */
  sent: number;
  /** Events in requests the gateway answered 202. */
  acknowledged: number;
  /** Requests answered 503 (Kafka unavailable) and retried. */
  unavailable: number;
  /** Requests that failed at the connection level and were retried. */
  connectionErrors: number;
}

/**
 * Posts a workload in batches from several concurrent clients, as proxy pods would, and retries a
 * batch with the same request_ids until the gateway answers 202 — the client half of "nothing
 * acknowledged is lost". Any other 4xx is a bug and fails the run.
 */
export class LoadDriver {
  readonly stats: LoadStats = { sent: 0, acknowledged: 0, unavailable: 0, connectionErrors: 0 };
  private stopped = false;

  constructor(
    private readonly gatewayUrl: () => string,
    private readonly token: string,
    private readonly options: { batchSize: number; concurrency: number; pauseMs?: number },
  ) {}

  async run(events: readonly SpendEventInput[]): Promise<LoadStats> {
    const queue: SpendEventInput[][] = [];
    for (let i = 0; i < events.length; i += this.options.batchSize) {
      queue.push(events.slice(i, i + this.options.batchSize));
    }
    await Promise.all(
      Array.from({ length: this.options.concurrency }, async () => {
        for (let batch = queue.shift(); batch && !this.stopped; batch = queue.shift()) {
          this.stats.sent += batch.length;
          await this.postUntilAccepted(batch);
          if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
        }
      }),
    );
    return this.stats;
  }

  stop(): void {
    this.stopped = true;
  }

  private async postUntilAccepted(batch: SpendEventInput[]): Promise<void> {
    const body = JSON.stringify(batch);
    // A gateway that stays unavailable is a failure, not something to wait out for ever.
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline)
        throw new Error('the gateway did not accept a batch within 120 s of retries');
      let status: number;
      let text = '';
      try {
        const res = await fetch(`${this.gatewayUrl()}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        this.stats.connectionErrors += 1;
        await backoff(attempt);
        continue;
      }
      if (status === 202) {
        this.stats.acknowledged += batch.length;
        return;
      }
      if (status === 503) {
        this.stats.unavailable += 1;
        await backoff(attempt);
        continue;
      }
      throw new Error(`gateway answered ${status}: ${text}`);
    }
  }
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
