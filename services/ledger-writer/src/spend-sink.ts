import type { SpendEvent } from '@spend-ledger/contract';
import type { BatchingProducer, DecodeControl, FlushControl, PartitionBatch } from '@spend-ledger/kafka';
import {
  eventDigest,
  type PreparedSpendBatch,
  prepareSpendBatch,
  RecentRequestIds,
  writePreparedBatch,
} from '@spend-ledger/ledger-db';
import type { Logger } from '@spend-ledger/platform';
import { toDeadLetters } from './dead-letter.ts';
import { decodeMessages } from './decode-messages.ts';
import type { LedgerConnection } from './ledger-connection.ts';
import type { LedgerHealth } from './ledger-health.ts';
import type { WriterMetrics } from './metrics.ts';
import { retryWithBackoff } from './retry-with-backoff.ts';

export interface SpendSinkDeps {
  ledger: LedgerConnection;
  /** Deadline of one write attempt. */
  writeTimeoutMs: number;
  /** How many recently written request_ids to remember, to drop retried copies before a write. */
  recentRequestIds: number;
  /** false under DISABLE_SPEND_LOGS: aggregates and request_ids only. */
  spendLogs: boolean;
  /** Events older than this many days go to the dead-letter topic; undefined: no bound. */
  maxEventAgeDays: number | undefined;
  /** The clock, for the age bound; tests pass their own. */
  now?: () => number;
  deadLetters: Pick<BatchingProducer, 'publish'>;
  log: Logger;
  metrics: WriterMetrics;
  retry: { initialMs: number; maxMs: number };
  health: LedgerHealth;
}

/**
 * The writer's three steps, plugged into the buffered consumer:
 * - decode: each fetched batch is validated with the contract; poison messages go to the dead-letter
 *   topic (durably, before the batch's offsets can ever be committed) and the good events are buffered;
 * - prepare: a closed window is deduplicated, aggregated and encoded while the previous one is written;
 * - flush: the prepared window goes through the one write path, retried with back-off until the
 *   ledger has it. Offsets are committed by the consumer only after this resolves.
 */
export function createSpendSink(deps: SpendSinkDeps) {
  const decode = async (batch: PartitionBatch, control: DecodeControl): Promise<SpendEvent[]> => {
    const oldest =
      deps.maxEventAgeDays === undefined
        ? undefined
        : { ms: (deps.now ?? Date.now)() - deps.maxEventAgeDays * 86_400_000, days: deps.maxEventAgeDays };
    const { events, poison } = decodeMessages(batch.messages, oldest);
    if (poison.length === 0) return events;
    const log = deps.log.child({ partition: batch.partition });
    await retryWithBackoff(() => deps.deadLetters.publish(toDeadLetters(batch, poison)), {
      ...deps.retry,
      ...control,
      onStateChange: (state, { error }) =>
        log[state === 'failing' ? 'error' : 'info']({ err: error }, `dead-letter publish ${state}`),
    });
    for (const p of poison)
      log.warn({ offset: p.message.offset, index: p.item?.index, reason: p.reason }, 'message dead-lettered');
    deps.metrics.deadLettered.inc(poison.length);
    return events;
  };

  const recent = new RecentRequestIds(deps.recentRequestIds);
  // Windows are written in order and a window is never written after one was abandoned, so an id
  // prepared here is in the ledger before any later window that repeats it is written.
  // A copy with other content than the one remembered is a suspected conflict, checked against the
  // ledger by the write path: not counted, but recorded.
  // The window's aggregate rows go to the shard of its lowest partition: a partition only this
  // writer owns, so no other writer upserts those rows, and a writer whose assignment is stable
  // keeps writing one shard (docs/decisions.md, "Aggregate rows sharded by writer partition").
  const prepare = (events: SpendEvent[], partitions: readonly number[]): PreparedSpendBatch => {
    const { unseen, conflicts } = recent.splitUnseen(events, eventDigest);
    return {
      ...prepareSpendBatch(
        unseen,
        conflicts.map((c) => c.event),
        { spendLogs: deps.spendLogs, shard: lowestPartition(partitions) },
      ),
      received: events.length,
    };
  };

  const flush = async (batch: PreparedSpendBatch, control: FlushControl): Promise<void> => {
    if (batch.events.length === 0 && batch.suspects.length === 0) {
      deps.metrics.duplicatesSkipped.inc(batch.received);
      return;
    }
    const stopTimer = deps.metrics.batchSeconds.startTimer();
    const write = async () => {
      try {
        const result = await deps.ledger.withDeadline(deps.writeTimeoutMs, (db) =>
          writePreparedBatch(db, batch),
        );
        deps.health.succeeded();
        return result;
      } catch (error) {
        deps.health.failed(error);
        throw error;
      }
    };
    const result = await retryWithBackoff(write, { ...deps.retry, ...control });
    deps.metrics.eventsWritten.inc(result.written);
    deps.metrics.duplicatesSkipped.inc(result.duplicates);
    if (result.conflictsRecorded > 0) {
      deps.metrics.requestIdConflicts.inc(result.conflictsRecorded);
      // Ids and digests only: never the events' payloads.
      deps.log.warn(
        {
          conflicts: result.conflictsRecorded,
          sample: result.conflicts
            .slice(0, 5)
            .map((c) => ({ requestId: c.requestId, digest: c.digest, keptDigest: c.keptDigest })),
        },
        'request_id reused with different content: first event kept, later ones recorded in request_id_conflicts',
      );
    }
    deps.log.debug({ ...result, seconds: stopTimer() }, 'window written');
  };

  return { decode, prepare, flush };
}

/** The window's shard; 0 for a window read from no partition (none is ever flushed). */
const lowestPartition = (partitions: readonly number[]): number =>
  partitions.length === 0 ? 0 : Math.min(...partitions);
