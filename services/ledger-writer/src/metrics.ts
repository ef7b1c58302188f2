import { Counter, Gauge, Histogram, type Registry } from '@spend-ledger/platform';

export interface WriterMetrics {
  eventsWritten: Counter;
  duplicatesSkipped: Counter;
  deadLettered: Counter;
  requestIdConflicts: Counter;
  batchSeconds: Histogram;
  windowEvents: Histogram;
  writeFailures: Counter;
  consumerLag: Gauge<'partition'>;
  databaseUp: Gauge;
}

export function createWriterMetrics(registry: Registry): WriterMetrics {
  return {
    eventsWritten: new Counter({
      name: 'writer_events_written_total',
      help: 'Events whose request_id was new, written to the ledger',
      registers: [registry],
    }),
    duplicatesSkipped: new Counter({
      name: 'writer_duplicates_skipped_total',
      help: 'Events skipped because their request_id was already counted',
      registers: [registry],
    }),
    requestIdConflicts: new Counter({
      name: 'writer_request_id_conflicts_total',
      help: 'Events not counted because their request_id was already counted with other content (see request_id_conflicts)',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'writer_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic',
      registers: [registry],
    }),
    windowEvents: new Histogram({
      name: 'writer_window_events',
      help: 'Events per flush window (one ledger transaction)',
      buckets: [1, 10, 100, 1_000, 5_000, 10_000, 20_000, 50_000],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'writer_flush_seconds',
      help: 'Time to write one flush window to the ledger, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    writeFailures: new Counter({
      name: 'writer_write_failures_total',
      help: 'Failed ledger transactions (each is retried)',
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'writer_consumer_lag_messages',
      help: 'Messages between the committed offset and the high watermark, per partition',
      labelNames: ['partition'],
      registers: [registry],
    }),
    databaseUp: new Gauge({
      name: 'writer_database_up',
      help: '1 while ledger writes succeed, 0 while they are failing and retried',
      registers: [registry],
    }),
  };
}
