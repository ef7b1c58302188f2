import type { BatchHandler, BatchingProducer } from '@spend-ledger/kafka';
import { type LedgerDb, writeSpendBatch } from '@spend-ledger/ledger-db';
import type { Logger } from '@spend-ledger/platform';
import { toDeadLetters } from './dead-letter.ts';
import { decodeMessages } from './decode-messages.ts';
import type { WriterMetrics } from './metrics.ts';
import { retryWithBackoff } from './retry-with-backoff.ts';

export interface SpendBatchDeps {
  db: LedgerDb;
  deadLetters: Pick<BatchingProducer, 'publish'>;
  log: Logger;
  metrics: WriterMetrics;
  retry: { initialMs: number; maxMs: number };
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

    const write = () =>
      writeSpendBatch(deps.db, events).catch((error) => {
        deps.metrics.writeFailures.inc();
        throw error;
      });
    const result = await retryWithBackoff(write, {
      ...retry,
      onStateChange: (state, { error, attempts }) => {
        deps.metrics.databaseUp.set(state === 'failing' ? 0 : 1);
        if (state === 'failing') log.error({ err: error }, 'ledger write failing; retrying with back-off');
        else log.info({ attempts }, 'ledger write recovered');
      },
    });
    deps.metrics.databaseUp.set(1);
    deps.metrics.eventsWritten.inc(result.written);
    deps.metrics.duplicatesSkipped.inc(result.duplicates);
    log.debug({ ...result, deadLettered: poison.length, seconds: stopTimer() }, 'batch written');
  };
}
