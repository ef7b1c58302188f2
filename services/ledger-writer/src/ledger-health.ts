import type { Logger } from '@spend-ledger/platform';
import type { WriterMetrics } from './metrics.ts';

/**
 * Whether ledger writes currently succeed, shared by every partition handler of this process, so an
 * outage logs one line when it starts and one when it ends, however many batches retry meanwhile.
 */
export class LedgerHealth {
  private failingSince: number | null = null;
  private failedAttempts = 0;

  constructor(
    private readonly log: Logger,
    private readonly metrics: WriterMetrics,
  ) {
    metrics.databaseUp.set(1);
  }

  failed(error: unknown): void {
    this.failedAttempts += 1;
    this.metrics.writeFailures.inc();
    if (this.failingSince !== null) return;
    this.failingSince = Date.now();
    this.metrics.databaseUp.set(0);
    this.log.error({ err: error }, 'ledger writes failing: consumption paused, retrying with back-off');
  }

  succeeded(): void {
    if (this.failingSince === null) return;
    this.log.info(
      { downMs: Date.now() - this.failingSince, failedAttempts: this.failedAttempts },
      'ledger writes recovered: consumption resumed',
    );
    this.failingSince = null;
    this.failedAttempts = 0;
    this.metrics.databaseUp.set(1);
  }
}
