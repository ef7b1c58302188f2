import { serve } from '@hono/node-server';
import {
  BatchConsumer,
  BatchingProducer,
  createKafka,
  ensureTopics,
  getConsumerLag,
} from '@spend-ledger/kafka';
import { createLedgerDb, pingLedgerDb } from '@spend-ledger/ledger-db';
import { ConfigError, createLogger, createMetricsRegistry, installShutdown } from '@spend-ledger/platform';
import { createWriterApp } from './app.ts';
import { loadWriterConfig } from './config.ts';
import { handleSpendBatch } from './handle-spend-batch.ts';
import { createWriterMetrics } from './metrics.ts';

let config: ReturnType<typeof loadWriterConfig>;
try {
  config = loadWriterConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`ledger-writer: ${error.message}`);
  process.exit(1);
}

const log = createLogger({ service: 'ledger-writer', level: config.logLevel });
const registry = createMetricsRegistry('ledger-writer');
const metrics = createWriterMetrics(registry);
const kafka = createKafka({ ...config.kafka, log });
const ledger = createLedgerDb(config.databaseUrl, {
  maxConnections: config.dbPoolMax,
  applicationName: 'spend-ledger-writer',
});

if (config.createTopics) {
  await ensureTopics(kafka, [
    { topic: config.topic, numPartitions: config.topicPartitions },
    { topic: config.deadLetterTopic, numPartitions: 1 },
  ]);
}
const deadLetters = new BatchingProducer(kafka, {
  topic: config.deadLetterTopic,
  log: log.child({ component: 'dlq' }),
});
await deadLetters.connect();

let joined = false;
const consumer = new BatchConsumer(kafka, {
  groupId: config.groupId,
  topic: config.topic,
  log: log.child({ component: 'consumer' }),
  partitionsConcurrently: config.partitionsConcurrently,
  sessionTimeoutMs: config.sessionTimeoutMs,
  maxBytesPerPartition: config.maxBytesPerPartition,
  onGroupChange: (e) => {
    joined = e.type === 'joined';
  },
  handler: handleSpendBatch({
    db: ledger.db,
    deadLetters,
    log: log.child({ component: 'batch' }),
    metrics,
    retry: config.retry,
  }),
});

let shuttingDown = false;
const app = createWriterApp({
  log,
  registry,
  metrics,
  isShuttingDown: () => shuttingDown,
  checks: {
    consumer: async () => joined,
    database: () => pingLedgerDb(ledger.db),
  },
  fetchLag: () => getConsumerLag(kafka, config.groupId, config.topic),
});
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  log.info(
    { host: info.address, port: info.port, topic: config.topic, group: config.groupId },
    'writer listening',
  );
});

await consumer.start();

installShutdown(
  log,
  [
    {
      name: 'not ready',
      run: () => {
        shuttingDown = true;
      },
    },
    { name: 'stop consumer (finish or abandon batch, leave group)', run: () => consumer.stop() },
    { name: 'disconnect dead-letter producer', run: () => deadLetters.disconnect() },
    { name: 'close database pool', run: () => ledger.close() },
    { name: 'close health server', run: () => new Promise<void>((r) => server.close(() => r())) },
  ],
  config.shutdownTimeoutMs,
);
