import type { BatchHandler, BatchingProducer } from '@spend-ledger/kafka';
import { type LedgerDb, writeSpendBatch } from '@spend-ledger/ledger-db';
import type { Logger } from '@spend-ledger/platform';
import { toDeadLetters } from './dead-letter.ts';
import { decodeMessages } from './decode-messages.ts';
import type { LedgerHealth } from './ledger-health.ts';
import type { WriterMetrics } from './metrics.ts';
import { retryWithBackoff } from './retry-with-backoff.ts';

export interface SpendBatchDeps {
  db: LedgerDb;
  deadLetters: Pick<BatchingProducer, 'publish'>;
  log: Logger;
  metrics: WriterMetrics;
  retry: { initialMs: number; maxMs: number };
  health: LedgerHealth;
}

/**
 * One partition batch: poison messages to the dead-letter topic, then the good events through the
 * one write path, retried until the ledger has them. The consumer commits the offsets only after
 * this resolves, so everything before the commit is safe to redo.
 */
export function handleSpendBatch(deps: SpendBatchDeps): BatchHandler {
  return async (batch, control) => {
    const stopTimer = deps.metrics.batchSeconds.startTimer();
    const { events, poison } = decodeMessages(batch.messages);
    const retry = {
      ...deps.retry,
      shouldContinue: control.shouldContinue,
      heartbeat: control.heartbeat,
    };
    const log = deps.log.child({ partition: batch.partition, firstOffset: batch.messages[0]?.offset });

    if (poison.length > 0) {
      await retryWithBackoff(() => deps.deadLetters.publish(toDeadLetters(batch, poison)), {
        ...retry,
        onStateChange: (state, { error }) =>
          log[state === 'failing' ? 'error' : 'info']({ err: error }, `dead-letter publish ${state}`),
      });
      for (const p of poison)
        log.warn({ offset: p.message.offset, reason: p.reason }, 'message dead-lettered');
      deps.metrics.deadLettered.inc(poison.length);
    }

    const write = async () => {
      try {
        const result = await writeSpendBatch(deps.db, events);
        deps.health.succeeded();
        return result;
      } catch (error) {
        deps.health.failed(error);
        throw error;
      }
    };
    const result = await retryWithBackoff(write, retry);
    deps.metrics.eventsWritten.inc(result.written);
    deps.metrics.duplicatesSkipped.inc(result.duplicates);
    log.debug({ ...result, deadLettered: poison.length, seconds: stopTimer() }, 'batch written');
  };
}
